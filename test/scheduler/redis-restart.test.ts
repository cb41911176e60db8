/**
 * Redis stopped and started during a run, on a redis-server this test starts itself: the running handler
 * loses its lease and is aborted, ticks during the outage are skipped with `lock-error` (fail closed, never
 * run without a lease), and after the restart (empty server, no cached scripts) the EVALSHA → EVAL fallback
 * brings the job back. Also checks the maxmemory-policy warning. Runs with ioredis and node-redis v5.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { redisLock } from '../../adapters/redis/lock.js';
import type { RedisLikeClient } from '../../adapters/redis/redis-client.js';
import { isTickworkError } from '../../src/errors.js';
import { createScheduler } from '../../src/scheduler/index.js';
import type { Logger } from '../../src/types.js';
import { describeWithRedis } from '../helpers/services.js';
import { record, until } from './helpers.js';
import { ownRedisServer } from './own-redis.js';

const clients: [string, (url: string) => Promise<{ client: RedisLikeClient; close: () => Promise<void> }>][] = [
  [
    'ioredis',
    async (url) => {
      const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
      client.on('error', () => {});
      await until(() => client.status === 'ready', 5000, 'ioredis ready');
      return { client, close: async () => client.disconnect() };
    },
  ],
  [
    'node-redis',
    async (url) => {
      const client = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy: () => 100 } });
      client.on('error', () => {});
      await client.connect();
      return { client, close: async () => void (await client.close()) };
    },
  ],
];

// The test owns this server; the shared server is never touched.
describeWithRedis('Redis stopped and started during a run', () => {
  let server: Awaited<ReturnType<typeof ownRedisServer>>;
  beforeAll(async () => {
    server = await ownRedisServer();
    await server.start();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.each(clients)(
    '%s: fail closed while down, abort on lease loss, recover after restart',
    async (_, connect) => {
      const admin = new Redis(server.url);
      await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
      admin.disconnect();
      const warnings: string[] = [];
      const logger: Logger = { debug() {}, info() {}, warn: (_f, m) => void warnings.push(m), error() {} };
      const { client, close } = await connect(server.url);
      onTestFinished(async () => {
        await s.stop({ grace: 0 });
        await close();
        await server.start();
      });
      const s = createScheduler({ lock: redisLock({ client, commandTimeout: 500 }), logger });
      let aborted: unknown;
      s.add({
        name: 'restart',
        every: 1000,
        leaseTtl: 1500,
        run: ({ signal }) =>
          new Promise<void>((resolve, reject) => {
            const timer = setTimeout(resolve, 3000);
            signal.addEventListener('abort', () => {
              clearTimeout(timer);
              aborted = signal.reason;
              reject(signal.reason);
            });
          }),
      });
      const events = record(s);
      await s.start();
      expect(warnings.some((w) => w.includes('allkeys-lru'))).toBe(true);
      const successes = () => events.filter((e) => e.type === 'run:success').length;
      await until(() => successes() >= 2, 10_000, 'two runs before the outage');

      // Kill Redis while a run holds its lease.
      const startsBefore = events.filter((e) => e.type === 'run:start').length;
      await until(() => events.filter((e) => e.type === 'run:start').length > startsBefore, 5000, 'a run to start');
      await new Promise((r) => setTimeout(r, 100));
      await server.stop();
      const downAt = events.length;
      await until(() => aborted !== undefined, 10_000, 'the running handler to be aborted');
      await new Promise((r) => setTimeout(r, 3000));
      const during = events.slice(downAt);
      await server.start();
      const successesBefore = successes();
      const restartedAt = events.length;
      await until(() => successes() >= successesBefore + 3, 60_000, 'runs after the restart');
      await s.stop({ grace: 5000 });
      const statsClient = new Redis(server.url);
      const stats = await statsClient.info('commandstats');
      statsClient.disconnect();

      expect(isTickworkError(aborted, 'LEASE_LOST')).toBe(true);
      // The restarted server lost every key, the fence counter too: fences still only grow (they derive from
      // the server clock), so a fenced sink keeps accepting the new runs' writes.
      const fences = (list: typeof events) => list.flatMap((e) => (e.type === 'run:start' ? [e.fence] : []));
      const before = fences(events.slice(0, downAt));
      const after = fences(events.slice(restartedAt));
      expect(after.length).toBeGreaterThanOrEqual(3);
      expect(Math.min(...after)).toBeGreaterThan(Math.max(...before));
      // No tick that finished before the restart ran again after it.
      const finishedBefore = new Set(
        events.slice(0, downAt).flatMap((e) => (e.type === 'run:success' ? [e.tickId] : [])),
      );
      expect(events.slice(restartedAt).filter((e) => e.type === 'run:start' && finishedBefore.has(e.tickId))).toEqual(
        [],
      );
      expect(during.some((e) => e.type === 'lease:lost')).toBe(true);
      // Fail closed: nothing starts while Redis is down; the ticks are skipped with a reason.
      expect(during.filter((e) => e.type === 'run:start')).toEqual([]);
      const skipped = during.filter((e) => e.type === 'run:skipped');
      // 'overlap' while the aborted handler was still running here, then 'lock-error' until Redis is back.
      expect(skipped.every((e) => e.type === 'run:skipped' && ['lock-error', 'overlap'].includes(e.reason))).toBe(true);
      const lockErrors = skipped.filter((e) => e.type === 'run:skipped' && e.reason === 'lock-error');
      expect(lockErrors.length).toBeGreaterThanOrEqual(1);
      expect(lockErrors.every((e) => e.type === 'run:skipped' && isTickworkError(e.error, 'UNAVAILABLE'))).toBe(true);
      // The restarted server had no scripts: the adapter fell back to EVAL once per script, then EVALSHA.
      expect(stats).toMatch(/cmdstat_eval:calls=[1-9]/);
      expect(stats).toMatch(/cmdstat_evalsha:calls=[1-9]/);
    },
    150_000,
  );
});
