import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { TickworkError } from '../errors.js';
import { assertInteger } from '../internal/assert.js';
import { silentLogger, systemClock } from '../internal/silent-logger.js';
import { dueTicks } from './catch-up.js';
import { createEmitter, type Listener } from './events.js';
import { toJob } from './job-options.js';
import { manualPlan, scheduledPlan } from './plan.js';
import { runTick, type TickResult } from './run-tick.js';
import { type JobRecord, type Runtime, stoppedError } from './runtime.js';
import { delay, sleepUntil } from './sleep.js';
import { nextTick, tickIdOf } from './ticks.js';
import type { JobOptions, JobStatus, SchedulerEvents, SchedulerOptions } from './types.js';

/** Options of `scheduler.stop()`. */
export interface StopOptions {
  /**
   * Milliseconds to let running handlers finish before their signal aborts.
   * @default 10000
   */
  readonly grace?: number;
}

/** A scheduler: add jobs, start, stop. Every tick of every job runs once across all schedulers sharing the lock. */
export interface Scheduler {
  /** This instance's id. */
  readonly instanceId: string;
  /** Registers a job; if the scheduler runs already, the job starts at once. Returns the scheduler. */
  add(options: JobOptions): Scheduler;
  /** Runs the lock's start-up checks, then the timer loop of every job (catching up missed ticks first). */
  start(): Promise<void>;
  /**
   * Stops new ticks, waits up to `grace` for running handlers, then aborts them and releases their leases
   * (an unfinished tick is never marked done). Resolves when every run has settled.
   */
  stop(options?: StopOptions): Promise<void>;
  /** Runs a job now, outside its schedule, under its own lease (`tickId` `<name>@manual:<uuid>`). */
  trigger(name: string): Promise<TickResult>;
  /** Pauses a job: its ticks are skipped with reason `paused` until `resume`. */
  pause(name: string): void;
  /** Resumes a paused job. */
  resume(name: string): void;
  /** Status of every job: next runs, last run and outcome. */
  jobs(): JobStatus[];
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends keyof SchedulerEvents>(event: E, listener: Listener<E>): () => void;
}

/** An abort controller whose signal may have one listener per running tick without a leak warning. */
function controller(): AbortController {
  const c = new AbortController();
  setMaxListeners(0, c.signal);
  return c;
}

