/**
 * One scheduler process for the bounded-attempt tests: a per-second job on the Redis lock with short
 * heartbeats. Every acquisition the lock is asked for, every start and every `delegated` skip is pushed to a
 * Redis list as one JSON line (`{ type, tick, pid, job }`), so the test counts attempts rather than timing
 * them. Stops gracefully on SIGTERM. Env: REDIS_URL, PREFIX, CANDIDATES (2), HEARTBEAT (200), EVERY (1000).
 */
import { Redis } from 'ioredis';
import { redisLock } from '../../adapters/redis/lock.js';
import { createScheduler, type LockAdapter } from '../../src/scheduler/index.js';
import { requiredEnv as env, exitOnSigterm } from '../helpers/worker-env.js';

const prefix = env('PREFIX');
const client = new Redis(env('REDIS_URL'), { maxRetriesPerRequest: 1 });
const recorder = new Redis(env('REDIS_URL'));
const note = (type: string, tick: number, job = '') =>
  void recorder.rpush(`${prefix}events`, JSON.stringify({ type, tick, pid: process.pid, job }));

const base = redisLock({ client, prefix });
const lock: LockAdapter = {
  ...base,
  acquire: (request) => {
    if (request.kind === 'scheduled') note('attempt', request.tickMs, request.job);
    return base.acquire(request);
  },
};
const scheduler = createScheduler({
  lock,
  instanceId: String(process.pid),
  candidates: Number(env('CANDIDATES', '2')),
  heartbeatInterval: Number(env('HEARTBEAT', '200')),
  controlInterval: 200,
});
scheduler.on('run:skipped', ({ tick, reason }) => {
  if (reason === 'delegated') note('delegated', +tick);
});
scheduler.add({
  name: 'job',
  every: Number(env('EVERY', '1000')),
  leaseTtl: 2000,
  run: (ctx) => note('start', +ctx.tick),
});

exitOnSigterm(scheduler, 1000, async () => {
  client.disconnect();
  await recorder.quit(); // after the last note is written
});

await scheduler.start();
process.stdout.write('ready\n');
