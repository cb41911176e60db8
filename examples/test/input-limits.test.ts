/**
 * The HTTP layer refuses exactly what the domain refuses, at the edges of every limit: each request here is
 * judged by the domain's own input schema first, and both servers must agree with that verdict (200/201 when the
 * domain accepts, 400 naming the same fields when it refuses). A limit written twice that drifts apart (a reason
 * capped at 500 in the routes but at 1000 in the service) fails here.
 */

import {
  MAX_PASSWORD_LENGTH,
  MAX_REASON_LENGTH,
  MyTasksQuerySchema,
  PageQuerySchema,
  RegisterInputSchema,
  RejectInputSchema,
  ReviewQuerySchema,
  TASK_STATUSES,
  UserListQuerySchema,
} from 'tickwork';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ADMIN, type Answer, client, FRAMEWORKS, type Framework, startTestServer, type TestServer } from './harness.js';
import { makePng } from './png.js';

const frameworks = Object.keys(FRAMEWORKS) as Framework[];

/** The field paths the domain's schema names for `input`, or `null` when it accepts it. */
function domainVerdict(schema: z.ZodType, input: unknown, prefix?: string): string[] | null {
  const result = schema.safeParse(input);
  if (result.success) return null;
  return result.error.issues
    .flatMap((issue) =>
      issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path],
    )
    .map((path) => [prefix, ...path.map(String)].filter((p) => p !== undefined).join('.'))
    .sort();
}

/** What the server said, in the same terms: the field paths of a 400, or `null` for a success. */
function httpVerdict(answer: Answer): string[] | null {
  if (answer.status < 300) return null;
  expect(answer.status, JSON.stringify(answer.body)).toBe(400);
  expect(answer.body.error.code).toBe('VALIDATION');
  return (answer.body.error.details.fields as { path: string }[]).map((f) => f.path).sort();
}

/** `?a=1&b=2` from a record of strings. */
const query = (params: Record<string, string>) => `?${new URLSearchParams(params)}`;

const over = (n: number) => 'x'.repeat(n);

for (const framework of frameworks) {
  describe(`${framework}: the HTTP layer refuses what the domain refuses`, () => {
    let server: TestServer;
    let http: ReturnType<typeof client>;
    let admin: string;
    let user: string;
    const verdicts = { accepted: 0, refused: 0 };

    /** Sends `send()` and expects the server to agree with the domain's verdict on `input`. */
    async function agree(
      label: string,
      schema: z.ZodType,
      input: unknown,
      send: () => Promise<Answer>,
      prefix?: string,
    ) {
      const expected = domainVerdict(schema, input, prefix);
      const answer = await send();
      expect(httpVerdict(answer), label).toEqual(expected);
      verdicts[expected === null ? 'accepted' : 'refused']++;
    }

    beforeAll(async () => {
      server = await startTestServer(framework);
      http = client(server.url);
      admin = (await http.post('/auth/login', ADMIN)).body.token;
      user = (await http.signUp(`limits-${framework}@example.com`)).token;
    });
    afterAll(async () => {
      await server?.close();
    });

    it('on a rejection reason: 1000 characters pass, 1001 do not', async () => {
      const app = await http.post(
        '/apps',
        {
          name: 'Limits',
          packageName: `com.example.limits.${framework}`,
          storeUrl: 'https://example.com/limits',
          category: 'Tools',
          points: 5,
        },
        admin,
      );
      const task = (await http.post(`/apps/${app.body.id}/claim`, undefined, user)).body.id;
      expect((await http.upload(`/tasks/${task}/proof`, makePng(6, 6, 7), user)).status).toBe(200);
      const reject = (body: unknown) => () => http.post(`/tasks/${task}/reject`, body, admin);
      // Refusals first: the task stays submitted until the one accepted rejection.
      for (const body of [
        { reason: over(MAX_REASON_LENGTH + 1) },
        { reason: '   ' },
        { reason: 'Blurry', expectedVersion: -1 },
        { reason: 'Blurry', colour: 'red' },
        { reason: over(MAX_REASON_LENGTH) },
      ]) {
        await agree(`reason of ${body.reason.length}`, RejectInputSchema, body, reject(body));
      }
      const rejected = await http.get('/me/tasks?status=rejected', user);
      expect(rejected.body.items[0].reason).toHaveLength(MAX_REASON_LENGTH);
    });

    it('on paging, statuses and search in query strings', async () => {
      const pages: Record<string, string>[] = [
        { limit: '200', offset: '1000000000' },
        { limit: '201' },
        { limit: '0' },
        { offset: '1000000001' },
        { limit: '1e2' },
        { page: '2' },
      ];
      for (const params of pages) {
        await agree(
          `points ${query(params)}`,
          PageQuerySchema,
          params,
          () => http.get(`/me/points${query(params)}`, user),
          'query',
        );
        await agree(
          `review ${query(params)}`,
          ReviewQuerySchema,
          params,
          () => http.get(`/admin/tasks${query(params)}`, admin),
          'query',
        );
        await agree(
          `users ${query(params)}`,
          UserListQuerySchema,
          params,
          () => http.get(`/admin/users${query(params)}`, admin),
          'query',
        );
      }
      for (const status of [...TASK_STATUSES, 'lost']) {
        const params = { status };
        await agree(
          `review ${status}`,
          ReviewQuerySchema,
          params,
          () => http.get(`/admin/tasks${query(params)}`, admin),
          'query',
        );
        await agree(
          `mine ${status}`,
          MyTasksQuerySchema,
          params,
          () => http.get(`/me/tasks${query(params)}`, user),
          'query',
        );
      }
      for (const search of [over(100), over(101)]) {
        const params = { search };
        await agree(
          `search of ${search.length}`,
          UserListQuerySchema,
          params,
          () => http.get(`/admin/users${query(params)}`, admin),
          'query',
        );
      }
    });

    it('on a registration: a password of 200 characters passes, 201 do not', async () => {
      for (const length of [MAX_PASSWORD_LENGTH + 1, MAX_PASSWORD_LENGTH]) {
        const body = { email: `long-${length}-${framework}@example.com`, password: over(length - 1) + 'y', name: 'L' };
        await agree(`password of ${length}`, RegisterInputSchema, body, () => http.post('/auth/register', body));
      }
    });

    it('saw both verdicts', () => {
      // A table that only ever accepted (or only refused) would prove nothing about the edges.
      expect(verdicts.accepted).toBeGreaterThan(5);
      expect(verdicts.refused).toBeGreaterThan(5);
    });
  });
}