/**
 * Creates a scheduler. croner computes the ticks (time zones, DST, seconds, `L`/`W`/`#`); the lock makes
 * each tick run once across every scheduler that shares it.
 *
 * @example
 * ```ts
 * import { createScheduler } from 'tickwork';
 * import { redisLock } from 'tickwork/redis';
 *
 * const scheduler = createScheduler({ lock: redisLock({ client: redis }), logger: pino() });
 * scheduler.add({
 *   name: 'isin-sync',
 *   cron: '0 6 * * *',
 *   timezone: 'Europe/Berlin',
 *   catchUp: 'latest',
 *   retry: { retries: 5, minTimeout: 30_000 },
 *   run: async ({ signal, fence, tickId }) => sync({ signal, fence, tickId }),
 * });
 * await scheduler.start();
 * process.on('SIGTERM', () => scheduler.stop({ grace: 20_000 }));
 * ```
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  if (typeof options?.lock?.acquire !== 'function') {
    throw new TickworkError('INVALID_OPTION', 'Expected `lock` to be a LockAdapter (memoryLock() or redisLock()).', {
      details: { option: 'lock' },
    });
  }
  const logger = options.logger ?? silentLogger;
  const lateness = options.lateness ?? 2000;
  assertInteger('lateness', lateness, 0);
  const maxClockSkew = options.maxClockSkew ?? 1000;
  assertInteger('maxClockSkew', maxClockSkew, 0);
  const rt: Runtime = {
    lock: options.lock,
    logger,
    clock: options.clock ?? systemClock,
    instanceId: options.instanceId ?? randomUUID().slice(0, 8),
    events: createEmitter(logger),
    lateness,
    maxClockSkew,
    unref: options.unref ?? false,
    stopping: controller(),
    halting: controller(),
    inflight: new Set(),
    lastSkewReport: Number.NEGATIVE_INFINITY,
  };
  const jobs = new Map<string, JobRecord>();
  const loops = new Set<Promise<void>>();
  let running = false;

  const track = <T>(p: Promise<T>): Promise<T> => {
    rt.inflight.add(p);
    void p.finally(() => rt.inflight.delete(p)).catch(() => {});
    return p;
  };

  const tickEvent = (job: JobRecord, ms: number) => ({
    name: job.name,
    tick: new Date(ms),
    tickId: tickIdOf(job.name, ms),
    instanceId: rt.instanceId,
  });

  const missed = (job: JobRecord, ticks: readonly number[], more: boolean) => {
    for (const ms of ticks) {
      rt.events.emit('tick:missed', tickEvent(job, ms));
      job.lastRun = { ...tickEvent(job, ms), outcome: 'missed', at: new Date(rt.clock.now()) };
    }
    if (ticks.length > 0)
      logger.warn({ job: job.name, missed: more ? `>${ticks.length}` : ticks.length }, 'ticks missed');
  };

  // Late ticks are claimed oldest first, so the lock's cursor lets each of them through before a newer tick
  // moves it. With `overlap: 'allow'` they all start at once (their acquisitions go out in order); with
  // `'skip'` they run one after another and an on-time tick due at the same moment queues behind them.
  const runLate = (job: JobRecord, ticks: readonly number[], onTime: number | undefined) => {
    const now = rt.clock.now();
    if (!job.exclusive) {
      for (const ms of ticks) void track(runTick(rt, job, scheduledPlan(job, ms, true, now)));
      if (onTime !== undefined) void track(runTick(rt, job, scheduledPlan(job, onTime, false, now)));
      return;
    }
    void track(
      (async () => {
        for (const ms of ticks) await runTick(rt, job, scheduledPlan(job, ms, true, rt.clock.now()));
        if (onTime !== undefined) await runTick(rt, job, scheduledPlan(job, onTime, true, rt.clock.now()));
      })(),
    );
  };

  const dispatch = async (job: JobRecord, fromMs: number, now: number, lateness: number) => {
    const due = await dueTicks(job, fromMs, now, lateness);
    if (due.newest !== undefined) job.cursor = Math.max(job.cursor, due.newest);
    missed(job, due.missed, due.moreMissed);
    if (due.catchUp.length > 0) runLate(job, due.catchUp, due.onTime);
    else if (due.onTime !== undefined) void track(runTick(rt, job, scheduledPlan(job, due.onTime, false, now)));
  };

  // The lock's cursor (newest tick the fleet claimed) decides what was missed while no instance ran the
  // job; a lock that does not answer yet is asked again, so catch-up is never silently dropped.
  const lockCursor = async (job: JobRecord): Promise<number | null | undefined> => {
    let wait = 100;
    for (;;) {
      try {
        return (await rt.lock.state(job.key)).cursor;
      } catch (error) {
        const level = wait === 100 ? 'warn' : 'debug';
        logger[level]({ job: job.name, err: error }, 'could not read the lock cursor; catch-up waits for the lock');
        if (!(await delay(wait, rt.stopping.signal, rt.unref))) return undefined;
        wait = Math.min(wait * 2, 5000);
      }
    }
  };

  const loop = async (job: JobRecord): Promise<void> => {
    const stop = rt.stopping.signal;
    try {
      const startedAt = rt.clock.now();
      job.cursor = startedAt;
      const cursor = await lockCursor(job);
      if (cursor === undefined) return;
      // Ticks before the start passed while no instance ran them: all of them go to the catch-up policy.
      if (cursor !== null && cursor < startedAt) await dispatch(job, cursor, startedAt, -1);
      job.cursor = Math.max(job.cursor, startedAt);
      while (!stop.aborted) {
        const next = nextTick(job.calc, job.cursor, job.name);
        if (next === null) {
          logger.info({ job: job.name }, 'the pattern has no further ticks; the job is done');
          return;
        }
        if (!(await sleepUntil(rt.clock, next, stop, rt.unref))) return;
        const now = rt.clock.now();
        // The common case, one tick due and on time: `next` is the only tick in (cursor, now] when the tick
        // after it is still ahead, which is what dueTicks would find by walking back; this skips the walk.
        const after = now - next <= rt.lateness ? nextTick(job.calc, next, job.name) : undefined;
        if (after === null || (after !== undefined && after > now)) {
          job.cursor = next;
          void track(runTick(rt, job, scheduledPlan(job, next, false, now, after)));
        } else {
          await dispatch(job, job.cursor, now, rt.lateness);
        }
      }
    } catch (error) {
      job.error = error;
      rt.events.emit('job:error', { name: job.name, instanceId: rt.instanceId, error });
      logger.error({ job: job.name, err: error }, 'job stopped scheduling');
    }
  };

  const startLoop = (job: JobRecord) => {
    const p = loop(job);
    loops.add(p);
    void p.finally(() => loops.delete(p));
  };

  const get = (name: string): JobRecord => {
    const job = jobs.get(name);
    if (!job) throw new TickworkError('NOT_FOUND', `No job named "${name}".`, { details: { name } });
    return job;
  };

  const scheduler: Scheduler = {
    instanceId: rt.instanceId,
    add(jobOptions) {
      const job = toJob(jobOptions);
      if (jobs.has(job.name)) {
        throw new TickworkError('INVALID_OPTION', `A job named "${job.name}" exists already.`, {
          details: { option: 'name' },
        });
      }
      jobs.set(job.name, job);
      if (running) startLoop(job);
      return scheduler;
    },
    async start() {
      if (running) return;
      running = true;
      rt.stopping = controller();
      rt.halting = controller();
      try {
        await rt.lock.prepare?.({ logger, signal: rt.stopping.signal });
      } catch (error) {
        running = false;
        logger.error({ err: error }, 'the lock is not usable; the scheduler did not start');
        throw error;
      }
      for (const job of jobs.values()) startLoop(job);
    },
    async stop(stopOptions = {}) {
      const grace = stopOptions.grace ?? 10_000;
      assertInteger('grace', grace, 0);
      running = false;
      rt.stopping.abort();
      const settled = () => Promise.allSettled([...rt.inflight, ...loops]);
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, grace);
      });
      await Promise.race([settled(), graceOver]);
      clearTimeout(timer);
      rt.halting.abort(stoppedError());
      await settled();
    },
    async trigger(name) {
      const job = get(name);
      return track(runTick(rt, job, manualPlan(job, randomUUID(), rt.clock.now())));
    },
    pause(name) {
      get(name).paused = true;
    },
    resume(name) {
      get(name).paused = false;
    },
    jobs() {
      return [...jobs.values()].map((job) => {
        const nextRuns: Date[] = [];
        try {
          let t = Math.max(job.cursor, rt.clock.now());
          for (let i = 0; i < 5; i++) {
            const n = nextTick(job.calc, t, job.name);
            if (n === null) break;
            nextRuns.push(new Date(n));
            t = n;
          }
        } catch {
          // A job whose next tick does not advance reports its error below, with no next runs.
        }
        const status: JobStatus = {
          name: job.name,
          key: job.key,
          paused: job.paused,
          running: job.active.size,
          nextRuns,
          lastRun: job.lastRun,
        };
        if (job.error !== undefined) status.error = job.error;
        return status;
      });
    },
    on: (event, listener) => rt.events.on(event, listener),
  };
  return scheduler;
}
