import { assertInteger, historyBoundsOf, TickworkError, takeoverGraceMs } from '../../src/adapter-kit.js';
import type {
  AcquireRefusal,
  AcquireResult,
  HistoryBounds,
  LeaseHolder,
  LockAdapter,
  ManualRequest,
  RunRecord,
  TickOutcome,
  TickState,
} from '../../src/index.js';
import { checkLockSchema } from './lock-prepare.js';
import { translatePgError } from './pg-errors.js';
import type { SqlClient } from './sql-client.js';

/** Options of {@link postgresLock}. */
export interface PostgresLockOptions extends HistoryBounds {
  /**
   * A `pg.Pool`, `pg.Client` or PGlite (anything with `query(text, params)`). Never closed by the lock. The
   * lock's tables and functions come from `migrate(db)` and live in the client's `search_path`. Bound each
   * call with the driver's own settings (for `pg`: `connectionTimeoutMillis`, `statement_timeout`).
   */
  readonly db: SqlClient;
  /**
   * Milliseconds `scheduler.start()` waits for the database to answer before it fails with `UNAVAILABLE`.
   * @default 10000
   */
  readonly connectTimeout?: number;
  /**
   * `false`: the lock's own transactions commit without waiting for the WAL flush (`synchronous_commit = off`
   * for those transactions only), several times faster where a flush is slow. A database crash (not a clean
   * restart) may then lose the last few hundred milliseconds of lock state: fences still grow (they follow
   * the database clock), but a tick claimed in that window may run again after the crash if it is still
   * within its lateness window. `true`: the server's `synchronous_commit` setting applies.
   * @default true
   */
  readonly synchronousCommit?: boolean;
}

const OPTIONS = new Set(['db', 'connectTimeout', 'synchronousCommit', 'historyLimit', 'historyMaxAge']);
const REFUSALS = new Set<AcquireRefusal>(['done', 'started', 'stale', 'held', 'early', 'overlap', 'paused']);

/** The database clock in UTC milliseconds, as SQL. */
const NOW_MS = 'floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint';

// One statement: the paused flag, and the oldest live request of the job taken (deleted) for this caller.
const POLL_SQL = `WITH taken AS (
  DELETE FROM tickwork_lock_requests r WHERE r.seq = (
    SELECT x.seq FROM tickwork_lock_requests x WHERE x.job = $1 AND x.expires_at > clock_timestamp()
    ORDER BY x.seq LIMIT 1 FOR UPDATE SKIP LOCKED)
  RETURNING r.request)
SELECT coalesce((SELECT j.paused FROM tickwork_lock_jobs j WHERE j.job = $1), false) AS paused,
  (SELECT t.request FROM taken t) AS request`;

// Queues a request; the job's expired requests go in the same statement.
const REQUEST_SQL = `WITH expired AS (
  DELETE FROM tickwork_lock_requests r WHERE r.job = $1 AND r.expires_at <= clock_timestamp())
INSERT INTO tickwork_lock_requests (job, request, expires_at)
VALUES ($1, $2, clock_timestamp() + $3::double precision * interval '1 millisecond') RETURNING true AS ok`;

// One statement: this instance's heartbeat (a zero TTL leaves at once), the job's other live members, and the
// database clock. Expired rows of other members are deleted only where no one holds them (SKIP LOCKED), so two
// instances coming back at once never wait on each other's rows.
const MEMBERS_SQL = `WITH gone AS (
  DELETE FROM tickwork_lock_members m WHERE (m.job, m.instance_id) IN (
    SELECT x.job, x.instance_id FROM tickwork_lock_members x
    WHERE x.job = $1 AND x.instance_id <> $2 AND x.expires_at <= clock_timestamp() FOR UPDATE SKIP LOCKED)),
beat AS (
  INSERT INTO tickwork_lock_members (job, instance_id, expires_at)
  VALUES ($1, $2, clock_timestamp() + $3::double precision * interval '1 millisecond')
  ON CONFLICT (job, instance_id) DO UPDATE SET expires_at = EXCLUDED.expires_at)
SELECT ${NOW_MS} AS now, coalesce((SELECT json_agg(m.instance_id) FROM tickwork_lock_members m
  WHERE m.job = $1 AND m.instance_id <> $2 AND m.expires_at > clock_timestamp()), '[]'::json) AS others`;

const SET_PAUSED_SQL = `INSERT INTO tickwork_lock_jobs AS j (job, paused) VALUES ($1, $2)
ON CONFLICT (job) DO UPDATE SET paused = EXCLUDED.paused RETURNING true AS ok`;

const HISTORY_SQL = `SELECT h.entry FROM tickwork_lock_history h
WHERE h.job = $1 AND ($2::bigint IS NULL OR h.ended_ms < $2) AND h.ended_ms >= ${NOW_MS} - $4
ORDER BY h.ended_ms DESC, h.seq DESC LIMIT $3`;

