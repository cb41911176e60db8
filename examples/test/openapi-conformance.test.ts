/**
 * `GET /openapi.json` against what the servers do: for every operation and every status the document lists,
 * a request that should get that status is sent to both servers, and the answer must have it, with a body
 * that fits the documented schema. A status listed without a request here fails the test, so the document
 * cannot promise an answer nobody checked.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ADMIN,
  type Answer,
  client,
  FRAMEWORKS,
  type Framework,
  startTestServer,
  type TestServer,
  UPLOAD_MAX_BYTES,
} from './harness.js';
import { makePng } from './png.js';

const frameworks = Object.keys(FRAMEWORKS) as Framework[];

type Http = ReturnType<typeof client>;

/** What the requests use: two servers (one with tiny limits for the 429s), tokens, and fixture builders. */
interface Context {
  readonly http: Http;
  readonly limited: Http;
  readonly limitedUrl: string;
  readonly admin: string;
  readonly user: string;
  /** The admin's session on the limited server. */
  readonly limitedAdmin: string;
  /** A new app (by the admin). */
  app(): Promise<string>;
  /** A new task claimed by `user` on a new app. */
  claimed(): Promise<string>;
  /** A new task of `user` with a proof, waiting for review. */
  submitted(): Promise<string>;
}

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;
const validApp = () => ({
  name: `Doc ${unique()}`,
  packageName: `com.example.doc${unique()}`,
  storeUrl: 'https://play.example.com/doc',
  category: 'Tools',
  points: 3,
});

/** Sends requests until one answers `status` (the limits count every request), at most `tries`. */
async function until(status: number, tries: number, send: () => Promise<Answer>): Promise<Answer> {
  let answer = await send();
  for (let i = 1; i < tries && answer.status !== status; i++) answer = await send();
  return answer;
}

/** Holds one `POST /extract` open on the limited server (headers sent, body pending) while `fn` runs. */
async function withExtractHeld<T>(ctx: Context, fn: () => Promise<T>): Promise<T> {
  const { hostname, port } = new URL(ctx.limitedUrl);
  const held = request({
    host: hostname,
    port,
    method: 'POST',
    path: '/extract',
    headers: { authorization: `Bearer ${ctx.limitedAdmin}`, 'content-length': '100' },
  });
  held.on('error', () => undefined);
  held.write('{"id":');
  try {
    return await fn();
  } finally {
    held.destroy();
  }
}

const BAD_ID = '%00';
/** The examples' one scheduled job. */
const JOB = 'isin-sync';
type Recipe = (ctx: Context) => Promise<Answer>;

