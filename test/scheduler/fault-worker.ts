/**
 * One scheduler process for the fault tests: a job on the Redis lock that records what it does in a Redis
 * list (`start`, `aborted`, `write`, `refused`, `end` from the handler; `done` once the lock accepted the
 * completion, `lost` once it refused it), one JSON line each. Stops gracefully on SIGTERM.
 * Env: REDIS_URL, PREFIX, JOB, LEASE_TTL, WORK_MS; optional OVERLAP (skip), CATCH_UP (none), DONE_RETENTION,
 * CLOCK_OFFSET (ms added to this process's clock), STOP_SELF (`1`: the first run after a SIGUSR2 stops its own
 * process with SIGSTOP after it started, as a long GC pause or a frozen VM would), EVERY (1000).
 */
import { Redis } from 'ioredis';
import { redisLock } from '../../adapters/redis/lock.js';
import { isTickworkError } from '../../src/errors.js';
import { createScheduler, type JobOptions } from '../../src/scheduler/index.js';
import { requiredEnv as env, exitOnSigterm } from '../helpers/worker-env.js';

const prefix = env('PREFIX');
const client = new Redis(env('REDIS_URL'), { maxRetriesPerRequest: 1 });
const recorder = new Redis(env('REDIS_URL'));
const workMs = Number(env('WORK_MS'));
const offset = Number(env('CLOCK_OFFSET', '0'));
// Armed by SIGUSR2 from the test once every worker is ready, so the frozen run is one the others saw start.
let stopSelf = false;
if (env('STOP_SELF', '0') === '1') {
  process.once('SIGUSR2', () => {
    stopSelf = true;
  });
}

const scheduler = createScheduler({
  lock: redisLock({ client, prefix }),
  instanceId: String(process.pid),
  clock: { now: () => Date.now() + offset },
});
const doneRetention = process.env.DONE_RETENTION;
// The handler's end is not the tick's: only a completion the lock accepts is. A process stalled between the two
// loses its lease and the tick is taken over, as documented; the test tells that apart from a re-run.
const recordOutcome = (phase: 'done' | 'lost') => (ev: { tick: Date; fence: number }) =>
  void recorder.rpush(
    `${prefix}runs`,
    JSON.stringify({ tick: +ev.tick, fence: ev.fence, pid: process.pid, phase, at: Date.now() }),
  );
scheduler.on('run:success', recordOutcome('done'));
scheduler.on('lease:lost', recordOutcome('lost'));
scheduler.add({
  name: env('JOB'),
  every: Number(env('EVERY', '1000')),
  leaseTtl: Number(env('LEASE_TTL')),
  overlap: env('OVERLAP', 'skip') as JobOptions['overlap'],
  catchUp: env('CATCH_UP', 'none') as JobOptions['catchUp'],
  ...(doneRetention === undefined ? {} : { doneRetention: Number(doneRetention) }),
  run: async (ctx) => {
    const record = (phase: string, extra: Record<string, unknown> = {}) =>
      recorder.rpush(
        `${prefix}runs`,
        JSON.stringify({ tick: +ctx.tick, fence: ctx.fence, pid: process.pid, phase, at: Date.now(), ...extra }),
      );
    const freeze = stopSelf;
    stopSelf = false;
    await record('start', { catchUp: ctx.catchUp, freeze });
    if (freeze) {
      // Frozen mid-run. On SIGCONT the check below runs before any timer of this process (the lease's validity
      // timer included), whatever order the machine's load put them in: the write is refused by assertLease(),
      // which reads the monotonic deadline, not by a signal that would come too late.
      process.kill(process.pid, 'SIGSTOP');
    } else {
      try {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, workMs);
          ctx.signal.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(ctx.signal.reason);
          });
        });
      } catch (error) {
        await record('aborted', { code: isTickworkError(error) ? error.code : 'unknown' });
        throw error;
      }
    }
    // The side effect: checked against the lease right before it happens.
    try {
      ctx.assertLease();
    } catch (error) {
      await record('refused', { code: isTickworkError(error) ? error.code : 'unknown' });
      throw error;
    }
    await record('write');
    await record('end');
  },
});

exitOnSigterm(scheduler, 3000, async () => {
  client.disconnect();
  await recorder.quit(); // after the last record is written
});

await scheduler.start();
process.stdout.write('ready\n');