// Live leases and their holders, queued requests, the newest history entry: one read.
const STATUS_SQL = `SELECT coalesce((SELECT j.paused FROM tickwork_lock_jobs j WHERE j.job = $1), false) AS paused,
  (SELECT count(*) FROM tickwork_lock_requests r WHERE r.job = $1 AND r.expires_at > clock_timestamp()) AS pending,
  (SELECT h.entry FROM tickwork_lock_history h WHERE h.job = $1 AND h.ended_ms >= ${NOW_MS} - $2
    ORDER BY h.ended_ms DESC, h.seq DESC LIMIT 1) AS last,
  coalesce((SELECT json_agg(json_build_object('tick', t.tick, 'instanceId', coalesce(t.lease_holder, ''),
    'ttlMs', greatest(0, ceil(extract(epoch FROM (t.lease_expires_at - clock_timestamp())) * 1000)))
    ORDER BY t.tick)
    FROM tickwork_lock_ticks t WHERE t.job = $1 AND t.lease_expires_at > clock_timestamp()), '[]'::json) AS running`;

/** A jsonb column: an object from `pg`, a string from a driver that does not parse it. */
const fromJson = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

interface AcquireRow {
  acquired: boolean;
  refusal: string | null;
  new_fence: string | number;
  server_ms: string | number;
  retry_ms: string | number;
  takeover: boolean;
  first: boolean;
}

interface StateRow {
  cursor_ms: string | number | null;
  high_water_mark: string | number | null;
  fence: string | number;
  server_ms: string | number;
  status: string | null;
  ttl_ms: string | number | null;
  outcome: TickOutcome | string | null;
}

function checkOptions(options: PostgresLockOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TickworkError('INVALID_OPTION', 'Expected options `{ db }`', { details: { option: 'db' } });
  }
  for (const key of Object.keys(options)) {
    if (!OPTIONS.has(key)) {
      throw new TickworkError('INVALID_OPTION', `Unknown option \`${key}\` of postgresLock`, {
        details: { option: key },
      });
    }
  }
  if (typeof options.db?.query !== 'function') {
    throw new TickworkError('INVALID_OPTION', 'Expected `db` to be a client with a query() method', {
      details: { option: 'db' },
    });
  }
}

const nullableNumber = (v: string | number | null) => (v === null ? null : Number(v));
/** Whole milliseconds for a nullable option (`null` switches a guard off; a caller on the v1 port omits it). */
const wholeOrNull = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.floor(v));

/**
 * The PostgreSQL {@link LockAdapter}: one plpgsql function per operation (one round trip, one transaction),
 * installed by `migrate(db)`. Each function takes the job's row lock first, so two instances can never both
 * win a tick, and judges ticks and leases on the database's `clock_timestamp()`. Fences are stored (`bigint`)
 * and derived from the database clock too, so they keep growing after a restore or a failover. When the
 * database cannot be reached, calls fail with `UNAVAILABLE` and the scheduler skips the tick (fail closed).
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createScheduler } from 'tickwork';
 * import { migrate, postgresLock } from 'tickwork/postgres';
 *
 * const db = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await migrate(db);
 * const scheduler = createScheduler({ lock: postgresLock({ db }) });
 * ```
 */
