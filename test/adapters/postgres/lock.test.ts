/** The PostgreSQL lock on PGlite (always) and on the real server (a fresh schema per run). */
import { randomUUID } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { lockConformance } from 'tickwork/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresLock } from '../../../adapters/postgres/lock.js';
import { migrate } from '../../../adapters/postgres/migrate.js';
import { isTickworkError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/internal/silent-logger.js';
import type { AcquireRequest, LockAdapter } from '../../../src/scheduler/lock-adapter.js';
import { freshPglite, isolatedPool } from '../../helpers/postgres.js';
import { DATABASE_URL, describeWithPostgres } from '../../helpers/services.js';
import { schedulerScenarios } from '../../scheduler/scenarios.js';

const request = (job: string, tickMs: number, over: Partial<AcquireRequest> = {}): AcquireRequest => ({
  job,
  tick: String(tickMs),
  tickMs,
  token: randomUUID(),
  ttlMs: 10_000,
  earlyToleranceMs: null,
  maxLateMs: null,
  kind: 'scheduled',
  exclusive: true,
  atMostOnce: false,
  retentionMs: 60_000,
  ...over,
});

/** `acquirers` callers race for each of `ticks` ticks of one job at once; returns how often each tick was won. */
async function race(locks: LockAdapter[], acquirers: number, ticks: number): Promise<Map<string, number>> {
  const job = `race-${randomUUID().slice(0, 8)}`;
  const wins = new Map<string, number>();
  for (let t = 1; t <= ticks; t++) {
    const results = await Promise.all(
      Array.from({ length: acquirers }, async (_, i) => {
        const lock = locks[i % locks.length] as LockAdapter;
        const r = request(job, t);
        const a = await lock.acquire(r);
        if (a.acquired) {
          await lock.complete({
            ...r,
            outcome: { status: 'succeeded', fence: a.fence, at: Date.now() },
            advanceHighWaterMark: true,
          });
        }
        return a.acquired;
      }),
    );
    wins.set(String(t), results.filter(Boolean).length);
  }
  return wins;
}

// `npm run mutation -- postgres-lock` sets this (see test/mutation/modules.ts) to judge the lock's TypeScript on the
// server's pg.Pool pass alone. PGlite and a pg.Client run the same code on the same values (PGlite gives a bigint
// as a number where pg gives a string, and the lock reads both through Number()); their passes would add a PGlite
// start (5-15 s on a loaded machine) and two more rounds of the conformance suite's waits to every mutant.
const describeBesidesPool = process.env.TICKWORK_MUTATION_PG_POOL_ONLY === '1' ? describe.skip : describe;

describe('postgresLock options', () => {
  it('refuses a missing client, an unknown option and a bad connectTimeout with INVALID_OPTION', () => {
    const bad: unknown[] = [
      {},
      { db: {} },
      { db: { query: () => {} }, prefix: 'x' },
      { db: { query: () => {} }, connectTimeout: -1 },
    ];
    for (const options of bad) {
      let error: unknown;
      try {
        postgresLock(options as never);
      } catch (e) {
        error = e;
      }
      expect(isTickworkError(error, 'INVALID_OPTION')).toBe(true);
    }
  });
});

describeBesidesPool('postgresLock on PGlite', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await freshPglite();
    await migrate(db);
  });
  afterAll(() => db.close());

  lockConformance((bounds) => postgresLock({ db, ...bounds }));

  it('prepare() passes on a migrated schema and names migrate(db) on a bare one', async () => {
    await expect(postgresLock({ db }).prepare?.({ logger: silentLogger })).resolves.toBeUndefined();
    // A schema the migration never ran in (PGlite is one connection: this test has it to itself).
    await db.exec('CREATE SCHEMA bare; SET search_path TO bare');
    try {
      const error = await postgresLock({ db })
        .prepare?.({ logger: silentLogger })
        .catch((e: unknown) => e);
      expect(isTickworkError(error, 'INVALID_OPTION')).toBe(true);
      expect((error as Error).message).toContain('migrate(db)');
    } finally {
      await db.exec('SET search_path TO public');
    }
  });

  it('deletes a job’s expired tick rows as it acquires new ticks', async () => {
    const lock = postgresLock({ db });
    const job = `prune-${randomUUID().slice(0, 8)}`;
    for (let t = 1; t <= 10; t++) {
      const r = request(job, t, { retentionMs: 20 });
      const a = await lock.acquire(r);
      if (!a.acquired) throw new Error(`tick ${t} refused: ${a.reason}`);
      await lock.complete({
        ...r,
        outcome: { status: 'succeeded', fence: a.fence, at: Date.now() },
        advanceHighWaterMark: true,
      });
    }
    await new Promise((r) => setTimeout(r, 100));
    expect((await lock.acquire(request(job, 11))).acquired).toBe(true);
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM tickwork_lock_ticks WHERE job = $1',
      [job],
    );
    expect(rows[0]?.n).toBe(1);
  });

  it('gives each tick to exactly one of 16 concurrent acquirers', async () => {
    const wins = await race([postgresLock({ db })], 16, 20);
    expect([...wins.values()]).toEqual(Array.from({ length: 20 }, () => 1));
  });
});

