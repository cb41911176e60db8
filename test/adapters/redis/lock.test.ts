/** The Redis lock on the real server, through each supported major of ioredis and node-redis. */

import { lockConformance } from 'tickwork/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisLock } from '../../../adapters/redis/lock.js';
import { isTickworkError } from '../../../src/errors.js';
import { describeWithRedis, randomSuffix } from '../../helpers/services.js';
import { acquireRequest } from '../../scheduler/helpers.js';
import { schedulerScenarios } from '../../scheduler/scenarios.js';
import {
  deletePrefix,
  ioredisClient,
  nodeRedisClient,
  type OpenedRedisClient,
  REDIS_CLIENTS,
} from './redis-clients.js';

const prefix = `test:tickwork:lock:${randomSuffix()}:`;

describeWithRedis('redisLock', () => {
  const io = ioredisClient();
  let node: Awaited<ReturnType<typeof nodeRedisClient>>;
  beforeAll(async () => {
    node = await nodeRedisClient();
  });
  afterAll(async () => {
    await deletePrefix(io, prefix);
    io.disconnect();
    await node.close();
  });

  for (const kind of REDIS_CLIENTS) {
    describe(`conformance with a ${kind.name} client`, () => {
      let opened: OpenedRedisClient | undefined;
      beforeAll(async () => {
        opened = await kind.open();
      });
      afterAll(() => opened?.close());
      lockConformance((bounds) => redisLock({ client: (opened as OpenedRedisClient).client, prefix, ...bounds }));
    });
  }

  describe('scheduler scenarios (ioredis)', () => {
    schedulerScenarios(() => redisLock({ client: io, prefix }));
  });

  it('keeps every key of a job in one hash slot', async () => {
    const lock = redisLock({ client: io, prefix });
    const job = `slot-${randomSuffix()}`;
    const a = await lock.acquire({
      job,
      tick: '1',
      tickMs: 1,
      token: 't',
      ttlMs: 5000,
      earlyToleranceMs: null,
      maxLateMs: null,
      kind: 'scheduled',
      exclusive: true,
      atMostOnce: false,
      retentionMs: 60_000,
    });
    expect(a.acquired).toBe(true);
    const keys = await io.keys(`${prefix}{${job}}*`);
    expect(keys.length).toBeGreaterThanOrEqual(3);
    const slots = new Set(await Promise.all(keys.map((k) => io.call('CLUSTER', 'KEYSLOT', k).catch(() => null))));
    // CLUSTER KEYSLOT works on a standalone server too; if it is disabled, the key names still show the tag.
    if (!slots.has(null)) expect(slots.size).toBe(1);
    expect(keys.every((k) => k.startsWith(`${prefix}{${job}}:`))).toBe(true);
  });

  it('keeps a holder entry only while its lease lives: complete, release and takeover drop theirs', async () => {
    const lock = redisLock({ client: io, prefix });
    const job = `holders-${randomSuffix()}`;
    const holderFields = async () =>
      Object.keys(await io.hgetall(`${prefix}{${job}}:state`))
        .filter((f) => f.startsWith('r:'))
        .sort();
    const request = (tick: number, token: string, ttlMs = 5000) =>
      acquireRequest(job, tick, { token, ttlMs, instanceId: token });
    const won = async (tick: number, token: string, ttlMs?: number) => {
      const r = await lock.acquire(request(tick, token, ttlMs));
      if (!r.acquired) throw new Error(`tick ${tick} refused: ${r.reason}`);
      return r;
    };
    const a = await won(1, 'a');
    await won(2, 'b');
    await won(3, 'dies', 200);
    expect(await holderFields()).toEqual(['r:a', 'r:b', 'r:dies']);
    expect(
      await lock.complete({
        ...request(1, 'a'),
        outcome: { status: 'succeeded', fence: a.fence, at: 1 },
        advanceHighWaterMark: true,
      }),
    ).toBe(true);
    expect(await lock.release(request(2, 'b'))).toBe(true);
    expect(await holderFields()).toEqual(['r:dies']);
    // The holder of tick 3 never comes back: its entry goes with the takeover, whoever reads the status.
    let heir = await lock.acquire(request(3, 'heir'));
    for (const since = Date.now(); !heir.acquired && Date.now() - since < 30_000; ) {
      await new Promise((r) => setTimeout(r, 50));
      heir = await lock.acquire(request(3, 'heir'));
    }
    expect(heir).toMatchObject({ acquired: true, takeover: true });
    expect(await holderFields()).toEqual(['r:heir']);
    expect((await lock.status(job)).running).toEqual([expect.objectContaining({ instanceId: 'heir', tick: '3' })]);
  });

  it('reads the server clock for the early guard', async () => {
    const lock = redisLock({ client: node, prefix });
    const [sec, micro] = (await io.time()) as [number | string, number | string];
    const serverNow = Number(sec) * 1000 + Math.floor(Number(micro) / 1000);
    const r = await lock.acquire({
      job: `time-${randomSuffix()}`,
      tick: 'x',
      tickMs: serverNow + 30_000,
      token: 't',
      ttlMs: 1000,
      earlyToleranceMs: 0,
      maxLateMs: null,
      kind: 'scheduled',
      exclusive: false,
      atMostOnce: false,
      retentionMs: 1000,
    });
    expect(r).toMatchObject({ acquired: false, reason: 'early' });
    expect(Math.abs(r.serverTime - serverNow)).toBeLessThan(2000);
  });

  it('tolerates a server where CONFIG is disabled (renamed command) when checking maxmemory-policy', async () => {
    // The real client, with CONFIG refused the way a server with `rename-command CONFIG ""` answers.
    const client = {
      call: (command: string, ...args: (string | number)[]) =>
        command === 'CONFIG' ? Promise.reject(new Error("ERR unknown command 'CONFIG'")) : io.call(command, ...args),
    };
    const lines: [string, string][] = [];
    const logger = {
      debug: (_f: Record<string, unknown>, m: string) => void lines.push(['debug', m]),
      info: (_f: Record<string, unknown>, m: string) => void lines.push(['info', m]),
      warn: (_f: Record<string, unknown>, m: string) => void lines.push(['warn', m]),
      error: (_f: Record<string, unknown>, m: string) => void lines.push(['error', m]),
    };
    const lock = redisLock({ client, prefix });
    await expect(lock.prepare?.({ logger })).resolves.toBeUndefined();
    expect(lines).toEqual([['info', 'could not read maxmemory-policy; not checked']]);
    expect((await lock.state(`cfg-${randomSuffix()}`)).fence).toBe(0);
  });

  it('refuses a client that is neither ioredis nor node-redis', () => {
    try {
      redisLock({ client: {} as never });
      expect.unreachable();
    } catch (e) {
      expect(isTickworkError(e, 'INVALID_OPTION')).toBe(true);
    }
  });
});
