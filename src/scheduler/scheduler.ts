import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { TickworkError } from '../errors.js';
import { assertFunction, assertInteger, assertNonEmptyString, assertOneOf } from '../internal/assert.js';
import { silentLogger, systemClock } from '../internal/silent-logger.js';
import { createEmitter, type Listener } from './events.js';
import { runTick, type TickPlan, type TickResult } from './run-tick.js';
import { type JobRecord, type Runtime, stoppedError } from './runtime.js';
import { sleepUntil } from './sleep.js';
import { cronTicks, everyTicks, nextTick, tickIdOf, ticksBetween } from './ticks.js';
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

const NAME = /^[^\s{}]+$/;

/** An abort controller whose signal may have one listener per running tick without a leak warning. */
function controller(): AbortController {
  const c = new AbortController();
  setMaxListeners(0, c.signal);
  return c;
}
const MISSED_EVENTS_CAP = 1000;

const knownZones = new Set<string>(['UTC']);

function checkTimezone(timezone: string): void {
  if (knownZones.has(timezone)) return;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch (cause) {
    throw new TickworkError('INVALID_OPTION', `Expected \`timezone\` to be an IANA time zone, got "${timezone}".`, {
      cause,
      details: { option: 'timezone' },
    });
  }
  knownZones.add(timezone);
}