/** One request per documented `method path` and status. */
const RECIPES: Record<string, Record<string, Recipe>> = {
  'post /auth/register': {
    201: ({ http }) =>
      http.post('/auth/register', { email: `r${unique()}@example.com`, password: 'doc password 1', name: 'R' }),
    400: ({ http }) => http.post('/auth/register', { email: 'x', password: 'short', name: '' }),
    409: ({ http }) => http.post('/auth/register', { email: ADMIN.email, password: 'doc password 1', name: 'R' }),
    429: ({ limited }) =>
      until(429, 10, () =>
        limited.post('/auth/register', { email: `l${unique()}@example.com`, password: 'doc password 1', name: 'L' }),
      ),
  },
  'post /auth/login': {
    200: ({ http }) => http.post('/auth/login', ADMIN),
    400: ({ http }) => http.post('/auth/login', { email: 'a@example.com' }),
    401: ({ http }) => http.post('/auth/login', { email: ADMIN.email, password: 'not the password' }),
    429: ({ limited }) => until(429, 10, () => limited.post('/auth/login', { email: 'x@example.com', password: 'p' })),
  },
  'post /auth/logout': { 204: ({ http }) => http.post('/auth/logout') },
  'get /me': { 200: ({ http, user }) => http.get('/me', user), 401: ({ http }) => http.get('/me') },
  'get /me/points': {
    200: ({ http, user }) => http.get('/me/points?limit=5&offset=1000000000', user),
    400: ({ http, user }) => http.get('/me/points?offset=1000000001', user),
    401: ({ http }) => http.get('/me/points'),
  },
  'get /me/tasks': {
    200: ({ http, user }) => http.get('/me/tasks?status=claimed', user),
    400: ({ http, user }) => http.get('/me/tasks?status=lost', user),
    401: ({ http }) => http.get('/me/tasks'),
  },
  'get /apps': {
    200: ({ http, admin }) => http.get('/apps?status=all', admin),
    400: ({ http, admin }) => http.get('/apps?status=gone', admin),
    401: ({ http }) => http.get('/apps'),
    403: ({ http, user }) => http.get('/apps?status=inactive', user),
  },
  'post /apps': {
    201: ({ http, admin }) => http.post('/apps', validApp(), admin),
    400: ({ http, admin }) => http.post('/apps', { ...validApp(), points: 0 }, admin),
    401: ({ http }) => http.post('/apps', validApp()),
    403: ({ http, user }) => http.post('/apps', { points: 'bad' }, user),
    409: async ({ http, admin }) => {
      const app = validApp();
      await http.post('/apps', app, admin);
      return http.post('/apps', { ...app, name: 'Again' }, admin);
    },
  },
  'patch /apps/{id}': {
    200: async (ctx) => ctx.http.patch(`/apps/${await ctx.app()}`, { points: 9 }, ctx.admin),
    400: async (ctx) => ctx.http.patch(`/apps/${await ctx.app()}`, { points: -9 }, ctx.admin),
    401: async (ctx) => ctx.http.patch(`/apps/${await ctx.app()}`, { points: 9 }),
    403: async (ctx) => ctx.http.patch(`/apps/${await ctx.app()}`, { points: -9 }, ctx.user),
    404: ({ http, admin }) => http.patch('/apps/no-such-app', { points: 9 }, admin),
  },
  'post /apps/{id}/claim': {
    201: async (ctx) => ctx.http.post(`/apps/${await ctx.app()}/claim`, undefined, ctx.user),
    400: ({ http, user }) => http.post(`/apps/${BAD_ID}/claim`, undefined, user),
    401: async (ctx) => ctx.http.post(`/apps/${await ctx.app()}/claim`),
    404: ({ http, user }) => http.post('/apps/no-such-app/claim', undefined, user),
    409: async (ctx) => {
      const app = await ctx.app();
      await ctx.http.post(`/apps/${app}/claim`, undefined, ctx.user);
      return ctx.http.post(`/apps/${app}/claim`, undefined, ctx.user);
    },
  },
  'post /tasks/{id}/proof': {
    200: async (ctx) => ctx.http.upload(`/tasks/${await ctx.claimed()}/proof`, makePng(8, 8, counter++), ctx.user),
    400: async (ctx) =>
      ctx.http.upload(`/tasks/${await ctx.claimed()}/proof`, makePng(8, 8), ctx.user, { field: 'image' }),
    401: async (ctx) => ctx.http.send('POST', `/tasks/${await ctx.claimed()}/proof`, { body: new FormData() }),
    404: ({ http, user }) => http.upload('/tasks/no-such-task/proof', makePng(8, 8, counter++), user),
    413: async (ctx) =>
      ctx.http.upload(`/tasks/${await ctx.claimed()}/proof`, makePng(8, 8, 1, UPLOAD_MAX_BYTES + 1024), ctx.user),
    415: async (ctx) => ctx.http.send('POST', `/tasks/${await ctx.claimed()}/proof`, { token: ctx.user, json: {} }),
  },
  'get /tasks/{id}/proof': {
    200: async (ctx) => ctx.http.get(`/tasks/${await ctx.submitted()}/proof`, ctx.user),
    400: ({ http, user }) => http.get(`/tasks/${BAD_ID}/proof`, user),
    401: async (ctx) => ctx.http.get(`/tasks/${await ctx.submitted()}/proof`),
    404: async (ctx) => ctx.http.get(`/tasks/${await ctx.claimed()}/proof`, ctx.user),
  },
  'get /admin/tasks': {
    200: ({ http, admin }) => http.get('/admin/tasks?status=submitted&offset=1000000000', admin),
    400: ({ http, admin }) => http.get('/admin/tasks?offset=1000000001', admin),
    401: ({ http }) => http.get('/admin/tasks'),
    403: ({ http, user }) => http.get('/admin/tasks?status=lost', user),
  },
  'get /admin/users': {
    200: ({ http, admin }) => http.get('/admin/users?search=doc-&limit=5', admin),
    400: ({ http, admin }) => http.get('/admin/users?limit=201', admin),
    401: ({ http }) => http.get('/admin/users'),
    403: ({ http, user }) => http.get('/admin/users?limit=201', user),
  },
  'post /admin/users/{id}/role': {
    200: async ({ http, admin }) => {
      const { user } = await http.signUp(`role-${unique()}@example.com`);
      return http.post(`/admin/users/${user.id}/role`, { role: 'admin' }, admin);
    },
    400: ({ http, admin }) => http.post('/admin/users/someone/role', { role: 'root' }, admin),
    401: ({ http }) => http.post('/admin/users/someone/role', { role: 'admin' }),
    403: ({ http, user }) => http.post('/admin/users/someone/role', { role: 'root' }, user),
    404: ({ http, admin }) => http.post('/admin/users/no-such-user/role', { role: 'admin' }, admin),
    // The limited server's one admin stepping down: the last admin.
    409: async ({ limited, limitedAdmin }) => {
      const me = await limited.get('/me', limitedAdmin);
      return limited.post(`/admin/users/${me.body.user.id}/role`, { role: 'user' }, limitedAdmin);
    },
  },
  'post /tasks/{id}/approve': {
    200: async (ctx) => ctx.http.post(`/tasks/${await ctx.submitted()}/approve`, undefined, ctx.admin),
    400: ({ http, admin }) => http.post(`/tasks/${BAD_ID}/approve`, undefined, admin),
    401: async (ctx) => ctx.http.post(`/tasks/${await ctx.submitted()}/approve`),
    403: async (ctx) => ctx.http.post(`/tasks/${await ctx.submitted()}/approve`, undefined, ctx.user),
    404: ({ http, admin }) => http.post('/tasks/no-such-task/approve', undefined, admin),
    409: async (ctx) => ctx.http.post(`/tasks/${await ctx.claimed()}/approve`, undefined, ctx.admin),
  },
  'post /tasks/{id}/reject': {
    200: async (ctx) => ctx.http.post(`/tasks/${await ctx.submitted()}/reject`, { reason: 'Blurry' }, ctx.admin),
    400: async (ctx) => ctx.http.post(`/tasks/${await ctx.submitted()}/reject`, { reason: '' }, ctx.admin),
    401: async (ctx) => ctx.http.post(`/tasks/${await ctx.submitted()}/reject`, { reason: 'Blurry' }),
    403: async (ctx) => ctx.http.post(`/tasks/${await ctx.submitted()}/reject`, { reason: '' }, ctx.user),
    404: ({ http, admin }) => http.post('/tasks/no-such-task/reject', { reason: 'Blurry' }, admin),
    409: async (ctx) => ctx.http.post(`/tasks/${await ctx.claimed()}/reject`, { reason: 'Blurry' }, ctx.admin),
  },
  'post /extract': {
    200: ({ http, user }) => http.send('POST', '/extract?keys=id', { token: user, body: '{"id":1}' }),
    400: ({ http, user }) => http.send('POST', '/extract?keys=a,,b', { token: user, body: '{"id":1}' }),
    401: ({ http }) => http.send('POST', '/extract', { body: '{"id":1}' }),
    413: ({ http, user }) => http.send('POST', '/extract', { token: user, body: Buffer.alloc(10 * 1024 * 1024 + 1) }),
    422: ({ limited, limitedAdmin }) =>
      limited.send('POST', '/extract', {
        token: limitedAdmin,
        body: Array.from({ length: 6 }, () => '{"id":1}').join(''),
      }),
    429: (ctx) =>
      withExtractHeld(ctx, () =>
        until(429, 200, () => ctx.limited.send('POST', '/extract', { token: ctx.limitedAdmin, body: '{"id":1}' })),
      ),
  },
  'get /isin/status': {
    200: ({ http }) => http.get('/isin/status'),
    401: ({ http }) => http.get('/isin/status', 'no-such-session'),
  },
  'post /isin/sync': {
    200: ({ http, admin }) => http.post('/isin/sync', undefined, admin),
    401: ({ http }) => http.post('/isin/sync'),
    403: ({ http, user }) => http.post('/isin/sync', undefined, user),
  },
  'get /admin/jobs': {
    200: ({ http, admin }) => http.get('/admin/jobs', admin),
    401: ({ http }) => http.get('/admin/jobs'),
    403: ({ http, user }) => http.get('/admin/jobs', user),
  },
  'get /admin/jobs/{name}/history': {
    200: ({ http, admin }) => http.get(`/admin/jobs/${JOB}/history?limit=5`, admin),
    400: ({ http, admin }) => http.get(`/admin/jobs/${JOB}/history?limit=0&page=2`, admin),
    401: ({ http }) => http.get(`/admin/jobs/${JOB}/history`),
    403: ({ http, user }) => http.get(`/admin/jobs/${JOB}/history?limit=0`, user),
    404: ({ http, admin }) => http.get('/admin/jobs/no-such-job/history', admin),
  },
  // Paused, then resumed: the document lists pause first, so the job ends as it started.
  ...Object.fromEntries(
    (['pause', 'resume'] as const).map((action) => [
      `post /admin/jobs/{name}/${action}`,
      {
        200: ({ http, admin }) => http.post(`/admin/jobs/${JOB}/${action}`, undefined, admin),
        400: ({ http, admin }) => http.post(`/admin/jobs/${BAD_ID}/${action}`, undefined, admin),
        401: ({ http }) => http.post(`/admin/jobs/${JOB}/${action}`),
        403: ({ http, user }) => http.post(`/admin/jobs/${BAD_ID}/${action}`, undefined, user),
        404: ({ http, admin }) => http.post(`/admin/jobs/no-such-job/${action}`, undefined, admin),
      } satisfies Record<string, Recipe>,
    ]),
  ),
  'post /admin/jobs/{name}/trigger': {
    202: ({ http, admin }) => http.post(`/admin/jobs/${JOB}/trigger`, undefined, admin),
    400: ({ http, admin }) => http.post(`/admin/jobs/${BAD_ID}/trigger`, undefined, admin),
    401: ({ http }) => http.post(`/admin/jobs/${JOB}/trigger`),
    403: ({ http, user }) => http.post(`/admin/jobs/${BAD_ID}/trigger`, undefined, user),
    404: ({ http, admin }) => http.post('/admin/jobs/no-such-job/trigger', undefined, admin),
  },
  'get /healthz': { 200: ({ http }) => http.get('/healthz') },
  'get /readyz': { 200: ({ http }) => http.get('/readyz') },
  'get /web-config': { 200: ({ http }) => http.get('/web-config') },
  'get /openapi.json': { 200: ({ http }) => http.get('/openapi.json') },
};

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
}

