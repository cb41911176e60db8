/**
 * The PostgreSQL lock at its edges: option refusals word for word, what each operation's error names when the
 * database cannot be reached or its function answers no row, a refusal the lock does not know, a driver that
 * hands json columns over as text, a caller on the v1 port (no instance id, no guards), `state()` without a
 * tick, and the start-up check's errors (a database that never answers, a failure not worth waiting for, the
 * functions a schema lacks). The conformance suite in `lock.test.ts` judges the rules; these read the shapes.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { postgresLock } from '../../../adapters/postgres/lock.js';
import { LOCK_FUNCTIONS } from '../../../adapters/postgres/lock-migration.js';
import { migrate } from '../../../adapters/postgres/migrate.js';
import type { SqlClient } from '../../../adapters/postgres/sql-client.js';
import type { AcquireRequest, LockAdapter, Logger } from '../../../src/index.js';
import { silentLogger } from '../../../src/internal/silent-logger.js';
import { isolatedPool } from '../../helpers/postgres.js';
import { describeWithPostgres, randomSuffix } from '../../helpers/services.js';
import { acquireRequest, everyLockCall, historyEntry, type LockCall } from '../../scheduler/helpers.js';

/** The error pg gives when nothing listens at the address. */
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });

/** A client whose every query fails as a refused connection does. */
const unreachable: SqlClient = { query: async () => Promise.reject(refused()) };

/** The context each operation's errors carry. */
const CONTEXT: Record<Exclude<LockCall, 'history'>, string> = {
  acquire: 'Lock acquire failed',
  renew: 'Lock renew failed',
  complete: 'Lock complete failed',
  release: 'Lock release failed',
  state: 'Lock state failed',
  record: 'History write failed',
  setPaused: 'Lock pause failed',
  requestRun: 'Lock trigger failed',
  poll: 'Lock control poll failed',
  status: 'Lock status failed',
  members: 'Lock membership heartbeat failed',
};

/** Every operation of the lock but the history read (a list: no row is an empty one), by its context. */
function everyCall(lock: LockAdapter): [string, () => Promise<unknown>][] {
  const calls = everyLockCall(lock);
  return Object.entries(CONTEXT).map(([op, context]) => [context, calls[op as keyof typeof CONTEXT]]);
}

const rejectionOf = (promise: Promise<unknown> | undefined): Promise<unknown> =>
  (promise ?? Promise.resolve('no promise')).then(
    () => undefined,
    (e: unknown) => e,
  );

describe('postgresLock options', () => {
  const db: SqlClient = { query: async () => ({ rows: [] }) };

  it('refuses each bad options object with INVALID_OPTION, naming the option and saying what it expected', () => {
    const cases: [unknown, string, string][] = [
      [null, 'db', 'Expected options `{ db }`'],
      ['db', 'db', 'Expected options `{ db }`'],
      [5, 'db', 'Expected options `{ db }`'],
      [{}, 'db', 'Expected `db` to be a client with a query() method'],
      [{ db: {} }, 'db', 'Expected `db` to be a client with a query() method'],
      [{ db, prefix: 'x' }, 'prefix', 'Unknown option `prefix` of postgresLock'],
      [{ db, synchronousCommit: 'off' }, 'synchronousCommit', 'Expected `synchronousCommit` to be a boolean'],
      [{ db, connectTimeout: 0 }, 'connectTimeout', 'Expected `connectTimeout` to be a positive integer, got 0'],
    ];
    for (const [options, option, message] of cases) {
      let thrown: unknown;
      try {
        postgresLock(options as Parameters<typeof postgresLock>[0]);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, String(message)).toMatchObject({ code: 'INVALID_OPTION', message, details: { option } });
    }
  });

  it('accepts every documented option', () => {
    expect(() =>
      postgresLock({ db, connectTimeout: 1, synchronousCommit: false, historyLimit: 1, historyMaxAge: 1 }),
    ).not.toThrow();
  });
});

describe('postgresLock errors', () => {
  it('names the operation in the UNAVAILABLE error of every call when the database cannot be reached', async () => {
    const lock = postgresLock({ db: unreachable });
    const calls: [string, () => Promise<unknown>][] = [
      ...everyCall(lock),
      ['History read failed', () => lock.history('j', { limit: 10 })],
    ];
    for (const [context, call] of calls) {
      const error = await rejectionOf(call());
      expect(error, context).toMatchObject({
        code: 'UNAVAILABLE',
        message: `${context}: the database is unavailable; try again shortly`,
      });
      // The driver's text stays in the cause, never in the message.
      expect((error as Error).cause, context).toMatchObject({ code: 'ECONNREFUSED' });
    }
  });

  it('refuses an answer without a row as INTERNAL, naming the operation', async () => {
    const lock = postgresLock({ db: { query: async () => ({ rows: [] }) } });
    for (const [context, call] of everyCall(lock)) {
      expect(await rejectionOf(call()), context).toMatchObject({
        code: 'INTERNAL',
        message: `${context}: the lock function returned no row`,
      });
    }
    // The history is a list: no row is an empty one.
    expect(await lock.history('j', { limit: 10 })).toEqual([]);
  });

  it('refuses a refusal it does not know as INTERNAL rather than passing it on', async () => {
    const row = { acquired: false, refusal: 'borrowed', new_fence: 0, server_ms: 1, retry_ms: 5, first: false };
    const lock = postgresLock({ db: { query: async () => ({ rows: [row] }) } });
    await expect(lock.acquire(acquireRequest('j', 1))).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'Unexpected lock refusal borrowed',
    });
  });
});

