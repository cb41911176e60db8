/**
 * One scheduler process for the real-process test: an every-second job on the Redis lock that records each
 * start and end in a Redis list. Stops gracefully on SIGTERM. Env: REDIS_URL, PREFIX, JOB, LEASE_TTL, WORK_MS.
 */
import { Redis } from 'ioredis';
import { redisLock } from '../../adapters/redis/lock.js';
import { createScheduler } from '../../src/scheduler/index.js';
import { requiredEnv as env, exitOnSigterm } from '../helpers/worker-env.js';
import { serveControl } from './worker-control.js';

const prefix = env('PREFIX');
const client = new Redis(env('REDIS_URL'), { maxRetriesPerRequest: 1 });
const recorder = new Redis(env('REDIS_URL'));
const workMs = Number(env('WORK_MS'));

const scheduler = createScheduler({ lock: redisLock({ client, prefix }), instanceId: String(process.pid) });
scheduler.add({
  name: env('JOB'),
  every: 1000,
  leaseTtl: Number(env('LEASE_TTL')),
  overlap: 'allow',
  run: async ({ tick, fence, signal }) => {
    const record = (phase: string) =>
      recorder.rpush(`${prefix}runs`, JSON.stringify({ tick: +tick, fence, pid: process.pid, phase, at: Date.now() }));
    await record('start');
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, workMs);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason);
      });
    });
    await record('end');
  },
});

exitOnSigterm(scheduler, 3000, async () => {
  client.disconnect();
  await recorder.quit(); // after the last record is written
});

serveControl(scheduler, env('JOB'));
await scheduler.start();
process.stdout.write('ready\n');