export function postgresLock(options: PostgresLockOptions): LockAdapter {
  checkOptions(options);
  const db = options.db;
  const connectTimeout = options.connectTimeout ?? 10_000;
  assertInteger('connectTimeout', connectTimeout);
  const synchronousCommit = options.synchronousCommit ?? true;
  if (typeof synchronousCommit !== 'boolean') {
    throw new TickworkError('INVALID_OPTION', 'Expected `synchronousCommit` to be a boolean', {
      details: { option: 'synchronousCommit' },
    });
  }
  const asyncCommit = !synchronousCommit;
  const bounds = historyBoundsOf(options);

  const call = async <T>(context: string, sql: string, params: unknown[]): Promise<T> => {
    let rows: unknown[];
    try {
      ({ rows } = await db.query(sql, params));
    } catch (error) {
      throw translatePgError(error, context);
    }
    const row = rows[0];
    if (row === undefined) throw new TickworkError('INTERNAL', `${context}: the lock function returned no row`);
    return row as T;
  };
  const ok = async (context: string, sql: string, params: unknown[]) =>
    (await call<{ ok: boolean }>(context, sql, params)).ok === true;

  return {
    async acquire(r): Promise<AcquireResult> {
      const row = await call<AcquireRow>(
        'Lock acquire failed',
        'SELECT * FROM tickwork_lock_acquire($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)',
        [
          r.job,
          r.tick,
          Math.floor(r.tickMs),
          r.token,
          Math.ceil(r.ttlMs),
          wholeOrNull(r.earlyToleranceMs),
          wholeOrNull(r.maxLateMs),
          r.kind,
          r.exclusive,
          r.atMostOnce,
          Math.ceil(r.retentionMs),
          takeoverGraceMs(Math.ceil(r.ttlMs)),
          asyncCommit,
          r.instanceId ?? '',
        ],
      );
      const serverTime = Number(row.server_ms);
      if (row.acquired) return { acquired: true, fence: Number(row.new_fence), serverTime, takeover: row.takeover };
      const reason = row.refusal as AcquireRefusal;
      if (!REFUSALS.has(reason)) throw new TickworkError('INTERNAL', `Unexpected lock refusal ${String(reason)}`);
      if (reason === 'paused') return { acquired: false, reason, serverTime, retryInMs: 0, first: row.first === true };
      return { acquired: false, reason, serverTime, retryInMs: Number(row.retry_ms) };
    },

    renew: (l) =>
      ok('Lock renew failed', 'SELECT tickwork_lock_renew($1, $2, $3, $4, $5, $6) AS ok', [
        l.job,
        l.tick,
        l.token,
        Math.ceil(l.ttlMs),
        takeoverGraceMs(Math.ceil(l.ttlMs)),
        asyncCommit,
      ]),

    complete: (r) =>
      ok('Lock complete failed', 'SELECT tickwork_lock_complete($1, $2, $3, $4, $5, $6, $7, $8) AS ok', [
        r.job,
        r.tick,
        r.token,
        Math.floor(r.tickMs),
        JSON.stringify(r.outcome),
        Math.ceil(r.retentionMs),
        r.advanceHighWaterMark,
        asyncCommit,
      ]),

    release: (l) =>
      ok('Lock release failed', 'SELECT tickwork_lock_release($1, $2, $3, $4) AS ok', [
        l.job,
        l.tick,
        l.token,
        asyncCommit,
      ]),

    async state(job, tick) {
      const row = await call<StateRow>('Lock state failed', 'SELECT * FROM tickwork_lock_state($1, $2)', [
        job,
        tick ?? null,
      ]);
      const base = {
        cursor: nullableNumber(row.cursor_ms),
        highWaterMark: nullableNumber(row.high_water_mark),
        fence: Number(row.fence),
        serverTime: Number(row.server_ms),
      };
      if (tick === undefined) return base;
      let state: TickState = { status: 'free' };
      if (row.status === 'done') {
        const outcome = typeof row.outcome === 'string' ? (JSON.parse(row.outcome) as TickOutcome) : row.outcome;
        state = { status: 'done', outcome: outcome as TickOutcome };
      } else if (row.status === 'leased') state = { status: 'leased', ttlMs: Number(row.ttl_ms) };
      else if (row.status === 'claimed' || row.status === 'started') state = { status: row.status };
      return { ...base, tick: state };
    },

    async record(job, entry) {
      await call('History write failed', 'SELECT tickwork_lock_record($1, $2, $3, $4, $5, $6) AS ok', [
        job,
        entry.id,
        Math.floor(entry.endedAt),
        JSON.stringify(entry),
        bounds.limit,
        bounds.maxAgeMs,
      ]);
    },

    async history(job, query) {
      let rows: unknown[];
      try {
        ({ rows } = await db.query(HISTORY_SQL, [job, query.before ?? null, query.limit, bounds.maxAgeMs]));
      } catch (error) {
        throw translatePgError(error, 'History read failed');
      }
      return (rows as { entry: RunRecord | string }[]).map((r) => fromJson(r.entry));
    },

    async setPaused(job, paused) {
      await call('Lock pause failed', SET_PAUSED_SQL, [job, paused]);
    },

    async requestRun(job, request) {
      await call('Lock trigger failed', REQUEST_SQL, [job, JSON.stringify(request), bounds.maxAgeMs]);
    },

    async poll(job) {
      const row = await call<{ paused: boolean; request: ManualRequest | string | null }>(
        'Lock control poll failed',
        POLL_SQL,
        [job],
      );
      return { paused: row.paused === true, request: row.request === null ? null : fromJson(row.request) };
    },

    async status(job) {
      const row = await call<{
        paused: boolean;
        pending: string | number;
        last: RunRecord | string | null;
        running: LeaseHolder[] | string;
      }>('Lock status failed', STATUS_SQL, [job, bounds.maxAgeMs]);
      return {
        paused: row.paused === true,
        running: fromJson(row.running).map((h) => ({ ...h, ttlMs: Number(h.ttlMs) })),
        last: row.last === null ? null : fromJson(row.last),
        pendingRequests: Number(row.pending),
      };
    },

    async members(r) {
      const row = await call<{ now: string | number; others: string[] | string }>(
        'Lock membership heartbeat failed',
        MEMBERS_SQL,
        [r.job, r.instanceId, r.ttlMs],
      );
      const others = fromJson(row.others);
      return { members: r.ttlMs > 0 ? [...others, r.instanceId] : others, serverTime: Number(row.now) };
    },

    prepare: ({ logger, signal }) => checkLockSchema({ db, logger, signal, connectTimeout }),
  };
}
