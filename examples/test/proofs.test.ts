/**
 * With `DATABASE_URL` and no `PROOF_DIR`, proofs live in PostgreSQL: a proof uploaded to one server is read
 * after that server has stopped, from another process (of the other framework).
 */
import { afterAll, expect, it } from 'vitest';
import { isolatedPool } from '../../test/helpers/postgres.js';
import { DATABASE_URL, describeWithPostgres } from '../../test/helpers/services.js';
import { ENTRIES, killChild, startChild } from './child.js';
import { ADMIN, client, startTestServer, withSearchPath } from './harness.js';
import { makePng } from './png.js';

describeWithPostgres('proofs in PostgreSQL', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('are readable after a restart and from a second process', async () => {
    const schema = await isolatedPool(1);
    cleanups.push(() => schema.close());
    const env = { DATABASE_URL: withSearchPath(DATABASE_URL, schema.schema) };
    const first = await startTestServer('fastify', env);
    const png = makePng(16, 16, 77);
    let taskId: string;
    let token: string;
    try {
      const http = client(first.url);
      const admin = (await http.post('/auth/login', ADMIN)).body.token;
      const app = await http.post(
        '/apps',
        {
          name: 'Kept',
          packageName: 'com.example.kept',
          storeUrl: 'https://example.com/k',
          category: 'Tools',
          points: 2,
        },
        admin,
      );
      ({ token } = await http.signUp('kept@example.com'));
      taskId = (await http.post(`/apps/${app.body.id}/claim`, undefined, token)).body.id;
      expect((await http.upload(`/tasks/${taskId}/proof`, png, token)).status).toBe(200);
    } finally {
      await first.close();
    }
    const { rows } = await schema.pool.query('SELECT size FROM tickwork_proofs');
    expect(rows).toEqual([{ size: png.length }]);

    const second = startChild(ENTRIES.express, {
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      ...env,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    });
    cleanups.push(async () => killChild(second));
    const proof = await client(await second.listening).get(`/tasks/${taskId}/proof`, token);
    expect(proof.status).toBe(200);
    expect(proof.bytes.equals(png)).toBe(true);
    second.process.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 60_000);
});
