/**
 * Both examples (in memory) against hostile clients: control characters in every field, anonymous or flooding
 * calls to `POST /extract`, secrets in `GET /isin/status`, malformed uploads, requests the router or Node's
 * parser refuses, driver text in errors, validation used to probe admin routes, common passwords, and
 * registration floods. The PostgreSQL and Redis side is in `hostile-fleet.test.ts`.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translatePgError } from '../../adapters/postgres/pg-errors.js';
import { bannerLines } from '../shared/banner.js';
import { ADMIN, type Answer, client, FRAMEWORKS, type Framework, startTestServer, type TestServer } from './harness.js';
import { nulAttempts, setUpNulTargets } from './nul-attempts.js';

const frameworks = Object.keys(FRAMEWORKS) as Framework[];

/** The answer has the error shape with `code`, a CSP and `nosniff`. */
function expectShapedError(answer: Pick<Answer, 'headers' | 'body'>, code?: string): void {
  expect(answer.body?.error).toEqual(
    expect.objectContaining({ code: code ?? expect.any(String), message: expect.any(String) }),
  );
  expect(answer.headers.get('content-security-policy')).toContain("default-src 'self'");
  expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
}

/** Sends `text` as is over a new connection and reads until the server closes it. */
function rawExchange(url: string, text: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(text));
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

/** A raw HTTP answer as the client parts of `expectShapedError` read it. */
function parseRaw(text: string): { status: number; headers: Headers; body: { error?: unknown } } {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = new Headers();
  for (const line of lines) headers.append(line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim());
  return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) };
}

