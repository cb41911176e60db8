/**
 * PostgreSQL ends the server's connections at random moments (`pg_terminate_backend`, as a restart or a
 * failover does) while an admin approves 200 tasks and users sign in. The server must stay up, answer 503
 * while a connection is gone, recover by itself, and award each approved task exactly once.
 */
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { isolatedPool } from '../../test/helpers/postgres.js';
import { DATABASE_URL, describeWithPostgres, randomSuffix } from '../../test/helpers/services.js';
import { ENTRIES, killChild, startChild } from './child.js';
import { ADMIN, client, withSearchPath } from './harness.js';
import { seedSubmittedTasks } from './seed.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWithPostgres('PostgreSQL ending connections mid-transaction', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  for (const [framework, entry] of Object.entries(ENTRIES)) {
    it(`${framework}: stays up, answers 503, recovers, and awards every approved task once`, async () => {
      const schema = await isolatedPool(4);
      cleanups.push(() => schema.close());
      // The application name marks the server's own connections, the only ones the test terminates.
      const applicationName = `tw-fault-${randomSuffix()}`;
      const url = new URL(withSearchPath(DATABASE_URL, schema.schema));
      url.searchParams.set('application_name', applicationName);
      const child = startChild(entry, {
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'fatal',
        DATABASE_URL: url.toString(),
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        LOGIN_RATE_LIMIT: '100000',
      });
      cleanups.push(async () => killChild(child));
      const base = await child.listening;
      const http = client(base);
      const seeded = await seedSubmittedTasks(schema.pool, 20, 10);
      const adminToken: string = (await http.post('/auth/login', ADMIN)).body.token;
      expect(seeded.tasks.length).toBe(200);

      const killer = new pg.Client({ connectionString: DATABASE_URL });
      await killer.connect();
      let running = true;
      let terminated = 0;
      const killing = (async () => {
        while (running) {
          await sleep(20 + Math.random() * 130);
          const { rows } = await killer.query(
            `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
             WHERE application_name = $1 ORDER BY random() LIMIT 1`,
            [applicationName],
          );
          if (rows[0]?.ok) terminated++;
        }
      })();
      cleanups.push(async () => {
        running = false;
        await killing.catch(() => {});
        await killer.end();
      });

      const statuses = new Map<number, number>();
      const seen = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
      const queue = [...seeded.tasks];
      const approvals = Array.from({ length: 6 }, async () => {
        for (let task = queue.shift(); task; task = queue.shift()) {
          for (;;) {
            const answer = await http.post(`/tasks/${task.id}/approve`, undefined, adminToken);
            seen(answer.status);
            // 409: an earlier attempt committed but its answer was lost with the connection.
            if (answer.status === 200 || answer.status === 409) break;
            expect(answer.status, JSON.stringify(answer.body)).toBe(503);
            expect(answer.body.error.message).not.toMatch(/terminat|connection|ECONN|pg_|SQL/i);
          }
        }
      });
      let approving = true;
      const logins = (async () => {
        for (let i = 0; approving; i++) {
          const user = seeded.users[i % seeded.users.length]!;
          const answer = await http.post('/auth/login', { email: user.email, password: user.password });
          seen(answer.status);
          expect([200, 503]).toContain(answer.status);
          // Password hashing is CPU-bound by design: pace the logins so the approvals get the CPU too.
          await sleep(50);
        }
      })();
      try {
        await Promise.all(approvals).catch((error: unknown) => {
          const exit = child.process.exitCode ?? child.process.signalCode;
          throw new Error(`${String(error)}; server exit ${exit}; stderr:\n${child.stderr()}`);
        });
      } finally {
        approving = false;
        await logins.catch(() => {});
        running = false;
        await killing;
      }

      expect(child.process.exitCode, child.stderr()).toBeNull();
      expect(terminated).toBeGreaterThan(0);
      // Recovery without a restart: readiness and a sign-in answer again.
      for (let i = 0; (await http.get('/readyz')).status !== 200; i++) {
        expect(i).toBeLessThan(100);
        await sleep(100);
      }
      expect(
        (await http.post('/auth/login', { email: seeded.users[0]!.email, password: seeded.users[0]!.password })).status,
      ).toBe(200);

      // Nothing half-done: every task approved, with exactly one award, and each balance is its ledger's sum.
      const { rows } = await schema.pool.query(
        `SELECT t.id, t.status, t.user_id, count(l.id)::int AS awards, coalesce(sum(l.amount), 0)::int AS amount
         FROM tickwork_tasks t LEFT JOIN tickwork_ledger l ON l.reference = t.id GROUP BY t.id`,
      );
      expect(rows).toHaveLength(200);
      for (const row of rows) {
        expect(row.status).toBe('approved');
        expect(row.awards).toBe(1);
      }
      for (const [u, user] of seeded.users.entries()) {
        const expected = seeded.tasks.filter((t) => t.user === u).reduce((sum, t) => sum + t.points, 0);
        const points = await http.get('/me/points', user.token);
        expect(points.status).toBe(200);
        expect(points.body.balance).toBe(expected);
      }
      console.info(
        `${framework}: ${terminated} connections terminated; answers by status`,
        Object.fromEntries(statuses),
      );
      child.process.kill('SIGTERM');
      await child.exited;
    }, 120_000);
  }
});