describe('postgresLock prepare()', () => {
  it('gives up with UNAVAILABLE after connectTimeout when a query never settles, saying it waited', async () => {
    const hanging: SqlClient = { query: () => new Promise(() => {}) };
    const error = await rejectionOf(
      postgresLock({ db: hanging, connectTimeout: 200 }).prepare?.({ logger: silentLogger }),
    );
    expect(error).toMatchObject({ code: 'UNAVAILABLE', message: 'PostgreSQL did not answer within 200 ms' });
    // The query's own bound ended the wait: it is the cause.
    expect((error as Error).cause).toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/^No answer within [\d.]+ ms$/),
    });
  });

  it('clears its bound once the database answered (a short script would otherwise wait out connectTimeout)', async () => {
    // A bound no other timer in the process uses, to tell the check's own timer from the test runner's.
    const connectTimeout = 987_654;
    const quick: SqlClient = { query: async () => ({ rows: [] }) };
    const set = vi.spyOn(globalThis, 'setTimeout');
    const clear = vi.spyOn(globalThis, 'clearTimeout');
    try {
      await postgresLock({ db: quick, connectTimeout }).prepare?.({ logger: silentLogger });
      const bounds = set.mock.calls.flatMap(([, ms], i) => ((ms ?? 0) > 900_000 ? [set.mock.results[i]?.value] : []));
      expect(bounds).toHaveLength(1);
      expect(clear.mock.calls.map(([timer]) => timer)).toContain(bounds[0]);
    } finally {
      set.mockRestore();
      clear.mockRestore();
    }
  });

  it('waits for a database that refuses connections at first, and says so once', async () => {
    let calls = 0;
    const waking: SqlClient = {
      query: async () => {
        calls++;
        if (calls < 3) throw refused();
        return { rows: [] };
      },
    };
    const said: string[] = [];
    const logger: Logger = { ...silentLogger, info: (_fields, message) => said.push(message) };
    await expect(postgresLock({ db: waking, connectTimeout: 60_000 }).prepare?.({ logger })).resolves.toBeUndefined();
    expect(calls).toBe(3);
    expect(said).toEqual(['waiting for PostgreSQL to answer']);
  });

  it('does not wait on a failure that is not about reaching the database', async () => {
    let calls = 0;
    const denied: SqlClient = {
      query: async () => {
        calls++;
        throw Object.assign(new Error('permission denied for schema app'), { code: '42501' });
      },
    };
    const error = await rejectionOf(postgresLock({ db: denied }).prepare?.({ logger: silentLogger }));
    expect(error).toMatchObject({
      code: 'INTERNAL',
      message: 'PostgreSQL lock check failed',
      details: { sqlState: '42501' },
    });
    expect(calls).toBe(1);
  });

  it('lists the functions the schema lacks in the refusal, asking for all of them', async () => {
    const asked: unknown[] = [];
    const partial: SqlClient = {
      query: async (_sql, params) => {
        asked.push(params);
        return { rows: [{ f: LOCK_FUNCTIONS[1] }, { f: LOCK_FUNCTIONS[4] }] };
      },
    };
    const error = await rejectionOf(postgresLock({ db: partial }).prepare?.({ logger: silentLogger }));
    expect(error).toMatchObject({
      code: 'INVALID_OPTION',
      message:
        'The PostgreSQL lock tables are missing from this schema: run `migrate(db)` from `tickwork/postgres` first',
      details: { option: 'db', missing: [LOCK_FUNCTIONS[1], LOCK_FUNCTIONS[4]] },
    });
    expect(asked).toEqual([[[...LOCK_FUNCTIONS]]]);
  });
});

