/**
 * PostgreSQL lock benchmark (`npm run bench -- postgres-lock`): `postgresLock` acquire+complete operations/s
 * beside a bare advisory lock (`BEGIN; SELECT pg_try_advisory_xact_lock(…); COMMIT` on a lent connection) on
 * the same pool, sequential and at concurrency 16, interleaved in rounds; prints both and the ratio.
 * Each worker has its own job (the peer locks a key per operation): the ticks of one job take that job's row
 * lock one after another by design. Our lock runs twice: with the server's `synchronous_commit` (the default:
 * every acquire and complete waits for its WAL flush, which the advisory lock never writes) and with
 * `synchronousCommit: false`. Two floors show what durability alone costs on this server: one durable
 * single-row `UPDATE` per operation (one WAL flush, nothing else) and two of them (acquire and complete must
 * each commit a write: two flushes, as many as our lock). A PGlite run is printed as context.
 *
 * A growth section runs the lock on a fresh schema and pool (so each connection caches its plans while the tick
 * table is small), adds GROWTH done ticks of other jobs, and runs it again: once as migrated, once with
 * `scheduler-004-lock-plans` undone, which shows what a plan cached on an empty table costs as the table grows.
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { postgresLock } from '../../adapters/postgres/lock.js';
import { LOCK_FUNCTIONS } from '../../adapters/postgres/lock-migration.js';
import { migrate } from '../../adapters/postgres/migrate.js';
import type { SqlClient } from '../../adapters/postgres/sql-client.js';
import type { LockAdapter } from '../../src/scheduler/lock-adapter.js';
import { isolatedPool } from '../helpers/postgres.js';

const N = 2000;
const ROUNDS = 3;
const GROWTH = 40_000;

type Op = (worker: number, i: number) => Promise<void>;

async function opsPerSecond(n: number, concurrency: number, op: Op): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (next < n) await op(worker, next++);
    }),
  );
  return n / ((performance.now() - t0) / 1000);
}

/** One acquire and one complete of a new tick; each worker has a job of its own. */
function ours(lock: LockAdapter): Op {
  const run = randomUUID().slice(0, 8);
  return async (worker, i) => {
    const job = `bench-${run}-${worker}`;
    const token = randomUUID();
    const request = {
      job,
      tick: String(i),
      tickMs: i,
      token,
      ttlMs: 10_000,
      earlyToleranceMs: null,
      maxLateMs: null,
      kind: 'scheduled' as const,
      exclusive: false,
      atMostOnce: false,
      retentionMs: 60_000,
    };
    const r = await lock.acquire(request);
    if (!r.acquired) throw new Error(`benchmark lock was refused: ${r.reason}`);
    const outcome = { status: 'succeeded' as const, fence: r.fence, at: Date.now() };
    if (!(await lock.complete({ ...request, outcome, advanceHighWaterMark: true }))) throw new Error('lease lost');
  };
}

/** A bare advisory transaction lock on a key per operation, on a connection lent by the same pool. */
function advisory(pool: pg.Pool): Op {
  const run = randomUUID().slice(0, 8);
  return async (_worker, i) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS ok', [`${run}:${i}`]);
      if (rows[0]?.ok !== true) throw new Error('advisory lock was not granted');
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  };
}

/**
 * The floor of any durable lock: `flushes` autocommitted single-row `UPDATE`s per operation on a row of the
 * worker's own, each waiting for its WAL flush like our acquire and complete do.
 */
function durableFloor(pool: pg.Pool, flushes: number): Op {
  return async (worker) => {
    for (let i = 0; i < flushes; i++) {
      await pool.query('UPDATE tw_bench_floor SET n = n + 1 WHERE id = $1', [worker]);
    }
  };
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function compare(pool: pg.Pool, concurrency: number): Promise<void> {
  const contenders: [string, () => Op][] = [
    ['pg_try_advisory_xact_lock transaction', () => advisory(pool)],
    ['tickwork postgresLock (acquire+complete)', () => ours(postgresLock({ db: pool }))],
    ['  … synchronousCommit: false', () => ours(postgresLock({ db: pool, synchronousCommit: false }))],
    ['floor: 1 durable single-row UPDATE', () => durableFloor(pool, 1)],
    ['floor: 2 durable single-row UPDATEs', () => durableFloor(pool, 2)],
  ];
  // Warm-up (connections, plan caches), then rounds in which every contender runs once, in turn.
  for (const [, make] of contenders) await opsPerSecond(300, concurrency, make());
  const figures = contenders.map((): number[] => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, [, make]] of contenders.entries()) figures[i]?.push(await opsPerSecond(N, concurrency, make()));
  }
  const base = median(figures[0] ?? []);
  console.log(`\n  concurrency ${concurrency}: median of ${ROUNDS} interleaved rounds of ${N} ops`);
  for (const [i, [label]] of contenders.entries()) {
    const x = median(figures[i] ?? []);
    console.log(`    ${label.padEnd(42)} ${x.toFixed(0).padStart(7)} ops/s  ${(x / base).toFixed(2)}× advisory`);
  }
}

/** Acquire+complete at concurrency 16 on a small tick table, then after it grew by GROWTH rows. */
async function growth(undoPlans: boolean): Promise<void> {
  // A new pool: its connections cache their plans while the table is small.
  const { pool, close } = await isolatedPool(16);
  try {
    await migrate(pool);
    if (undoPlans) for (const f of LOCK_FUNCTIONS) await pool.query(`ALTER FUNCTION ${f} RESET enable_seqscan`);
    const lock = postgresLock({ db: pool });
    // Each measurement on jobs of its own (ours() names them), so no tick is met twice.
    await opsPerSecond(300, 16, ours(lock));
    const small = await opsPerSecond(N, 16, ours(lock));
    await pool.query(
      `INSERT INTO tickwork_lock_ticks (job, tick, marker, marker_expires_at)
       SELECT 'other-' || (g % 50), g::text, 'done', now() + interval '1 hour' FROM generate_series(1, $1::int) g`,
      [GROWTH],
    );
    const grown = await opsPerSecond(N, 16, ours(lock));
    const label = undoPlans ? 'without scheduler-004-lock-plans' : 'as migrated';
    console.log(
      `    ${label.padEnd(34)} ${small.toFixed(0).padStart(6)} ops/s, then ${grown.toFixed(0).padStart(6)} ops/s  ${(grown / small).toFixed(2)}×`,
    );
  } finally {
    await close();
  }
}

async function pglite(): Promise<void> {
  const db = new PGlite();
  await migrate(db as SqlClient);
  const lock = postgresLock({ db: db as SqlClient });
  await opsPerSecond(300, 1, ours(lock));
  const x = await opsPerSecond(N, 1, ours(lock));
  console.log(`\n  context: postgresLock on PGlite (in process), concurrency 1: ${x.toFixed(0)} ops/s`);
  await db.close();
}

export default async function bench(): Promise<void> {
  const { pool, close } = await isolatedPool(16);
  try {
    await migrate(pool);
    await pool.query('CREATE TABLE tw_bench_floor (id int PRIMARY KEY, n bigint NOT NULL)');
    await pool.query('INSERT INTO tw_bench_floor SELECT g, 0 FROM generate_series(0, 15) g');
    console.log(
      `\nPostgreSQL lock operations/s, load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    await compare(pool, 1);
    await compare(pool, 16);
    console.log(`\n  concurrency 16, ${N} ops on a new pool, then again after ${GROWTH} more tick rows:`);
    await growth(false);
    await growth(true);
    await pglite();
    console.log(
      `\n  load average after: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await close();
  }
}
