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
import { deadlines } from './deadlines.js';
import { HISTORY, MEMBERS, RECORD, REQUEST_RUN, SET_PAUSED, STATUS } from './lock-control-scripts.js';
import { ACQUIRE, COMPLETE, RELEASE, RENEW, STATE } from './lock-scripts.js';
import { commandSender, luaScript, type RedisLikeClient, translateRedisError } from './redis-client.js';
import { checkRedisServer } from './server-check.js';

/** Options of {@link redisLock}. */
export interface RedisLockOptions extends HistoryBounds {
  /**
   * An ioredis client (`Redis` or `Cluster`) or a node-redis v5 client (`createClient()` or `createCluster()`).
   * The lock never closes it.
   */
  readonly client: RedisLikeClient;
  /**
   * Prefix of every key.
   * @default 'tickwork:lock:'
   */
  readonly prefix?: string;
  /**
   * Milliseconds to wait for a reply before the call fails with `UNAVAILABLE` (the tick then fails closed).
   * @default 2000
   */
  readonly commandTimeout?: number;
  /**
   * Milliseconds `scheduler.start()` waits for a client that is still connecting before it fails with
   * `UNAVAILABLE`.
   * @default 10000
   */
  readonly connectTimeout?: number;
}

const REFUSALS = new Set<AcquireRefusal>(['done', 'started', 'stale', 'held', 'early', 'overlap', 'paused']);
const KIND = { scheduled: 's', 'catch-up': 'c', manual: 'm' } as const;

/**
 * History entries (JSON, newest write first) as the history reads them: parsed, one per id, none that ended
 * before `oldest`, only those that ended before `before`, newest `endedAt` first (stable for equal instants).
 */
function newestFirst(entries: readonly string[], oldest: number, before?: number): RunRecord[] {
  const seen = new Set<string>();
  const kept: RunRecord[] = [];
  // Oldest write first, so a duplicate id keeps the entry written first, like the other adapters.
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = JSON.parse(entries[i] as string) as RunRecord;
    if (seen.has(entry.id)) continue;
    seen.add(entry.id);
    if (entry.endedAt >= oldest && (before === undefined || entry.endedAt < before)) kept.push(entry);
  }
  return kept.reverse().sort((a, b) => b.endedAt - a.endedAt);
}

/**
 * The Redis {@link LockAdapter}: one Lua script per operation that checks the caller's token and judges
 * ticks on Redis server time (`TIME`), keys of one job under one `{job}` hash tag (Redis Cluster safe), and
 * `EVALSHA` with an `EVAL` fallback on `NOSCRIPT`. Any ioredis (`Redis`, `Cluster`) or node-redis v5 client
 * (`createClient()`, `createCluster()`) fits. Needs Redis 5 or newer (checked at start, on every master of a
 * cluster). When Redis cannot be reached, calls fail with `UNAVAILABLE` and the scheduler skips the tick
 * (fail closed).
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createScheduler } from 'tickwork';
 * import { redisLock } from 'tickwork/redis';
 *
 * const lock = redisLock({ client: new Redis(process.env.REDIS_URL!), prefix: 'myapp:lock:' });
 * const scheduler = createScheduler({ lock });
 * ```
 */