describeWithPostgres('postgresLock on the PostgreSQL server', () => {
  let target: Awaited<ReturnType<typeof isolatedPool>>;
  beforeAll(async () => {
    target = await isolatedPool(20);
    await migrate(target.pool);
  });
  afterAll(() => target.close());

  describe('conformance with a pg.Pool', () => {
    lockConformance((bounds) => postgresLock({ db: target.pool, ...bounds }));
  });

  describeBesidesPool('conformance with a pg.Client', () => {
    let client: pg.Client;
    beforeAll(async () => {
      client = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${target.schema}` });
      await client.connect();
    });
    afterAll(() => client.end());
    lockConformance((bounds) => postgresLock({ db: client, ...bounds }));
  });

  it('with synchronousCommit: false, turns synchronous_commit off for its own transaction only', async () => {
    const client = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${target.schema}` });
    await client.connect();
    try {
      const setting = async () =>
        ((await client.query('SHOW synchronous_commit')).rows[0] as { synchronous_commit: string }).synchronous_commit;
      const before = await setting();
      // Inside a caller's transaction the setting is visible until its end, then gone.
      const lock = postgresLock({ db: client, synchronousCommit: false });
      const r = request(`async-${randomUUID().slice(0, 8)}`, 1);
      await client.query('BEGIN');
      const a = await lock.acquire(r);
      expect(await setting()).toBe('off');
      await client.query('COMMIT');
      expect(await setting()).toBe(before);
      if (!a.acquired) throw new Error(`refused: ${a.reason}`);
      const outcome = { status: 'succeeded' as const, fence: a.fence, at: Date.now() };
      expect(await lock.complete({ ...r, outcome, advanceHighWaterMark: true })).toBe(true);
      expect((await lock.state(r.job, r.tick)).tick).toEqual({ status: 'done', outcome });
      await client.query('BEGIN');
      await postgresLock({ db: client }).release({ job: 'none', tick: '1', token: 't' });
      expect(await setting()).toBe(before);
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
  });

  describe('scheduler scenarios', () => {
    // The scenarios race a blocked holder against a takeover by a few hundred milliseconds: start them on warm
    // connections (open, functions compiled), as a running service has, not on a cold pool.
    schedulerScenarios(async () => {
      const lock = postgresLock({ db: target.pool });
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          const r = request(`warm-${randomUUID().slice(0, 8)}`, 1, { kind: 'manual' });
          await lock.acquire(r);
          await lock.renew({ ...r, ttlMs: 1000 });
          await lock.release(r);
        }),
      );
      return lock;
    });
  });

  it('gives each tick to exactly one of 32 acquirers racing on two pools (two processes’ worth)', async () => {
    const other = new pg.Pool({ connectionString: DATABASE_URL, max: 16, options: `-c search_path=${target.schema}` });
    try {
      const wins = await race([postgresLock({ db: target.pool }), postgresLock({ db: other })], 32, 25);
      expect([...wins.values()]).toEqual(Array.from({ length: 25 }, () => 1));
    } finally {
      await other.end();
    }
  });

  it('judges ticks on the database clock: serverTime is the server’s clock_timestamp()', async () => {
    const lock = postgresLock({ db: target.pool });
    const { rows } = await target.pool.query<{ ms: string }>(
      'SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms',
    );
    const serverNow = Number(rows[0]?.ms);
    const r = await lock.acquire(
      request(`clock-${randomUUID().slice(0, 8)}`, serverNow + 30_000, { earlyToleranceMs: 0 }),
    );
    expect(r).toMatchObject({ acquired: false, reason: 'early' });
    expect(Math.abs(r.serverTime - serverNow)).toBeLessThan(2000);
  });

  it('keeps fences after the job rows are read back by a new adapter (durable, bigint)', async () => {
    const job = `durable-${randomUUID().slice(0, 8)}`;
    const a = await postgresLock({ db: target.pool }).acquire(request(job, 1));
    const again = await postgresLock({ db: target.pool }).state(job);
    expect(a.acquired && again.fence === a.fence).toBe(true);
    expect(Number.isSafeInteger(again.fence)).toBe(true);
  });

  it('prepare() gives up with UNAVAILABLE after connectTimeout when nothing answers', async () => {
    const nowhere = new pg.Pool({
      connectionString: 'postgres://postgres@127.0.0.1:9/none',
      connectionTimeoutMillis: 200,
    });
    try {
      const error = await postgresLock({ db: nowhere, connectTimeout: 500 })
        .prepare?.({ logger: silentLogger })
        .catch((e: unknown) => e);
      expect(isTickworkError(error, 'UNAVAILABLE')).toBe(true);
    } finally {
      await nowhere.end();
    }
  });
});