for (const framework of frameworks) {
  describe(`${framework}: GET /openapi.json matches the answers`, () => {
    let server: TestServer;
    let limitedServer: TestServer;
    let ctx: Context;
    let doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

    beforeAll(async () => {
      server = await startTestServer(framework);
      // Tiny limits, for the 429s and the 422, on a server of their own so the other requests are not limited.
      limitedServer = await startTestServer(framework, {
        LOGIN_RATE_LIMIT: '2',
        REGISTER_RATE_LIMIT: '2',
        EXTRACT_MAX_CONCURRENT: '1',
        EXTRACT_MAX_MATCHES: '5',
      });
      const http = client(server.url);
      const limited = client(limitedServer.url);
      const admin = (await http.post('/auth/login', ADMIN)).body.token as string;
      const user = (await http.signUp(`doc-${framework}@example.com`)).token;
      const limitedAdmin = (await limited.post('/auth/login', ADMIN)).body.token as string;
      const app = async () => (await http.post('/apps', validApp(), admin)).body.id as string;
      const claimed = async () => (await http.post(`/apps/${await app()}/claim`, undefined, user)).body.id as string;
      ctx = {
        http,
        limited,
        limitedUrl: limitedServer.url,
        admin,
        user,
        limitedAdmin,
        app,
        claimed,
        async submitted() {
          const task = await claimed();
          await http.upload(`/tasks/${task}/proof`, makePng(8, 8, counter++), user);
          return task;
        },
      };
      doc = (await http.get('/openapi.json')).body;
    });
    afterAll(async () => {
      await server?.close();
      await limitedServer?.close();
    });

    it('has a request for every documented status, and each gets that status with a documented body', async () => {
      const checked: string[] = [];
      for (const [path, operations] of Object.entries(doc.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          const recipes = RECIPES[`${method} ${path}`] ?? {};
          for (const [status, response] of Object.entries(operation.responses)) {
            if (status === 'default') continue;
            const label = `${method.toUpperCase()} ${path} → ${status}`;
            const recipe = recipes[status];
            expect(recipe, `no request for the documented ${label}`).toBeDefined();
            const answer = await (recipe as Recipe)(ctx);
            expect({ label, status: answer.status }).toEqual({ label, status: Number(status) });
            const schema = response.content?.['application/json']?.schema;
            if (schema) {
              const resolved = resolveRef(schema, doc.components.schemas);
              const problems = z.fromJSONSchema(resolved).safeParse(answer.body).error;
              expect(problems, `${label}: body does not fit the document`).toBeUndefined();
            } else if (response.content) {
              expect(Object.keys(response.content)).toContain(answer.headers.get('content-type'));
            }
            checked.push(label);
          }
        }
      }
      // Every recipe stands for a documented status: none is left over from an answer the document dropped.
      const documented = new Set(checked.map((label) => label.toLowerCase()));
      for (const [operation, statuses] of Object.entries(RECIPES)) {
        for (const status of Object.keys(statuses)) {
          const [method, path] = operation.split(' ');
          expect(documented.has(`${method} ${path} → ${status}`), `${operation} ${status} is not documented`).toBe(
            true,
          );
        }
      }
      // About 75 requests per server, a few with scrypt or a 10 MiB body: generous for a loaded machine.
    }, 180_000);
  });
}

/** The schema with `#/components/schemas/…` references replaced by the components, so zod can read it alone. */
function resolveRef(schema: unknown, components: Record<string, unknown>): z.core.JSONSchema.JSONSchema {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node !== 'object' || node === null) return node;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
      return walk(components[ref.slice('#/components/schemas/'.length)]);
    }
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, walk(value)]));
  };
  return walk(schema) as z.core.JSONSchema.JSONSchema;
}
