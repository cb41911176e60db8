import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { TickworkError } from '../errors.js';
import { assertInteger } from '../internal/assert.js';
import { silentLogger } from '../internal/silent-logger.js';
import { systemClock } from '../internal/system-clock.js';
import { publishLockError } from './channels.js';
import { type ControlLoop, controlLoop, leaveMembership } from './control-loop.js';
import { createEmitter, type Listener } from './events.js';
import { jobLoop } from './job-loop.js';
import { toJob } from './job-options.js';
import { jobStatus } from './job-status.js';
import type { RunRecord } from './lock-adapter.js';
import type { BoundedAttempts } from './membership.js';
import { manualPlan } from './plan.js';
import { runTick } from './run-tick.js';
import { type JobRecord, type Runtime, stoppedError } from './runtime.js';
import { delay } from './sleep.js';
import type {
  HistoryOptions,
  JobOptions,
  JobStatus,
  ManualRunResult,
  SchedulerEvents,
  SchedulerOptions,
  TriggerOptions,
  TriggerReceipt,
} from './types.js';

/** Options of `scheduler.stop()`. */
export interface StopOptions {
  /**
   * Milliseconds to let running handlers finish before their signal aborts.
   * @default 10000
   */
  readonly grace?: number;
}

/**
 * A scheduler: add jobs, start, stop. Every tick of every job runs once across all schedulers sharing the
 * lock; pause, resume, manual runs and the run history are shared through the lock by the whole fleet.
 */
export interface Scheduler extends AsyncDisposable {
  /** This instance's id. */
  readonly instanceId: string;
  /** Registers a job; if the scheduler runs already, the job starts at once. Returns the scheduler. */
  add(options: JobOptions): Scheduler;
  /**
   * Takes a job off this scheduler: no new ticks here (a run in progress finishes), and this instance leaves the
   * job's membership. Other instances keep running it; its history and control entries in the lock expire after
   * the lock's `historyMaxAge`.
   */
  remove(name: string): void;
  /** Runs the lock's start-up checks, then the timer loop of every job (catching up missed ticks first). */
  start(): Promise<void>;
  /**
   * Stops new ticks, waits up to `grace` for running handlers, then aborts them and releases their leases
   * (an unfinished tick is never marked done). Resolves when every run has settled, and after at most 2 s more
   * for the last history entries and for leaving each job's membership.
   */
  stop(options?: StopOptions): Promise<void>;
  /**
   * Asks the fleet to run a job once now, outside its schedule, under its own lease and tick id
   * (`<name>@manual:<uuid>`): resolves with the tick id once the request is stored in the lock; one instance
   * (whichever reads it first, within `controlInterval`) runs it. A manual run ignores `pause`.
   */
  trigger(name: string, options?: TriggerOptions & { readonly here?: false }): Promise<TriggerReceipt>;
  /** `{ here: true }`: runs the job on this instance now and resolves with its outcome once it ended. */
  trigger(name: string, options: TriggerOptions & { readonly here: true }): Promise<ManualRunResult>;
  /**
   * Pauses a job fleet-wide: from the lock's next answer on, every instance skips its ticks with reason
   * `paused` (recorded once per tick in the history) until `resume`. Manual runs still run.
   */
  pause(name: string): Promise<void>;
  /** Resumes a job paused fleet-wide. */
  resume(name: string): Promise<void>;
  /** Fleet status of every job of this scheduler: paused, running where, last outcome, next runs, schedule. */
  jobs(): Promise<JobStatus[]>;
  /** The fleet's run history of a job, newest first. */
  history(name: string, options?: HistoryOptions): Promise<RunRecord[]>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends keyof SchedulerEvents>(event: E, listener: Listener<E>): () => void;
}

/** Most entries one `history()` call returns. */
export const MAX_HISTORY_PAGE = 1000;