// On the server rather than PGlite: a fresh schema costs a fraction of a PGlite start, which counts under mutation.
describeWithPostgres('postgresLock on the PostgreSQL server, at the edges', () => {
  let target: Awaited<ReturnType<typeof isolatedPool>>;
  let db: pg.Pool;
  beforeAll(async () => {
    target = await isolatedPool(4);
    db = target.pool;
    await migrate(db);
  });
  afterAll(() => target.close());

  it('prepare() passes on a migrated schema and lists every function a bare one lacks', async () => {
    await expect(postgresLock({ db }).prepare?.({ logger: silentLogger })).resolves.toBeUndefined();
    const bare = await isolatedPool(1);
    try {
      const error = await rejectionOf(postgresLock({ db: bare.pool }).prepare?.({ logger: silentLogger }));
      expect(error).toMatchObject({ code: 'INVALID_OPTION', details: { option: 'db', missing: [...LOCK_FUNCTIONS] } });
    } finally {
      await bare.close();
    }
  });

  /** The pool behind a driver that hands json columns over as their text, as a driver without a json parser does. */
  const jsonAsText = (): SqlClient => ({
    query: async (sql, params) => {
      const { rows } = await db.query<Record<string, unknown>>(sql, params as unknown[]);
      return {
        rows: rows.map((row) =>
          Object.fromEntries(
            Object.entries(row).map(([k, v]) => [k, v !== null && typeof v === 'object' ? JSON.stringify(v) : v]),
          ),
        ),
      };
    },
  });

  it('reads json columns handed over as text the same as parsed ones', async () => {
    const lock = postgresLock({ db: jsonAsText() });
    const members = lock.members as NonNullable<LockAdapter['members']>;
    const job = `text-${randomSuffix()}`;
    const now = Date.now();

    const done = historyEntry('done', now);
    await lock.record(job, done);
    expect(await lock.history(job, { limit: 10 })).toEqual([done]);

    const asked = { id: 'r1', requestedBy: 'me', requestedAt: now };
    await lock.requestRun(job, asked);
    expect(await lock.poll(job)).toEqual({ paused: false, request: asked });

    const r = acquireRequest(job, now, { token: 'tok', instanceId: 'me' });
    const got = await lock.acquire(r);
    if (!got.acquired) throw new Error(`refused: ${got.reason}`);
    const status = await lock.status(job);
    expect(status).toMatchObject({ paused: false, last: done, pendingRequests: 0 });
    expect(status.running).toEqual([{ tick: r.tick, instanceId: 'me', ttlMs: expect.any(Number) }]);

    const outcome = { status: 'succeeded' as const, fence: got.fence, at: now };
    expect(await lock.complete({ ...r, outcome, advanceHighWaterMark: true })).toBe(true);
    expect((await lock.state(job, r.tick)).tick).toEqual({ status: 'done', outcome });

    await members({ job, instanceId: 'a', ttlMs: 60_000 });
    expect((await members({ job, instanceId: 'b', ttlMs: 60_000 })).members).toEqual(['a', 'b']);
  });

  it('takes an acquire request without an instance id or guards (the v1 port) as no holder name and no guard', async () => {
    const lock = postgresLock({ db });
    const job = `v1-${randomSuffix()}`;
    const {
      earlyToleranceMs: _early,
      maxLateMs: _late,
      instanceId: _id,
      ...v1
    } = acquireRequest(job, Date.now() + 3_600_000);
    // A JavaScript caller, or one built against the v1 port, leaves these fields out.
    const v1Request = v1 as AcquireRequest;
    // An hour early, with no early guard: taken.
    expect((await lock.acquire(v1Request)).acquired).toBe(true);
    expect((await lock.status(job)).running).toEqual([{ tick: v1.tick, instanceId: '', ttlMs: expect.any(Number) }]);
    // Far older than any lateness, with no lateness guard and no cursor yet: taken too.
    const old = `v1-old-${randomSuffix()}`;
    expect((await lock.acquire({ ...v1Request, job: old, tick: '1000', tickMs: 1000 })).acquired).toBe(true);
  });

  it('reports a paused job on every poll until it is resumed', async () => {
    const lock = postgresLock({ db });
    const job = `poll-${randomSuffix()}`;
    await lock.setPaused(job, true);
    expect(await lock.poll(job)).toEqual({ paused: true, request: null });
    expect(await lock.poll(job)).toEqual({ paused: true, request: null });
    await lock.setPaused(job, false);
    expect(await lock.poll(job)).toEqual({ paused: false, request: null });
  });

  it('leaves the caller out of the answer to its own zero-TTL heartbeat', async () => {
    const members = postgresLock({ db }).members as NonNullable<LockAdapter['members']>;
    const job = `zero-${randomSuffix()}`;
    await members({ job, instanceId: 'other', ttlMs: 60_000 });
    expect((await members({ job, instanceId: 'drifted', ttlMs: 0 })).members).toEqual(['other']);
  });

  it('answers state() without a tick with the job state only, and a tick it never saw as free', async () => {
    const lock = postgresLock({ db });
    const job = `state-${randomSuffix()}`;
    const bare = await lock.state(job);
    expect(bare).not.toHaveProperty('tick');
    expect(bare).toMatchObject({ cursor: null, highWaterMark: null });
    expect((await lock.state(job, '1')).tick).toEqual({ status: 'free' });
  });
});
