/**
 * The one HTTP suite of the examples: the whole user journey and every refusal, against a real server on a
 * loopback port. `api.test.ts` runs it for both frameworks, in memory and on PostgreSQL + Redis.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ADMIN, client, type Framework, startTestServer, type TestServer, UPLOAD_MAX_BYTES } from './harness.js';
import { makePng } from './png.js';

/** One entry of `GET /admin/jobs/:name/history`. */
interface JobRun {
  tickId: string;
  outcome: string;
  reason?: string;
  manual: boolean;
  startedAt: string | null;
  endedAt: string;
  attempts: number;
  error: unknown;
}

const app = (suffix: string, points = 120) => ({
  name: `Notes ${suffix}`,
  packageName: `com.example.notes${suffix}`,
  storeUrl: `https://play.google.com/store/apps/details?id=com.example.notes${suffix}`,
  category: 'Productivity',
  subCategory: 'Notes',
  points,
});

/** Registers the suite for one framework; `env` selects memory or PostgreSQL + Redis. */
export function apiSuite(
  framework: Framework,
  env: () => Promise<Record<string, string>> | Record<string, string>,
): void {
  describe(`${framework} example`, () => {
    let server: TestServer;
    let http: ReturnType<typeof client>;
    let admin: string;
    const unique = randomBytes(3).toString('hex');

    beforeAll(async () => {
      server = await startTestServer(framework, await env());
      http = client(server.url);
      const login = await http.post('/auth/login', ADMIN);
      expect(login.status).toBe(200);
      admin = login.body.token;
    });
    afterAll(async () => {
      await server?.close();
    });

    it('runs the whole journey: register, sign in, list, claim, upload, approve once, see the points', async () => {
      const created = await http.post('/apps', app(unique), admin);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: `Notes ${unique}`, points: 120, active: true });
      const appId: string = created.body.id;

      const registered = await http.post('/auth/register', {
        email: `ann-${unique}@example.com`,
        password: 'ann-secret-password',
        name: 'Ann',
      });
      expect(registered.status).toBe(201);
      expect(registered.body).toMatchObject({ email: `ann-${unique}@example.com`, role: 'user' });
      expect(registered.body).not.toHaveProperty('passwordHash');
      const login = await http.post('/auth/login', {
        email: `ann-${unique}@example.com`,
        password: 'ann-secret-password',
      });
      expect(login.status).toBe(200);
      expect(login.body).toMatchObject({
        token: expect.any(String),
        expiresAt: expect.any(String),
        user: { role: 'user' },
      });
      const ann: string = login.body.token;

      const listed = await http.get('/apps', ann);
      expect(listed.status).toBe(200);
      expect(listed.body.items.find((a: { id: string }) => a.id === appId)).toMatchObject({ points: 120, claim: null });

      const claimed = await http.post(`/apps/${appId}/claim`, undefined, ann);
      expect(claimed.status).toBe(201);
      expect(claimed.body).toMatchObject({ appId, status: 'claimed', points: 120 });
      const taskId: string = claimed.body.id;

      const png = makePng(64, 48, 1);
      const uploaded = await http.upload(`/tasks/${taskId}/proof`, png, ann);
      expect(uploaded.status).toBe(200);
      expect(uploaded.body).toMatchObject({
        status: 'submitted',
        proof: { mime: 'image/png', width: 64, height: 48 },
      });

      const proof = await http.get(`/tasks/${taskId}/proof`, ann);
      expect(proof.status).toBe(200);
      expect(proof.headers.get('content-type')).toBe('image/png');
      expect(proof.bytes.equals(png)).toBe(true);

      const queue = await http.get('/admin/tasks?status=submitted', admin);
      expect(queue.status).toBe(200);
      expect(queue.body.items.map((t: { id: string }) => t.id)).toContain(taskId);

      const approved = await http.post(`/tasks/${taskId}/approve`, undefined, admin);
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({ task: { status: 'approved' }, award: { amount: 120 } });

      const points = await http.get('/me/points', ann);
      expect(points.status).toBe(200);
      expect(points.body.balance).toBe(120);
      expect(points.body.history).toHaveLength(1);
      const me = await http.get('/me', ann);
      expect(me.body).toMatchObject({ balance: 120, tasks: { approved: 1 } });
      const mine = await http.get('/me/tasks', ann);
      expect(mine.body.items).toEqual([expect.objectContaining({ id: taskId, status: 'approved' })]);

      const again = await http.post(`/tasks/${taskId}/approve`, undefined, admin);
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('CONFLICT');
      expect((await http.get('/me/points', ann)).body.balance).toBe(120);
      expect((await http.get('/apps', ann)).body.items.find((a: { id: string }) => a.id === appId).claim).toMatchObject(
        {
          status: 'approved',
        },
      );
    });

    it('applies 30 concurrent PATCH /apps/:id without expectedVersion (last writer wins), refuses a stale one', async () => {
      const created = await http.post('/apps', app(`${unique}patch`, 5), admin);
      expect(created.status).toBe(201);
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => http.patch(`/apps/${created.body.id}`, { points: i + 1 }, admin)),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(30).fill(200));
      expect(new Set(answers.map((a) => a.body.version)).size).toBe(30);
      const stale = await http.patch(`/apps/${created.body.id}`, { points: 7, expectedVersion: 1 }, admin);
      expect(stale.status).toBe(409);
      expect(stale.body.error.details).toEqual({ expectedVersion: 1, version: 31 });
    });

    it('refuses requests without a valid token', async () => {
      const attempts: Record<string, string>[] = [
        {},
        { authorization: 'Bearer forged-token-that-was-never-issued' },
        { authorization: 'Basic abc' },
      ];
      for (const headers of attempts) {
        const answer = await http.send('GET', '/me', { headers });
        expect(answer.status).toBe(401);
        expect(answer.body.error.code).toBe('UNAUTHENTICATED');
      }
    });

    it('refuses an expired token', async () => {
      const { token } = await http.signUp(`exp-${unique}@example.com`);
      expect((await http.get('/me', token)).status).toBe(200);
      server.clock.offsetMs = 30 * 24 * 3600 * 1000;
      try {
        const answer = await http.get('/me', token);
        expect(answer.status).toBe(401);
        expect(answer.body.error.code).toBe('UNAUTHENTICATED');
      } finally {
        server.clock.offsetMs = 0;
      }
    });

    it('lets only admins create apps and review, and nobody review their own task', async () => {
      const { token: bob } = await http.signUp(`bob-${unique}@example.com`);
      const create = await http.post('/apps', app(`bob${unique}`), bob);
      expect(create.status).toBe(403);
      expect(create.body.error.code).toBe('FORBIDDEN');

      const appId = (await http.post('/apps', app(`self${unique}`, 10), admin)).body.id;
      const patch = await http.patch(`/apps/${appId}`, { points: 99 }, bob);
      expect(patch.status).toBe(403);

      const bobTask = (await http.post(`/apps/${appId}/claim`, undefined, bob)).body.id;
      expect((await http.upload(`/tasks/${bobTask}/proof`, makePng(10, 10, 2), bob)).status).toBe(200);
      const selfApprove = await http.post(`/tasks/${bobTask}/approve`, undefined, bob);
      expect(selfApprove.status).toBe(403);
      expect((await http.get('/admin/tasks', bob)).status).toBe(403);

      // An admin claiming an app cannot approve the task either.
      const adminTask = (await http.post(`/apps/${appId}/claim`, undefined, admin)).body.id;
      expect((await http.upload(`/tasks/${adminTask}/proof`, makePng(10, 10, 3), admin)).status).toBe(200);
      const own = await http.post(`/tasks/${adminTask}/approve`, undefined, admin);
      expect(own.status).toBe(403);
      expect(own.body.error.code).toBe('FORBIDDEN');

      const rejected = await http.post(`/tasks/${bobTask}/reject`, { reason: 'Wrong app in the screenshot' }, admin);
      expect(rejected.status).toBe(200);
      expect(rejected.body).toMatchObject({ status: 'rejected', reason: 'Wrong app in the screenshot' });
    });

    it("refuses to show a user another user's proof", async () => {
      const appId = (await http.post('/apps', app(`peek${unique}`, 5), admin)).body.id;
      const { token: carol } = await http.signUp(`carol-${unique}@example.com`);
      const { token: dave } = await http.signUp(`dave-${unique}@example.com`);
      const task = (await http.post(`/apps/${appId}/claim`, undefined, carol)).body.id;
      expect((await http.upload(`/tasks/${task}/proof`, makePng(8, 8, 4), carol)).status).toBe(200);
      const peek = await http.get(`/tasks/${task}/proof`, dave);
      expect([403, 404]).toContain(peek.status);
      expect(peek.body.error.code).toMatch(/FORBIDDEN|NOT_FOUND/);
      expect((await http.get(`/tasks/${task}/proof`, admin)).status).toBe(200);
    });

    it('refuses an oversized upload with 413 from the parser, and non-images and SVG with 415', async () => {
      const appId = (await http.post('/apps', app(`up${unique}`, 5), admin)).body.id;
      const { token } = await http.signUp(`erin-${unique}@example.com`);
      const task = (await http.post(`/apps/${appId}/claim`, undefined, token)).body.id;

      const big = makePng(16, 16, 5, UPLOAD_MAX_BYTES + 1024);
      const tooLarge = await http.upload(`/tasks/${task}/proof`, big, token);
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.body.error.code).toBe('PAYLOAD_TOO_LARGE');

      const text = await http.upload(`/tasks/${task}/proof`, Buffer.from('just some text, not an image'), token, {
        type: 'image/png',
      });
      expect(text.status).toBe(415);
      expect(text.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');

      const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
      const svgAnswer = await http.upload(`/tasks/${task}/proof`, svg, token, {
        type: 'image/svg+xml',
        filename: 'x.svg',
      });
      expect(svgAnswer.status).toBe(415);

      const wrongField = await http.upload(`/tasks/${task}/proof`, makePng(4, 4), token, { field: 'image' });
      expect(wrongField.status).toBe(400);
      const textField = new FormData();
      textField.append('screenshot', 'not a file');
      expect((await http.send('POST', `/tasks/${task}/proof`, { token, body: textField })).status).toBe(400);
      // Nothing was stored by the refused uploads.
      expect((await http.get(`/tasks/${task}/proof`, token)).status).toBe(404);
    });

    it('answers 400 naming invalid and unknown fields', async () => {
      const bad = await http.post(
        '/apps',
        { ...app(`bad${unique}`), points: -5, storeUrl: 'http://insecure', colour: 'red' },
        admin,
      );
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION');
      const paths = bad.body.error.details.fields.map((f: { path: string }) => f.path);
      expect(paths).toEqual(expect.arrayContaining(['points', 'storeUrl', 'colour']));

      const register = await http.post('/auth/register', {
        email: 'not-an-email',
        password: 'long enough password',
        name: '',
      });
      expect(register.status).toBe(400);
      expect(register.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(
        expect.arrayContaining(['email', 'name']),
      );

      const query = await http.get('/admin/tasks?status=lost&page=2', admin);
      expect(query.status).toBe(400);
      expect(query.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(
        expect.arrayContaining(['query.status', 'query.page']),
      );

      for (const type of ['application/xml', 'text/plain']) {
        const wrongType = await http.send('POST', '/auth/login', {
          body: 'email=a',
          headers: { 'content-type': type },
        });
        expect(wrongType.status).toBe(415);
        expect(wrongType.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      }

      const broken = await http.send('POST', '/auth/login', {
        body: '{"email":',
        headers: { 'content-type': 'application/json' },
      });
      expect(broken.status).toBe(400);
      expect(broken.body.error.code).toBe('VALIDATION');
    });

    it('answers an unknown route with a JSON 404', async () => {
      const answer = await http.get('/no/such/route', admin);
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-type')).toContain('application/json');
      expect(answer.body.error).toMatchObject({ code: 'NOT_FOUND' });
      // Unknown routes are 404 whether or not a token is sent, under a prefix with routes too.
      expect((await http.get('/apps/unknown-id/nothing')).status).toBe(404);
      expect((await http.get('/tasks/some-id/nothing')).status).toBe(404);
    });

    it('extracts ids from almost-JSON, serves health, readiness, OpenAPI and security headers', async () => {
      const text =
        '<br /><b>Warning</b>: x in y.php<br />{"orders":[{"id":1,"note":"id 2"},{"id":3}],"error":{"code":7}}';
      const extracted = await http.send('POST', '/extract', {
        token: admin,
        body: text,
        headers: { 'content-type': 'text/plain' },
      });
      expect(extracted.status).toBe(200);
      expect(extracted.body.ids).toEqual([1, 3, 7]);
      const json = await http.send('POST', '/extract?keys=id', {
        token: admin,
        body: '{"id": 5, "code": 6}',
        headers: { 'content-type': 'application/json' },
      });
      expect(json.body.ids).toEqual([5]);

      expect((await http.get('/healthz')).body).toEqual({ status: 'ok' });
      const ready = await http.get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body.ok).toBe(true);

      const doc = await http.get('/openapi.json');
      expect(doc.body.openapi).toBe('3.1.0');
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining(['/apps', '/tasks/{id}/proof', '/isin/status']),
      );
      expect(doc.body.paths['/apps'].post.requestBody.content['application/json'].schema.required).toEqual(
        expect.arrayContaining(['name', 'packageName', 'points']),
      );
      expect(doc.headers.get('x-content-type-options')).toBe('nosniff');
      // Answers match the documented schemas (strict: an undocumented or leaked field fails).
      const { User, AppList } = doc.body.components.schemas;
      const user = await http.post('/auth/register', {
        email: `doc-${unique}@example.com`,
        password: 'documented password',
        name: 'Doc',
      });
      expect(z.fromJSONSchema(User).safeParse(user.body).error).toBeUndefined();
      expect(z.fromJSONSchema(AppList).safeParse((await http.get('/apps', admin)).body).error).toBeUndefined();
    });

    it('runs the ISIN sync on demand for admins and reports it at /isin/status', async () => {
      const { token } = await http.signUp(`frank-${unique}@example.com`);
      expect((await http.post('/isin/sync', undefined, token)).status).toBe(403);
      const synced = await http.post('/isin/sync', undefined, admin);
      expect(synced.status).toBe(200);
      const status = await http.get('/isin/status', admin);
      expect(status.status).toBe(200);
      expect(status.body).toMatchObject({ job: 'isin-sync', lastOutcome: 'succeeded' });
      expect(status.body.lastRun.result.status).toMatch(/updated|not-modified/);
      // The bundled sample list: 20 ISINs, stored with the fence of the run that saved it.
      expect(status.body.snapshot).toMatchObject({ size: 20, fence: expect.any(Number) });
      expect(status.body.nextRuns.length).toBeGreaterThan(0);
    });

    it('lists and searches users for admins, promotes with a coded 409 for the last admin, 403 for others', async () => {
      const tag = `console${unique}`;
      const cleo = await http.signUp(`cleo-${tag}@example.com`, `Cleo ${tag}`);
      await http.signUp(`abe-${tag}@example.com`, `Abe ${tag}`);
      const found = await http.get(`/admin/users?search=${tag.toUpperCase()}&limit=1`, admin);
      expect(found.status).toBe(200);
      expect(found.body).toMatchObject({ items: [{ email: `abe-${tag}@example.com`, role: 'user' }], nextOffset: 1 });
      expect(found.body.items[0]).not.toHaveProperty('passwordHash');
      const next = await http.get(`/admin/users?search=${tag}&limit=1&offset=1`, admin);
      expect(next.body).toMatchObject({ items: [{ name: `Cleo ${tag}` }], nextOffset: null });
      expect((await http.get('/admin/users?limit=201', admin)).status).toBe(400);
      expect((await http.get(`/admin/users?search=${'x'.repeat(101)}`, admin)).status).toBe(400);
      expect((await http.get('/admin/users', cleo.token)).body.error.code).toBe('FORBIDDEN');
      expect((await http.post(`/admin/users/${cleo.user.id}/role`, { role: 'admin' }, cleo.token)).status).toBe(403);

      // The example's one admin cannot step down.
      const me = (await http.get('/me', admin)).body.user;
      const last = await http.post(`/admin/users/${me.id}/role`, { role: 'user' }, admin);
      expect(last.status).toBe(409);
      expect(last.body.error).toMatchObject({ code: 'CONFLICT', details: { reason: 'last_admin' } });
      const promoted = await http.post(`/admin/users/${cleo.user.id}/role`, { role: 'admin' }, admin);
      expect(promoted.status).toBe(200);
      expect(promoted.body).toMatchObject({ id: cleo.user.id, role: 'admin' });
      // Her next request is an admin's: the role is read on every request.
      expect((await http.get('/admin/users?limit=1', cleo.token)).status).toBe(200);
      // Back to one admin, for the other tests.
      expect((await http.post(`/admin/users/${cleo.user.id}/role`, { role: 'user' }, admin)).body.role).toBe('user');
      expect((await http.post('/admin/users/no-such-user/role', { role: 'admin' }, admin)).status).toBe(404);
      expect((await http.post(`/admin/users/${cleo.user.id}/role`, { role: 'root' }, admin)).status).toBe(400);
    });

    it('lists deactivated apps to admins only and lists one again; the review queue names the user and app', async () => {
      const created = await http.post('/apps', app(`relist${unique}`), admin);
      const id: string = created.body.id;
      const dee = await http.signUp(`dee-${unique}@example.com`, 'Dee Example');
      const task = (await http.post(`/apps/${id}/claim`, undefined, dee.token)).body.id;
      expect((await http.upload(`/tasks/${task}/proof`, makePng(20, 10, 77), dee.token)).status).toBe(200);
      expect((await http.patch(`/apps/${id}`, { active: false }, admin)).body.active).toBe(false);
      const ids = async (query: string, token: string) =>
        ((await http.get(`/apps${query}`, token)).body.items as { id: string }[]).map((a) => a.id);
      expect(await ids('', admin)).not.toContain(id);
      expect(await ids('?status=inactive', admin)).toContain(id);
      expect(await ids('?status=all', admin)).toContain(id);
      expect(await ids('', dee.token)).not.toContain(id);
      expect((await http.get('/apps?status=inactive', dee.token)).status).toBe(403);
      expect((await http.get('/apps?status=all', dee.token)).status).toBe(403);
      expect((await http.get('/apps?status=gone', admin)).status).toBe(400);

      // The review queue shows who sent it and for which app, even with the app no longer listed.
      const queue = await http.get('/admin/tasks?limit=200', admin);
      expect(queue.body.items.find((t: { id: string }) => t.id === task)).toMatchObject({
        submitter: { id: dee.user.id, name: 'Dee Example', email: `dee-${unique}@example.com` },
        app: { id, name: `Notes relist${unique}` },
      });

      expect((await http.patch(`/apps/${id}`, { active: true }, admin)).body.active).toBe(true);
      expect(await ids('', dee.token)).toContain(id);
      expect(await ids('?status=inactive', admin)).not.toContain(id);
    });

    it('pauses, resumes and runs a job now through /admin/jobs, each run in its fleet-wide history', async () => {
      // A server of its own whose ISIN job ticks every second, so pausing and resuming show within seconds.
      const ticking = await startTestServer(framework, { ...(await env()), ISIN_CRON: '* * * * * *' });
      try {
        const api = client(ticking.url);
        const token = (await api.post('/auth/login', ADMIN)).body.token;
        const { token: user } = await api.signUp(`jobs-${unique}@example.com`);
        const runs = async (query = 'limit=50') => {
          const answer = await api.get(`/admin/jobs/isin-sync/history?${query}`, token);
          expect(answer.status).toBe(200);
          return answer.body as { items: JobRun[]; nextBefore: string | null };
        };

        // Refused to a user before anything is validated; bad input and unknown jobs in the error shape.
        expect((await api.get('/admin/jobs', user)).status).toBe(403);
        const refused = await api.post('/admin/jobs/%00/pause', undefined, user);
        expect(refused.status).toBe(403);
        expect(refused.body.error.code).toBe('FORBIDDEN');
        expect((await api.get('/admin/jobs/isin-sync/history?limit=0', user)).status).toBe(403);
        const invalid = await api.post('/admin/jobs/%00/pause', undefined, token);
        expect(invalid.status).toBe(400);
        expect(invalid.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['params.name']);
        const badQuery = await api.get('/admin/jobs/isin-sync/history?limit=0&page=2', token);
        expect(badQuery.status).toBe(400);
        expect(badQuery.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(
          expect.arrayContaining(['query.limit', 'query.page']),
        );
        for (const answer of [
          await api.post('/admin/jobs/no-such-job/trigger', undefined, token),
          await api.get('/admin/jobs/no-such-job/history', token),
        ]) {
          expect(answer.status).toBe(404);
          expect(answer.body.error).toMatchObject({ code: 'NOT_FOUND', message: expect.any(String) });
        }

        const listed = await api.get('/admin/jobs', token);
        expect(listed.status).toBe(200);
        expect(listed.body.items).toEqual([
          expect.objectContaining({
            name: 'isin-sync',
            schedule: { cron: '* * * * * *' },
            timezone: 'UTC',
            paused: false,
          }),
        ]);
        expect(listed.body.items[0].nextRuns.length).toBeGreaterThan(0);

        // Paused: the next tick is recorded as skipped with reason `paused`.
        const paused = await api.post('/admin/jobs/isin-sync/pause', undefined, token);
        expect(paused.status).toBe(200);
        expect(paused.body).toMatchObject({ name: 'isin-sync', paused: true });
        const pausedAt = Date.now();
        await expect
          .poll(
            async () =>
              (await runs()).items.some(
                (r) => r.outcome === 'skipped' && r.reason === 'paused' && Date.parse(r.endedAt) >= pausedAt,
              ),
            { timeout: 30_000, interval: 250 },
          )
          .toBe(true);
        expect((await api.get('/admin/jobs', token)).body.items[0].paused).toBe(true);

        // Run now, while paused (a manual run ignores pause, and no scheduled tick of the job runs beside it): one
        // run, once, under the tick id the trigger answered.
        const triggered = await api.post('/admin/jobs/isin-sync/trigger', undefined, token);
        expect(triggered.status).toBe(202);
        expect(triggered.body.tickId).toMatch(/^isin-sync@manual:/);
        await expect
          .poll(async () => (await runs()).items.filter((r) => r.tickId === triggered.body.tickId), {
            timeout: 30_000,
            interval: 250,
          })
          .toEqual([expect.objectContaining({ outcome: 'succeeded', manual: true, attempts: 1, error: null })]);

        // Resumed: a scheduled tick runs again.
        const resumed = await api.post('/admin/jobs/isin-sync/resume', undefined, token);
        expect(resumed.status).toBe(200);
        expect(resumed.body.paused).toBe(false);
        const resumedAt = Date.now();
        await expect
          .poll(
            async () =>
              (await runs()).items.some(
                (r) => r.outcome === 'succeeded' && !r.manual && Date.parse(r.startedAt ?? '') >= resumedAt,
              ),
            { timeout: 30_000, interval: 250 },
          )
          .toBe(true);

        // Pages: newest first, `nextBefore` leads to older runs.
        const first = await runs('limit=2');
        expect(first.items).toHaveLength(2);
        expect(first.nextBefore).toBe(first.items[1]?.endedAt);
        const older = await runs(`limit=2&before=${encodeURIComponent(first.nextBefore ?? '')}`);
        for (const run of older.items) expect(Date.parse(run.endedAt)).toBeLessThan(Date.parse(first.nextBefore ?? ''));
      } finally {
        await ticking.close();
      }
    });

    it('limits login attempts', async () => {
      let last = 0;
      for (let i = 0; i < 40 && last !== 429; i++) {
        last = (await http.post('/auth/login', { email: `nobody-${unique}@example.com`, password: 'wrong password' }))
          .status;
      }
      expect(last).toBe(429);
    });
  });
}