/** Longest `stop()` waits for the last history writes. */
const HISTORY_FLUSH_MS = 2000;
const neverAborted = new AbortController().signal;

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
    throw new TickworkError('INVALID_OPTION', 'Expected `lock` to be a LockAdapter (memoryLock() or redisLock())', {
      details: { option: 'lock' },
    });
  }
  const logger = options.logger ?? silentLogger;
  const lateness = options.lateness ?? 2000;
  assertInteger('lateness', lateness, 0);
  const maxClockSkew = options.maxClockSkew ?? 1000;
  assertInteger('maxClockSkew', maxClockSkew, 0);
  const controlInterval = options.controlInterval ?? 1000;
  assertInteger('controlInterval', controlInterval, 10);
  const candidates = options.candidates ?? 2;
  assertInteger('candidates', candidates, 0);
  const heartbeatMs = options.heartbeatInterval ?? 10_000;
  assertInteger('heartbeatInterval', heartbeatMs, 10);
  const bounded: BoundedAttempts | null =
    candidates > 0 && typeof options.lock.members === 'function'
      ? {
          candidates,
          heartbeatMs,
          ttlMs: 3 * heartbeatMs,
          skewBoundMs: Math.floor(lateness / 8),
          inSync: false,
          views: new Map(),
        }
      : null;
  const rt: Runtime = {
    lock: options.lock,
    logger,
    clock: options.clock ?? systemClock,
    instanceId: options.instanceId ?? randomUUID().slice(0, 8),
    events: createEmitter(logger),
    lateness,
    maxClockSkew,
    unref: options.unref ?? false,
    bounded,
    controlIntervalMs: controlInterval,
    stopping: controller(),
    halting: controller(),
    inflight: new Set(),
    historyWrites: new Set(),
    historyFailing: false,
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

  const startLoop = (job: JobRecord) => trackLoop(jobLoop(rt, job, track));

  const trackLoop = (p: Promise<void>) => {
    loops.add(p);
    void p.finally(() => loops.delete(p));
  };

  const control: ControlLoop = { rt, jobs: () => jobs.values(), track };

  const get = (name: string): JobRecord => {
    const job = jobs.get(name);
    if (!job) throw new TickworkError('NOT_FOUND', `No job named "${name}"`, { details: { name } });
    return job;
  };

  const scheduler: Scheduler = {
    instanceId: rt.instanceId,
    add(jobOptions) {
      const job = toJob(jobOptions);
      if (jobs.has(job.name)) {
        throw new TickworkError('INVALID_OPTION', `A job named "${job.name}" exists already`, {
          details: { option: 'name' },
        });
      }
      jobs.set(job.name, job);
      if (running) {
        startLoop(job);
        control.wake?.();
      }
      return scheduler;
    },
    remove(name) {
      const job = get(name);
      job.removed.abort();
      jobs.delete(name);
      if (running) void leaveMembership(rt, [job]);
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
      trackLoop(controlLoop(control));
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
      // The last runs' history entries, and leaving the membership now that no heartbeat can follow: waited for,
      // but never longer than a lock call may take.
      const last = [...rt.historyWrites, leaveMembership(rt, jobs.values())];
      await Promise.race([Promise.allSettled(last), delay(HISTORY_FLUSH_MS, neverAborted, true)]);
    },
    [Symbol.asyncDispose]: () => scheduler.stop(),
    async trigger(name: string, triggerOptions?: TriggerOptions) {
      const job = get(name);
      const plan = manualPlan(job, randomUUID(), rt.clock.now(), false);
      if (triggerOptions?.here === true) {
        const outcome = await track(runTick(rt, job, plan));
        return { tickId: plan.id, outcome };
      }
      const id = plan.key.slice('manual-'.length);
      await lockCall(job, 'requestRun', () =>
        rt.lock.requestRun(job.key, { id, requestedBy: rt.instanceId, requestedAt: rt.clock.now() }),
      );
      return { tickId: plan.id };
    },
    async pause(name) {
      const job = get(name);
      await lockCall(job, 'setPaused', () => rt.lock.setPaused(job.key, true));
      job.paused = true;
    },
    async resume(name) {
      const job = get(name);
      await lockCall(job, 'setPaused', () => rt.lock.setPaused(job.key, false));
      job.paused = false;
    },
    jobs: () => Promise.all([...jobs.values()].map((job) => lockCall(job, 'status', () => jobStatus(rt, job)))),
    async history(name, historyOptions = {}) {
      const job = get(name);
      const limit = historyOptions.limit ?? 20;
      assertInteger('limit', limit);
      if (limit > MAX_HISTORY_PAGE) {
        throw new TickworkError(
          'INVALID_OPTION',
          `Expected \`limit\` to be at most ${MAX_HISTORY_PAGE}, got ${limit}`,
          {
            details: { option: 'limit' },
          },
        );
      }
      const before = historyOptions.before === undefined ? undefined : +historyOptions.before;
      if (before !== undefined && !Number.isFinite(before)) {
        throw new TickworkError('INVALID_OPTION', 'Expected `before` to be a valid Date or UTC milliseconds', {
          details: { option: 'before' },
        });
      }
      return lockCall(job, 'history', () =>
        rt.lock.history(job.key, before === undefined ? { limit } : { limit, before }),
      );
    },
    on: (event, listener) => rt.events.on(event, listener),
  } as Scheduler;
  return scheduler;

  /** A lock call made for an operator: a failure is published on `tickwork:lock:error` and thrown. */
  async function lockCall<T>(job: JobRecord, operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      publishLockError(rt.instanceId, job.name, operation, error);
      throw error;
    }
  }
}