export function redisLock(options: RedisLockOptions): LockAdapter {
  const send = commandSender(options.client);
  const prefix = options.prefix ?? 'tickwork:lock:';
  if (typeof prefix !== 'string') {
    throw new TickworkError('INVALID_OPTION', 'Expected `prefix` to be a string', { details: { option: 'prefix' } });
  }
  const timeout = options.commandTimeout ?? 2000;
  assertInteger('commandTimeout', timeout);
  const connectTimeout = options.connectTimeout ?? 10_000;
  assertInteger('connectTimeout', connectTimeout);
  const replies = deadlines(timeout);
  const script = (name: string, source: string) => luaScript(send, name, source, replies);
  const acquireScript = script('lock acquire', ACQUIRE);
  const renewScript = script('lock renew', RENEW);
  const completeScript = script('lock complete', COMPLETE);
  const releaseScript = script('lock release', RELEASE);
  const stateScript = script('lock state', STATE);
  const recordScript = script('lock history record', RECORD);
  const historyScript = script('lock history', HISTORY);
  const setPausedScript = script('lock pause', SET_PAUSED);
  const requestScript = script('lock trigger', REQUEST_RUN);
  const statusScript = script('lock status', STATUS);
  const membersScript = script('lock members', MEMBERS);
  const bounds = historyBoundsOf(options);

  const jobKey = (job: string) => `${prefix}{${job}}`;
  const tickKey = (job: string, tick: string) => `${jobKey(job)}:t:${tick}`;
  const jobState = (job: string) => `${jobKey(job)}:state`;
  const running = (job: string) => `${jobKey(job)}:running`;
  const requests = (job: string) => `${jobKey(job)}:requests`;
  const hist = (job: string) => `${jobKey(job)}:hist`;
  const members = (job: string) => `${jobKey(job)}:members`;

  return {
    async acquire(r): Promise<AcquireResult> {
      const reply = (await acquireScript.run(
        [tickKey(r.job, r.tick), jobState(r.job), running(r.job)],
        [
          r.token,
          r.ttlMs,
          r.tickMs,
          r.earlyToleranceMs ?? '',
          r.exclusive ? 1 : 0,
          r.atMostOnce ? 1 : 0,
          r.retentionMs,
          KIND[r.kind],
          r.maxLateMs ?? '',
          takeoverGraceMs(r.ttlMs),
          r.tick,
          r.instanceId ?? '',
        ],
      )) as [number | string, number | string, number | string, number | string];
      const [ok, value, now, extra] = reply;
      if (Number(ok) === 1) {
        return { acquired: true, fence: Number(value), serverTime: Number(now), takeover: Number(extra) === 1 };
      }
      const reason = String(value) as AcquireRefusal;
      if (!REFUSALS.has(reason)) throw new TickworkError('INTERNAL', `Unexpected lock reply ${JSON.stringify(reply)}`);
      if (reason === 'paused') {
        return { acquired: false, reason, serverTime: Number(now), retryInMs: 0, first: Number(extra) === 1 };
      }
      return { acquired: false, reason, serverTime: Number(now), retryInMs: Number(extra) };
    },

    async renew(l) {
      const reply = await renewScript.run(
        [tickKey(l.job, l.tick), running(l.job), jobState(l.job)],
        [l.token, l.ttlMs, takeoverGraceMs(l.ttlMs)],
      );
      return Number(reply) === 1;
    },

    async complete(r) {
      const reply = await completeScript.run(
        [tickKey(r.job, r.tick), jobState(r.job), running(r.job)],
        [r.token, JSON.stringify(r.outcome), r.retentionMs, r.tickMs, r.advanceHighWaterMark ? 1 : 0],
      );
      return Number(reply) === 1;
    },

    async release(l) {
      return (
        Number(await releaseScript.run([tickKey(l.job, l.tick), running(l.job), jobState(l.job)], [l.token])) === 1
      );
    },

    async state(job, tick) {
      const t = tick ?? '';
      const [h, f, c, now, status, detail] = (await stateScript.run(
        [jobState(job), tickKey(job, t)],
        [tick === undefined ? 0 : 1],
      )) as (string | number)[];
      const base = {
        cursor: c ? Number(c) : null,
        highWaterMark: h ? Number(h) : null,
        fence: Number(f ?? 0),
        serverTime: Number(now),
      };
      if (tick === undefined) return base;
      let state: TickState = { status: 'free' };
      if (status === 'done') state = { status: 'done', outcome: JSON.parse(String(detail ?? '{}')) as TickOutcome };
      else if (status === 'leased') state = { status: 'leased', ttlMs: Number(detail) };
      else if (status === 'started' || status === 'claimed') state = { status };
      return { ...base, tick: state };
    },

    async record(job, entry) {
      await recordScript.run([hist(job)], [JSON.stringify(entry), bounds.limit, bounds.maxAgeMs]);
    },

    async history(job, query) {
      const [now, ...entries] = (await historyScript.run([hist(job)], [])) as [number, ...string[]];
      return newestFirst(entries, Number(now) - bounds.maxAgeMs, query.before).slice(0, query.limit);
    },

    async setPaused(job, on) {
      await setPausedScript.run([jobState(job)], [on ? 1 : 0]);
    },

    async requestRun(job, request) {
      await requestScript.run([requests(job)], [JSON.stringify(request), bounds.maxAgeMs]);
    },

    async poll(job) {
      let request: unknown;
      try {
        request = await replies.wrap(send(['LPOP', requests(job)]), 'lock control poll');
      } catch (error) {
        throw translateRedisError(error, 'lock control poll');
      }
      return { request: typeof request === 'string' ? (JSON.parse(request) as ManualRequest) : null };
    },

    async status(job) {
      const [p, queued, now, entries, ...live] = (await statusScript.run(
        [jobState(job), requests(job), hist(job)],
        [],
      )) as [number, number, number, string[], ...string[]];
      const running: LeaseHolder[] = live.map((v) => {
        const bar = v.indexOf('|');
        const lastBar = v.lastIndexOf('|');
        return {
          tick: v.slice(lastBar + 1),
          instanceId: v.slice(bar + 1, lastBar),
          ttlMs: Math.max(0, Number(v.slice(0, bar)) - Number(now)),
        };
      });
      return {
        paused: Number(p) === 1,
        running,
        last: newestFirst(entries, Number(now) - bounds.maxAgeMs)[0] ?? null,
        pendingRequests: Number(queued),
      };
    },

    async members(r) {
      const [now, ...ids] = (await membersScript.run([members(r.job)], [r.instanceId, r.ttlMs])) as [
        number,
        ...string[],
      ];
      return { members: ids.map(String), serverTime: Number(now) };
    },

    prepare: ({ logger, signal }) =>
      checkRedisServer({ send, logger, signal, connectTimeout, commandTimeout: timeout }),
  };
}
