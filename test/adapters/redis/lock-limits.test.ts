/**
 * The Redis lock at its edges: option refusals, what each operation's error names when the server cannot be
 * reached, a reply the lock does not know, and the shapes of `state`, `status` and `history` that the
 * conformance suite leaves open (no tick asked, a lease's remaining time, entries that ended at one instant).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { redisLock } from '../../../adapters/redis/lock.js';
import type { IoredisLikeClient } from '../../../adapters/redis/redis-client.js';
import { describeWithRedis, randomSuffix } from '../../helpers/services.js';
import { acquireRequest, everyLockCall, historyEntry, type LockCall } from '../../scheduler/helpers.js';
import { deletePrefix, ioredisClient } from './redis-clients.js';

/** A client whose every command fails as a refused connection does. */
const unreachable: IoredisLikeClient = {
  call: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')),
};

const request = (job: string, tick: number) => acquireRequest(job, tick);

describe('redisLock options and refusals', () => {
  it('refuses a prefix that is not a string, and durations that are not positive integers, naming the option', () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ prefix: 5 }, 'prefix', /^Expected `prefix` to be a string$/],
      [{ commandTimeout: 0 }, 'commandTimeout', /^Expected `commandTimeout` to be a positive integer, got 0$/],
      [{ connectTimeout: 1.5 }, 'connectTimeout', /^Expected `connectTimeout` to be a positive integer, got 1.5$/],
    ];
    for (const [options, option, message] of cases) {
      let thrown: unknown;
      try {
        redisLock({ client: unreachable, ...options } as Parameters<typeof redisLock>[0]);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ code: 'INVALID_OPTION', details: { option } });
      expect((thrown as Error).message).toMatch(message);
    }
  });

  it('names the operation in the UNAVAILABLE error of every call when the server cannot be reached', async () => {
    const lock = redisLock({ client: unreachable });
    // Each operation as the lock names it in its errors.
    const names: Record<LockCall, string> = {
      acquire: 'lock acquire',
      renew: 'lock renew',
      complete: 'lock complete',
      release: 'lock release',
      state: 'lock state',
      record: 'lock history record',
      history: 'lock history',
      setPaused: 'lock pause',
      requestRun: 'lock trigger',
      poll: 'lock control poll',
      status: 'lock status',
      members: 'lock members',
    };
    const everyCall = everyLockCall(lock);
    const calls = Object.entries(names).map(([op, what]) => [what, everyCall[op as LockCall]] as const);
    for (const [what, call] of calls) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, what).toMatchObject({ code: 'UNAVAILABLE', message: `Redis ${what} failed`, details: { what } });
      // The driver's text stays in the cause, never in the message.
      expect((error as Error).cause, what).toBeInstanceOf(Error);
    }
  });

  it('names the call that got no answer within commandTimeout', async () => {
    const silent: IoredisLikeClient = { call: () => new Promise(() => {}) };
    await expect(redisLock({ client: silent, commandTimeout: 1 }).poll('j')).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: 'Redis did not answer lock control poll within 1 ms',
      details: { what: 'lock control poll' },
    });
  });

  it('refuses a reply it does not know as INTERNAL rather than reading it as a refusal', async () => {
    const odd: IoredisLikeClient = { call: async () => [0, 'borrowed', 1, 0] };
    await expect(redisLock({ client: odd }).acquire(request('j', 1))).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'Unexpected lock reply [0,"borrowed",1,0]',
    });
  });
});

describeWithRedis('redisLock reads on the server', () => {
  const io = ioredisClient();
  const prefix = `test:tickwork:lock-limits:${randomSuffix()}:`;
  afterAll(async () => {
    await deletePrefix(io, prefix);
    await deletePrefix(io, `tickwork:lock:{limits-default-${prefix}`);
    io.disconnect();
  });

  it('keys everything under `tickwork:lock:` when no prefix is given', async () => {
    const job = `limits-default-${prefix}`;
    const got = await redisLock({ client: io }).acquire(request(job, 1));
    expect(got.acquired).toBe(true);
    expect(await io.exists(`tickwork:lock:{${job}}:t:1`)).toBe(1);
  });

  it('answers state() without a tick with the job state only, and with a tick with that tick too', async () => {
    const lock = redisLock({ client: io, prefix });
    const job = `state-${randomSuffix()}`;
    expect(await lock.state(job)).not.toHaveProperty('tick');
    expect((await lock.state(job, '1')).tick).toEqual({ status: 'free' });
  });

  it('reports a live lease with the time it has left, never more than its ttl', async () => {
    const lock = redisLock({ client: io, prefix });
    const job = `ttl-${randomSuffix()}`;
    expect((await lock.acquire(request(job, 1))).acquired).toBe(true);
    const [holder] = (await lock.status(job)).running;
    expect(holder?.ttlMs).toBeGreaterThan(0);
    expect(holder?.ttlMs).toBeLessThanOrEqual(5000);
  });

  it('lists history entries that ended at one instant newest write first', async () => {
    const lock = redisLock({ client: io, prefix });
    const job = `hist-${randomSuffix()}`;
    const at = Date.now();
    for (const id of ['first', 'second', 'third']) await lock.record(job, historyEntry(id, at));
    expect((await lock.history(job, { limit: 10 })).map((e) => e.id)).toEqual(['third', 'second', 'first']);
  });
});
