/**
 * The Redis lock at start-up: it waits (bounded) for a client that is still connecting, so a scheduler
 * started at once never drops its catch-up; it refuses a server too old for its scripts; it gives up on a
 * server that never answers within `connectTimeout`.
 */
import { createServer, type Server } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { redisLock } from '../../../adapters/redis/lock.js';
import { isTickworkError } from '../../../src/errors.js';
import { createScheduler } from '../../../src/scheduler/index.js';
import type { Logger } from '../../../src/types.js';
import { describeWithRedis, REDIS_URL, randomSuffix } from '../../helpers/services.js';
import { record, until } from '../../scheduler/helpers.js';
import { deletePrefix, ioredisClient } from './redis-clients.js';

const prefix = `test:tickwork:lock-start:${randomSuffix()}:`;
const lines = () => {
  const out: [string, string][] = [];
  const logger: Logger = {
    debug: (_f, m) => void out.push(['debug', m]),
    info: (_f, m) => void out.push(['info', m]),
    warn: (_f, m) => void out.push(['warn', m]),
    error: (_f, m) => void out.push(['error', m]),
  };
  return { out, logger };
};

describeWithRedis('redisLock at start-up', () => {
  const admin = ioredisClient();
  afterAll(async () => {
    await deletePrefix(admin, prefix);
    admin.disconnect();
  });

  it('waits for a client that is still connecting; catch-up of a scheduler started at once is not dropped', async () => {
    const name = `connecting-${randomSuffix()}`;
    const first = createScheduler({ lock: redisLock({ client: admin, prefix }) });
    first.add({ name, every: 1000, run: () => {} });
    const firstEvents = record(first);
    await first.start();
    await until(() => firstEvents.some((e) => e.type === 'run:success'), 30_000, 'a first run');
    await first.stop({ grace: 5000 });
    // Every instance is down for a few ticks.
    await new Promise((r) => setTimeout(r, 2500));

    // As the guides build it: no offline queue, and start() called before the client is ready.
    const client = new Redis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    client.on('error', () => {});
    const { out, logger } = lines();
    const second = createScheduler({ lock: redisLock({ client, prefix }), logger });
    const caught: boolean[] = [];
    second.add({ name, every: 1000, catchUp: 'latest', run: ({ catchUp }) => void caught.push(catchUp) });
    expect(client.status).not.toBe('ready');
    await second.start();
    await until(() => caught.includes(true), 30_000, 'the catch-up run');
    await second.stop({ grace: 5000 });
    client.disconnect();
    // The older missed ticks are reported (catch-up 'latest' runs only the newest); nothing else went wrong.
    expect(out.filter(([level, m]) => (level === 'warn' || level === 'error') && m !== 'ticks missed')).toEqual([]);
  });

  it('refuses a server older than Redis 5 with a clear error', async () => {
    const client = {
      call: (command: string, ...args: (string | number)[]) =>
        command === 'INFO' ? Promise.resolve('# Server\r\nredis_version:4.0.9\r\n') : admin.call(command, ...args),
    };
    const { logger } = lines();
    const s = createScheduler({ lock: redisLock({ client, prefix }), logger });
    const error = await s.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isTickworkError(error, 'UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toMatch(/Redis 4\.0\.9 is too old.*Redis 5 or newer/);
  });

  it('gives up on a server that accepts connections but never answers, within connectTimeout', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const silent: Server = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const client = new Redis({ host: '127.0.0.1', port, enableOfflineQueue: true, maxRetriesPerRequest: 1 });
    client.on('error', () => {});
    try {
      const lock = redisLock({ client, prefix, connectTimeout: 800, commandTimeout: 200 });
      const { logger } = lines();
      const error = await lock.prepare?.({ logger }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isTickworkError(error, 'UNAVAILABLE')).toBe(true);
      expect((error as Error).message).toMatch(/did not answer within 800 ms/);
      // Lock calls share one reply timer: each of several calls in flight fails on its own deadline.
      const calls = ['a', 'b', 'c'].map((job) =>
        lock.state(job).then(
          () => undefined,
          (e: unknown) => e,
        ),
      );
      for (const e of await Promise.all(calls)) {
        expect(isTickworkError(e, 'UNAVAILABLE')).toBe(true);
        expect((e as Error).message).toMatch(/did not answer lock state within 200 ms/);
      }
    } finally {
      client.disconnect();
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });
});
