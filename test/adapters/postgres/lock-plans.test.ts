/**
 * The PostgreSQL lock's functions keep using their indexes after the tick table grew. plpgsql caches a generic
 * plan per statement and session after a few calls; a pool connection that first ran the lock while the table
 * was empty (a fresh migration, a new deployment) planned for an empty table, and with a sequential scan cached
 * every acquire read the whole table until an `ANALYZE` happened to invalidate the plan (`npm run bench --
 * postgres-lock`: at concurrency 16, 2,619 ops/s falling to 810 once the table grew by 40,000 rows).
 *
 * Judged by the server's own counter of sequential scans on the tick table, on one connection, so the plans
 * cached early are the ones used late. A positive control (a count that only a scan can answer) proves the counter
 * moves in this session before the lock's calls are judged by it.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postgresLock } from '../../../adapters/postgres/lock.js';
import { migrate } from '../../../adapters/postgres/migrate.js';
import type { LockAdapter } from '../../../src/scheduler/lock-adapter.js';
import { isolatedPool } from '../../helpers/postgres.js';
import { describeWithPostgres } from '../../helpers/services.js';
import { acquireRequest } from '../../scheduler/helpers.js';

/** Rows the table grows by after the plans were cached: enough that a scan of it is no longer the cheap path. */
const GROWTH = 20_000;

describeWithPostgres('postgresLock on a tick table that grew after its plans were cached', () => {
  let pool: pg.Pool;
  let close: () => Promise<void>;
  let lock: LockAdapter;

  beforeAll(async () => {
    // One connection: every call below runs in the session that cached its plans while the table was empty.
    ({ pool, close } = await isolatedPool(1));
    await migrate(pool);
    // No autovacuum ANALYZE during the test: it would invalidate the cached plans and hide what it judges.
    await pool.query('ALTER TABLE tickwork_lock_ticks SET (autovacuum_enabled = false)');
    lock = postgresLock({ db: pool });
  });
  afterAll(async () => close?.());

  /** One acquire and one complete of a new tick of `job`. */
  async function runTick(job: string, tickMs: number): Promise<void> {
    const r = acquireRequest(job, tickMs, { token: randomUUID() });
    const a = await lock.acquire(r);
    if (!a.acquired) throw new Error(`tick ${tickMs} was refused: ${a.reason}`);
    const done = await lock.complete({
      ...r,
      outcome: { status: 'succeeded', fence: a.fence, at: Date.now() },
      advanceHighWaterMark: true,
    });
    if (!done) throw new Error(`tick ${tickMs} lost its lease`);
  }

  /** Sequential scans of the tick table so far, this session's pending counts flushed first. */
  async function seqScans(): Promise<number> {
    await pool.query('SELECT pg_stat_force_next_flush()');
    await pool.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await pool.query<{ n: string }>(
      "SELECT seq_scan AS n FROM pg_stat_user_tables WHERE relid = 'tickwork_lock_ticks'::regclass",
    );
    return Number(rows[0]?.n);
  }

  it('acquire and complete read the tick table by index, never by a scan of all of it', async () => {
    const job = `plans-${randomUUID().slice(0, 8)}`;
    // More calls than plpgsql's custom plans (5), so each statement has settled on its cached plan.
    for (let t = 1; t <= 10; t++) await runTick(job, t);
    await pool.query(
      `INSERT INTO tickwork_lock_ticks (job, tick, marker, marker_expires_at)
       SELECT 'other-' || (g % 50), g::text, 'done', now() + interval '1 hour' FROM generate_series(1, $1::int) g`,
      [GROWTH],
    );

    const before = await seqScans();
    // No index holds `outcome`, so this count can only be answered by a scan of the table.
    await pool.query('SELECT count(*) FROM tickwork_lock_ticks WHERE outcome IS NULL');
    const control = await seqScans();
    expect(
      control - before,
      'the positive control: a count over an unindexed column scans the table',
    ).toBeGreaterThanOrEqual(1);

    for (let t = 11; t <= 30; t++) await runTick(job, t);
    expect(await seqScans(), 'sequential scans of the tick table during 20 acquire + complete').toBe(control);
  });
});
