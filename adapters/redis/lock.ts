import { TickworkError } from '../../src/errors.js';
import { assertInteger } from '../../src/internal/assert.js';
import type {
  AcquireRefusal,
  AcquireResult,
  LockAdapter,
  TickOutcome,
  TickState,
} from '../../src/scheduler/lock-adapter.js';
import { ACQUIRE, COMPLETE, RELEASE, RENEW, STATE } from './lock-scripts.js';
import { commandSender, luaScript, type RedisLikeClient, translateRedisError, withTimeout } from './redis-client.js';

/** Options of {@link redisLock}. */
export interface RedisLockOptions {
  /** A connected ioredis or node-redis v5 client. The lock never closes it. */
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
}

const REFUSALS = new Set<AcquireRefusal>(['done', 'started', 'held', 'early', 'overlap']);

/**
 * The Redis {@link LockAdapter}: Lua scripts that check the caller's token, Redis server time (`TIME`) for
 * the early guard, keys of one job under one `{job}` hash tag (Redis Cluster safe), done markers with a
 * TTL, and `EVALSHA` with an `EVAL` fallback on `NOSCRIPT`. Any ioredis or node-redis v5 client fits.
 * When Redis cannot be reached, calls fail with `UNAVAILABLE` and the scheduler skips the tick (fail closed).
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
    throw new TickworkError('INVALID_OPTION', 'Expected `prefix` to be a string.', { details: { option: 'prefix' } });
  }
  const timeout = options.commandTimeout ?? 2000;
  assertInteger('commandTimeout', timeout);
  const script = (name: string, source: string) => luaScript(send, name, source, timeout);
  const acquireScript = script('lock acquire', ACQUIRE);
  const renewScript = script('lock renew', RENEW);
  const completeScript = script('lock complete', COMPLETE);
  const releaseScript = script('lock release', RELEASE);
  const stateScript = script('lock state', STATE);

  const jobKey = (job: string) => `${prefix}{${job}}`;
  const tickKeys = (job: string, tick: string) => ({
    lease: `${jobKey(job)}:t:${tick}:lease`,
    done: `${jobKey(job)}:t:${tick}:done`,
  });
  const running = (job: string) => `${jobKey(job)}:running`;
  const fence = (job: string) => `${jobKey(job)}:fence`;
  const hwm = (job: string) => `${jobKey(job)}:hwm`;

  return {
    async acquire(r): Promise<AcquireResult> {
      const k = tickKeys(r.job, r.tick);
      const reply = (await acquireScript.run(
        [k.lease, k.done, fence(r.job), running(r.job)],
        [
          r.token,
          r.ttlMs,
          r.tickMs,
          r.earlyToleranceMs === null ? '' : r.earlyToleranceMs,
          r.exclusive ? 1 : 0,
          r.atMostOnce ? 1 : 0,
          r.retentionMs,
        ],
      )) as [number | string, number | string, number | string, number | string];
      const [ok, value, now, retryIn] = reply;
      if (Number(ok) === 1) return { acquired: true, fence: Number(value), serverTime: Number(now) };
      const reason = String(value) as AcquireRefusal;
      if (!REFUSALS.has(reason)) throw new TickworkError('INTERNAL', `Unexpected lock reply ${JSON.stringify(reply)}.`);
      return { acquired: false, reason, serverTime: Number(now), retryInMs: Number(retryIn) };
    },

    async renew(lease) {
      const k = tickKeys(lease.job, lease.tick);
      return Number(await renewScript.run([k.lease, running(lease.job)], [lease.token, lease.ttlMs])) === 1;
    },

    async complete(r) {
      const k = tickKeys(r.job, r.tick);
      const reply = await completeScript.run(
        [k.lease, k.done, hwm(r.job), running(r.job)],
        [r.token, JSON.stringify(r.outcome), r.retentionMs, r.tickMs, r.advanceHighWaterMark ? 1 : 0],
      );
      return Number(reply) === 1;
    },

    async release(lease) {
      const k = tickKeys(lease.job, lease.tick);
      return Number(await releaseScript.run([k.lease, running(lease.job)], [lease.token])) === 1;
    },

    async state(job, tick) {
      const k = tickKeys(job, tick ?? '');
      const [h, f, status, detail] = (await stateScript.run(
        [hwm(job), fence(job), k.lease, k.done],
        [tick === undefined ? 0 : 1],
      )) as string[];
      const base = { highWaterMark: h ? Number(h) : null, fence: Number(f ?? 0) };
      if (tick === undefined) return base;
      let state: TickState = { status: 'free' };
      if (status === 'done') state = { status: 'done', outcome: JSON.parse(detail ?? '{}') as TickOutcome };
      else if (status === 'leased') state = { status: 'leased', ttlMs: Number(detail) };
      else if (status === 'started') state = { status: 'started' };
      return { ...base, tick: state };
    },

    async prepare({ logger }) {
      // Lease keys and done markers carry TTLs: volatile-* and allkeys-* policies evict them first.
      let policy: string | undefined;
      try {
        const reply = (await withTimeout(send(['CONFIG', 'GET', 'maxmemory-policy']), timeout, 'CONFIG GET')) as
          | string[]
          | Record<string, string>;
        policy = Array.isArray(reply) ? reply[1] : reply['maxmemory-policy'];
      } catch (error) {
        logger.info({ err: translateRedisError(error, 'CONFIG GET') }, 'could not read maxmemory-policy; not checked');
        return;
      }
      if (policy !== undefined && policy !== 'noeviction') {
        logger.warn(
          { maxmemoryPolicy: policy },
          `Redis maxmemory-policy is "${policy}": under memory pressure it can evict lock keys and done markers, so a tick could run twice. Use "noeviction".`,
        );
      }
    },
  };
}