for (const framework of frameworks) {
  describe(`${framework} example against hostile clients`, () => {
    let server: TestServer;
    let http: ReturnType<typeof client>;
    let admin: string;
    let user: string;

    beforeAll(async () => {
      server = await startTestServer(framework, {
        ISIN_SOURCE: 'https://bot:s3cret@127.0.0.1:9/lists/isin.csv?token=abc123#frag',
        EXTRACT_MAX_CONCURRENT: '1',
        EXTRACT_MAX_MATCHES: '50',
        REGISTER_RATE_LIMIT: '12',
      });
      http = client(server.url);
      admin = (await http.post('/auth/login', ADMIN)).body.token;
      user = (await http.signUp(`hostile-${framework}@example.com`)).token;
    });
    afterAll(async () => {
      await server?.close();
    });

    it('refuses NUL and control characters in every text field, id and query (400, nothing stored)', async () => {
      const targets = await setUpNulTargets(http, admin, `mem${framework}`);
      for (const attempt of nulAttempts(targets)) {
        const answer = await http.send(attempt.method, attempt.path, { token: attempt.token, json: attempt.json });
        expect({ attempt: attempt.label, status: answer.status }).toEqual({ attempt: attempt.label, status: 400 });
        expectShapedError(answer, 'VALIDATION');
      }
    });

    it('refuses a cookie-signed change from another origin (403) before it reaches the route', async () => {
      const cookie = `tickwork_session=${user}`;
      const body = '{}';
      const send = (headers: Record<string, string>) =>
        http.send('POST', '/auth/logout', {
          body,
          headers: { 'content-type': 'application/json', cookie, ...headers },
        });
      const foreign: Record<string, string>[] = [
        { origin: 'http://evil.example' },
        {},
        { 'sec-fetch-site': 'cross-site' },
      ];
      for (const headers of foreign) {
        const answer = await send(headers);
        expect({ headers, status: answer.status }).toEqual({ headers, status: 403 });
        expectShapedError(answer, 'FORBIDDEN');
        expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      }
      // None of them signed the user out; the same request from this origin does.
      expect((await http.get('/me', user)).status).toBe(200);
      expect((await send({ origin: new URL(server.url).origin })).status).toBeLessThan(300);
      expect((await http.get('/me', user)).status).toBe(401);
      const email = `hostile-${framework}@example.com`;
      user = (await http.post('/auth/login', { email, password: `password-of-${email}` })).body.token;
    });

    it('refuses common passwords at registration', async () => {
      const answer = await http.post('/auth/register', {
        email: `common-${framework}@example.com`,
        password: '1234567890',
        name: 'Common',
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error.details.fields).toEqual([expect.objectContaining({ code: 'password_policy' })]);
    });

    it('answers a non-admin 403 on admin routes before looking at the body or query', async () => {
      const attempts = [
        await http.post('/apps', { name: '', points: -1, colour: 'red' }, user),
        await http.patch('/apps/some-app', { points: 'many', unknown: true }, user),
        await http.post('/tasks/some-task/reject', { reason: '', extra: 1 }, user),
        await http.get('/admin/tasks?status=lost&page=2', user),
        await http.post('/isin/sync', undefined, user),
      ];
      for (const answer of attempts) {
        expect(answer.status).toBe(403);
        expectShapedError(answer, 'FORBIDDEN');
      }
    });

    it('serves POST /extract to signed-in users only, with at most EXTRACT_MAX_MATCHES values', async () => {
      const anonymous = await http.send('POST', '/extract', { body: '{"id":1}' });
      expect(anonymous.status).toBe(401);
      expectShapedError(anonymous, 'UNAUTHENTICATED');

      const fits = await http.send('POST', '/extract', {
        token: user,
        body: JSON.stringify({ id: Array(50).fill(1) }),
      });
      expect(fits.status).toBe(200);
      const many = Array.from({ length: 51 }, (_, i) => `{"id":${i}}`).join('\n');
      const tooMany = await http.send('POST', '/extract', { token: user, body: many });
      expect(tooMany.status).toBe(422);
      expectShapedError(tooMany, 'UNPROCESSABLE');
      expect(tooMany.body.error.details).toEqual({ maxMatches: 50 });
    });

    it('refuses a POST /extract beyond EXTRACT_MAX_CONCURRENT with 429 until the slot frees', async () => {
      // One extract held open: headers sent, body still arriving.
      const { hostname, port } = new URL(server.url);
      const held = request({
        host: hostname,
        port,
        method: 'POST',
        path: '/extract',
        headers: { authorization: `Bearer ${user}`, 'content-length': '1000' },
      });
      held.on('error', () => undefined);
      held.write('{"id":1,');
      let busy: Answer | undefined;
      // The held request is admitted as soon as its headers arrive; ask until the gate says so (bounded).
      for (let i = 0; i < 200 && busy?.status !== 429; i++) {
        busy = await http.send('POST', '/extract', { token: user, body: '{"id":2}' });
        if (busy.status !== 429) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(busy?.status).toBe(429);
      expectShapedError(busy as Answer, 'RATE_LIMITED');
      expect(busy?.headers.get('retry-after')).toBe('1');
      held.destroy();
      let after: Answer | undefined;
      for (let i = 0; i < 200 && after?.status !== 200; i++) {
        after = await http.send('POST', '/extract', { token: user, body: '{"id":3}' });
        if (after.status !== 200) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(after?.body.ids).toEqual([3]);
    });

    it('shows ISIN_SOURCE to admins only, without credentials, query string or fragment', async () => {
      const anonymous = await http.get('/isin/status');
      expect(anonymous.status).toBe(200);
      expect(anonymous.body).toMatchObject({ job: 'isin-sync', schedule: expect.any(Object) });
      expect(anonymous.body).not.toHaveProperty('source');
      expect(anonymous.body).not.toHaveProperty('lastRun');
      const signedIn = await http.get('/isin/status', user);
      expect(signedIn.body).not.toHaveProperty('source');
      const forAdmin = await http.get('/isin/status', admin);
      expect(forAdmin.body.source).toBe('https://127.0.0.1:9/lists/isin.csv');
      for (const answer of [anonymous, signedIn, forAdmin]) {
        expect(answer.bytes.toString()).not.toMatch(/s3cret|abc123|frag|bot:/);
      }
      expect((await http.get('/isin/status', 'not-a-session')).status).toBe(401);
    });

    it('answers malformed multipart uploads with a 400 in the error shape', async () => {
      const appId = (
        await http.post(
          '/apps',
          {
            name: 'Mp',
            packageName: `com.example.mp${framework}`,
            storeUrl: 'https://a.example/mp',
            category: 'T',
            points: 1,
          },
          admin,
        )
      ).body.id;
      const task = (await http.post(`/apps/${appId}/claim`, undefined, user)).body.id;
      const bodies: [string, string][] = [
        [
          'multipart/form-data; boundary=xyz',
          '--xyz\r\nContent-Disposition: form-data; name="screenshot"; filename="a.png"\r\n\r\nabc',
        ],
        ['multipart/form-data; boundary=xyz', 'no boundary anywhere in here'],
        ['multipart/form-data', 'a body without a boundary parameter'],
        ['multipart/form-data; boundary=xyz', '--xyz\r\nno colon in this header\r\n\r\nabc\r\n--xyz--\r\n'],
      ];
      for (const [type, body] of bodies) {
        const answer = await http.send('POST', `/tasks/${task}/proof`, {
          token: user,
          body,
          headers: { 'content-type': type },
        });
        expect(answer.status).toBe(400);
        expectShapedError(answer, 'VALIDATION');
      }
      expect((await http.send('POST', `/tasks/${task}/proof`, { token: user, json: {} })).status).toBe(415);
    });

    it('gives every refusal the error shape and the security headers, router and parser ones included', async () => {
      const long = await http.get(`/tasks/${'a'.repeat(250)}/proof`, admin);
      expect([400, 414]).toContain(long.status);
      expectShapedError(long);
      const cases: [Answer, number][] = [
        [await http.get('/no/such/route'), 404],
        [await http.get('/apps/%E0%A4%A', admin), 400],
        [await http.send('PATCH', '/apps/%E0%A4%A', { token: admin, json: {} }), 400],
        [await http.send('POST', '/auth/login', { json: { email: 'x'.repeat(70_000), password: 'p' } }), 413],
        [await http.send('POST', '/auth/login', { body: 'a,b', headers: { 'content-type': 'text/csv' } }), 415],
        [
          await http.send('POST', '/auth/login', {
            body: '{"email":',
            headers: { 'content-type': 'application/json' },
          }),
          400,
        ],
      ];
      for (const [answer, status] of cases) {
        expect(answer.status).toBe(status);
        expectShapedError(answer);
      }
      const malformed = parseRaw(
        await rawExchange(server.url, 'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'),
      );
      expect(malformed.status).toBe(400);
      expectShapedError(malformed, 'VALIDATION');
      const huge = parseRaw(
        await rawExchange(server.url, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
      );
      expect(huge.status).toBe(431);
      expectShapedError(huge);
    });

    it('limits registrations per address', async () => {
      let last = 0;
      for (let i = 0; i < 60 && last !== 429; i++) {
        last = (
          await http.post('/auth/register', {
            email: `flood${i}-${framework}@example.com`,
            password: 'flood password 1',
            name: 'F',
          })
        ).status;
      }
      expect(last).toBe(429);
    });

    it('never shows the ISIN source secrets in the start-up banner', () => {
      const text = bannerLines(framework, server.url, {
        admin: { email: ADMIN.email, generatedPassword: undefined, passwordSource: 'environment' },
        config: { isinSource: 'https://bot:s3cret@example.com/isin.csv?token=abc123', adminPassword: 'x' } as never,
      }).join('\n');
      expect(text).toContain('https://example.com/isin.csv');
      expect(text).not.toMatch(/s3cret|abc123/);
    });
  });

  describe(`${framework} example with failing backing services`, () => {
    let server: TestServer;
    let http: ReturnType<typeof client>;
    beforeAll(async () => {
      server = await startTestServer(framework, {}, (container) => ({
        ...container,
        services: {
          ...container.services,
          users: {
            ...container.services.users,
            // What the PostgreSQL adapter throws when the database is down (for one account; the admin signs in).
            login: async (input) => {
              if (input.email !== 'down@example.com') return container.services.users.login(input);
              throw translatePgError(
                Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5432'), { code: 'ECONNREFUSED' }),
                'login',
              );
            },
          },
          apps: {
            ...container.services.apps,
            list: async () => {
              throw translatePgError(
                Object.assign(new Error('duplicate key value violates unique constraint "tickwork_apps_pkey"'), {
                  code: '23505',
                  constraint: 'tickwork_apps_pkey',
                }),
                'list apps',
              );
            },
          },
        },
        isin: {
          ...container.isin,
          status: async () => {
            throw new Error('password authentication failed for user "tickwork" at /srv/secret/path');
          },
        },
      }));
      http = client(server.url);
    });
    afterAll(async () => {
      await server?.close();
    });

    it('answers database faults without the driver text, in the error shape with the security headers', async () => {
      const login = await http.post('/auth/login', { email: 'down@example.com', password: 'whatever pw' });
      expect(login.status).toBe(503);
      expectShapedError(login, 'UNAVAILABLE');
      const status = await http.get('/isin/status');
      expect(status.status).toBe(500);
      expectShapedError(status, 'INTERNAL');
      for (const answer of [login, status]) {
        expect(answer.bytes.toString()).not.toMatch(/ECONNREFUSED|10\.1\.2\.3|5432|password authentication|\/srv\//);
      }
    });

    it('keeps the code of a wrapped driver error but not its text', async () => {
      const admin = (await http.post('/auth/login', ADMIN)).body.token;
      const apps = await http.get('/apps', admin);
      expect(apps.status).toBe(409);
      expectShapedError(apps, 'CONFLICT');
      expect(apps.bytes.toString()).not.toMatch(/duplicate key|tickwork_apps_pkey|23505/);
    });
  });
}