function toJob(o: JobOptions): JobRecord {
  assertNonEmptyString('name', o.name);
  if (!NAME.test(o.name)) {
    throw new TickworkError('INVALID_OPTION', `Expected \`name\` without whitespace or braces, got "${o.name}".`, {
      details: { option: 'name' },
    });
  }
  if ((o.cron === undefined) === (o.every === undefined)) {
    throw new TickworkError('INVALID_OPTION', `Job "${o.name}" needs exactly one of \`cron\` and \`every\`.`, {
      details: { option: 'cron' },
    });
  }
  assertFunction('run', o.run);
  const timezone = o.timezone ?? 'UTC';
  checkTimezone(timezone);
  let calc: JobRecord['calc'];
  if (o.every !== undefined) {
    assertInteger('every', o.every, 10);
    calc = everyTicks(o.every);
  } else {
    assertNonEmptyString('cron', o.cron);
    calc = cronTicks(o.cron, timezone);
  }
  const r = o.retry ?? {};
  const retry = {
    retries: r.retries ?? 0,
    minTimeout: r.minTimeout ?? 1000,
    maxTimeout: r.maxTimeout ?? 60_000,
    factor: r.factor ?? 2,
    randomize: r.randomize ?? true,
    shouldRetry: r.shouldRetry,
  };
  assertInteger('retry.retries', retry.retries, 0);
  assertInteger('retry.minTimeout', retry.minTimeout, 0);
  assertInteger('retry.maxTimeout', retry.maxTimeout, 0);
  if (o.timeout !== undefined) assertInteger('timeout', o.timeout);
  const leaseTtl = o.leaseTtl ?? 30_000;
  assertInteger('leaseTtl', leaseTtl, 30);
  assertOneOf('overlap', o.overlap ?? 'skip', ['skip', 'allow']);
  assertOneOf('catchUp', o.catchUp ?? 'none', ['none', 'latest', 'all']);
  assertOneOf('delivery', o.delivery ?? 'at-least-once', ['at-least-once', 'at-most-once']);
  const maxCatchUp = o.maxCatchUp ?? 100;
  assertInteger('maxCatchUp', maxCatchUp);
  if (o.doneRetention !== undefined) assertInteger('doneRetention', o.doneRetention);
  return {
    name: o.name,
    calc,
    run: o.run,
    retry,
    timeout: o.timeout,
    leaseTtl,
    exclusive: (o.overlap ?? 'skip') === 'skip',
    catchUp: o.catchUp ?? 'none',
    maxCatchUp,
    atMostOnce: o.delivery === 'at-most-once',
    doneRetention: o.doneRetention,
    paused: false,
    active: new Set(),
    lastRun: null,
    cursor: 0,
  };
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

  const missed = (job: JobRecord, ticks: readonly number[], total: number) => {
    for (const ms of ticks.slice(-MISSED_EVENTS_CAP)) {
      rt.events.emit('tick:missed', tickEvent(job, ms));
      job.lastRun = { ...tickEvent(job, ms), outcome: 'missed', at: new Date(rt.clock.now()) };
    }
    if (total > 0) logger.warn({ job: job.name, missed: total }, 'ticks missed');
  };

  const plan = (job: JobRecord, ms: number, catchUp: boolean, now: number): TickPlan => {
    const after = nextTick(job.calc, ms, job.name);
    const period = after === null ? 60_000 : after - ms;
    const deadline = catchUp ? (nextTick(job.calc, now, job.name) ?? now + period) : (after ?? ms + period);
    return { ms, key: String(ms), id: tickIdOf(job.name, ms), catchUp, manual: false, deadline, period };
  };

  // Catch-up runs go one after another, so `overlap: 'skip'` does not skip them against each other.
  const catchUpChain = (job: JobRecord, ticks: readonly number[]) => {
    if (ticks.length === 0) return;
    void track(
      (async () => {
        for (const ms of ticks) await runTick(rt, job, plan(job, ms, true, rt.clock.now()));
      })(),
    );
  };

  const loop = async (job: JobRecord): Promise<void> => {
    const stop = rt.stopping.signal;
    const startedAt = rt.clock.now();
    job.cursor = startedAt;
    try {
      const { highWaterMark } = await rt.lock.state(job.name);
      if (highWaterMark !== null && highWaterMark < startedAt) {
        const keep = job.catchUp === 'all' ? job.maxCatchUp : job.catchUp === 'latest' ? 1 : 0;
        const due = ticksBetween(job.calc, highWaterMark, startedAt, job.name, keep);
        missed(job, due.dropped, due.droppedTotal);
        catchUpChain(job, due.ticks);
      }
    } catch (error) {
      logger.warn({ job: job.name, err: error }, 'could not read the high-water mark; no catch-up this start');
    }
    while (!stop.aborted) {
      try {
        const next = nextTick(job.calc, job.cursor, job.name);
        if (next === null) {
          logger.info({ job: job.name }, 'the pattern has no further ticks; the job is done');
          return;
        }
        if (!(await sleepUntil(rt.clock, next, stop, rt.unref))) return;
        const now = rt.clock.now();
        const due = ticksBetween(job.calc, job.cursor, now, job.name, job.maxCatchUp + 1);
        const newest = due.ticks.at(-1);
        if (newest === undefined) continue;
        job.cursor = newest;
        const onTime = now - newest <= rt.lateness ? newest : undefined;
        const late = onTime === undefined ? due.ticks : due.ticks.slice(0, -1);
        let run: number[] = [];
        if (job.catchUp === 'all') run = late;
        else if (job.catchUp === 'latest' && onTime === undefined) run = late.slice(-1);
        const skipped = late.slice(0, late.length - run.length);
        missed(job, [...due.dropped, ...skipped], due.droppedTotal + skipped.length);
        catchUpChain(job, run);
        if (onTime !== undefined) void track(runTick(rt, job, plan(job, onTime, false, now)));
      } catch (error) {
        job.error = error;
        rt.events.emit('job:error', { name: job.name, instanceId: rt.instanceId, error });
        logger.error({ job: job.name, err: error }, 'job stopped scheduling');
        return;
      }
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
        await rt.lock.prepare?.({ logger });
      } catch (error) {
        logger.warn({ err: error }, 'lock start-up check failed');
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
      const now = rt.clock.now();
      const id = randomUUID();
      const next = nextTick(job.calc, now, job.name);
      const period = next === null ? 60_000 : next - now;
      return track(
        runTick(rt, job, {
          ms: now,
          key: `manual-${id}`,
          id: `${job.name}@manual:${id}`,
          catchUp: false,
          manual: true,
          deadline: next ?? now + period,
          period,
        }),
      );
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
