/**
 * Public types of the scheduler: job options, the handler context, events and status.
 *
 * @module
 */
import type { Clock, Logger } from '../types.js';
import type { LockAdapter, RunRecord } from './lock-adapter.js';

/**
 * What a job handler receives. Pass `signal` on to `fetch` and to the database; write with `fence` (or key
 * writes by `tickId`) so a stale run can be refused by the sink.
 */
export interface JobContext {
  /** Job name. */
  name: string;
  /** The scheduled tick: a UTC instant computed by the cron calculator, never the wall time at wake-up. */
  tick: Date;
  /** `<name>@<ISO instant>` (`<name>@manual:<uuid>` for a manual trigger); the same on every instance. */
  tickId: string;
  /** 1 for the first attempt, then 2, 3 … on retries. */
  attempt: number;
  /** Aborts on timeout, on `stop()` after the grace period, and when the lease is lost. */
  signal: AbortSignal;
  /**
   * Fencing token: strictly greater than every fence issued before for this job, also after the lock lost its
   * state. Pass it to every sink that can check it: only a fenced sink is safe against a paused holder.
   */
  fence: number;
  /**
   * Throws a `TickworkError` with code `LEASE_LOST` once the lease may have expired (by a monotonic deadline
   * counted from when the acquisition or the last renewal was sent), even before `signal` had a chance to
   * abort: a process resumed after a pause sees it at once. Call it right before any side effect that its
   * sink cannot fence.
   */
  assertLease(): void;
  /** Milliseconds the lease is certainly still held (0 once it may have expired). */
  leaseRemainingMs(): number;
  /** `true` when this run catches up a tick missed while no instance ran it. */
  catchUp: boolean;
  /** The scheduler's logger, with `job` and `tickId` added to every line. */
  logger: Logger;
}

/** A job handler. Its return value is ignored; a throw (or rejection) is a failed attempt. */
export type JobHandler = (ctx: JobContext) => unknown;

/** Retry policy for one tick (passed to p-retry). Retries stay inside the lease and stop before the next tick. */
export interface RetryOptions {
  /**
   * Retries after the first attempt.
   * @default 0
   */
  readonly retries?: number;
  /**
   * Delay before the first retry, in milliseconds.
   * @default 1000
   */
  readonly minTimeout?: number;
  /**
   * Longest delay between retries, in milliseconds.
   * @default 60000
   */
  readonly maxTimeout?: number;
  /**
   * Exponential factor between delays.
   * @default 2
   */
  readonly factor?: number;
  /**
   * Randomise delays (jitter), so a fleet does not retry in lock step.
   * @default true
   */
  readonly randomize?: boolean;
  /** Return `false` to stop retrying after this error. */
  readonly shouldRetry?: (error: unknown, attempt: number) => boolean;
}

/** Options of `scheduler.add()`. Give exactly one of `cron` and `every`. */
export interface JobOptions {
  /**
   * Unique job name; part of every lock key and tick id. No `{`, `}`, `~` or whitespace. The lock knows a
   * job by its name **and** its schedule (`cron` and `timezone`, or `every`): two definitions of one name with
   * different schedules are two jobs and never split each other's ticks.
   */
  readonly name: string;
  /** A croner pattern (5 or 6 fields; seconds, `L`, `W`, `#` supported), read in `timezone`. */
  readonly cron?: string;
  /** A fixed interval in milliseconds (≥ 10), aligned to the Unix epoch so every instance agrees. */
  readonly every?: number;
  /**
   * IANA time zone of the cron pattern.
   * @default 'UTC'
   */
  readonly timezone?: string;
  /** The handler. */
  readonly run: JobHandler;
  /** Retries inside one tick. */
  readonly retry?: RetryOptions;
  /**
   * Milliseconds after which the run's `signal` aborts with a `TIMEOUT` error.
   * @default 600000 (ten minutes)
   */
  readonly timeout?: number;
  /**
   * Milliseconds a handler gets to settle after its signal aborted (timeout, stop). The lease is held and
   * renewed meanwhile, so no other instance starts the tick; a handler still running after that is
   * **abandoned**: the tick is marked failed (never re-run), the job's slot is freed, `run:abandoned` is
   * emitted and later ticks go on. Its late writes are refused by fenced sinks.
   * @default 10000
   */
  readonly abandonAfter?: number;
  /**
   * Lease time to live in milliseconds; the lease is renewed every third of it while the handler runs.
   * @default 30000
   */
  readonly leaseTtl?: number;
  /**
   * `'skip'`: a tick is skipped while another tick of this job runs anywhere in the fleet; `'allow'`: ticks
   * may run side by side.
   * @default 'skip'
   */
  readonly overlap?: 'skip' | 'allow';
  /**
   * `'latest'`: at start, run the newest tick missed while no instance ran the job; `'all'`: run every missed
   * tick (up to `maxCatchUp`); `'none'`: report them as `tick:missed`.
   * @default 'none'
   */
  readonly catchUp?: 'none' | 'latest' | 'all';
  /**
   * Most ticks one catch-up runs; older ones are reported as missed.
   * @default 100
   */
  readonly maxCatchUp?: number;
  /**
   * `'at-least-once'`: a tick whose holder died is taken over by another instance once the lease expires;
   * `'at-most-once'`: a tick that started is never started again.
   * @default 'at-least-once'
   */
  readonly delivery?: 'at-least-once' | 'at-most-once';
  /**
   * How long a tick's markers (done, claimed) live, in milliseconds: at least `leaseTtl`. Only an
   * optimisation and the window in which a dead holder's tick can still be taken over: the lock's cursor,
   * not this TTL, keeps a finished tick from running again.
   * @default three periods, at least one minute
   */
  readonly doneRetention?: number;
}

/** Options of `createScheduler()`. */
export interface SchedulerOptions {
  /** The shared lock: `memoryLock()` for one process, `redisLock({ client })` for a fleet. */
  readonly lock: LockAdapter;
  /**
   * Where the scheduler reports; pino and `console` fit.
   * @default a silent logger
   */
  readonly logger?: Logger;
  /**
   * Name of this instance in events and logs.
   * @default a random id
   */
  readonly instanceId?: string;
  /**
   * Wall clock for tick math; tests inject one.
   * @default `Date.now()`
   */
  readonly clock?: Clock;
  /**
   * A tick is on time if the scheduler wakes at most this many milliseconds after it; a later tick goes to
   * the job's catch-up policy.
   * @default 2000
   */
  readonly lateness?: number;
  /**
   * Emit `clock:skew` when the local clock and the lock's clock differ by more than this many milliseconds.
   * @default 1000
   */
  readonly maxClockSkew?: number;
  /**
   * Let the process exit while only the scheduler's timers are pending (`timer.unref()`).
   * @default false
   */
  readonly unref?: boolean;
  /**
   * Milliseconds between two reads of each job's fleet control (paused flag, queued manual runs): one lock
   * call per job per interval, by the instances attempting the interval's first tick (with their acquisition),
   * or in an interval without a tick in its middle (with bounded attempts, by the interval's `candidates` only;
   * the others sleep through it). A `trigger()` from any instance starts within about this long.
   * @default 1000
   */
  readonly controlInterval?: number;
  /**
   * Bounded attempts: how many instances attempt each scheduled tick at once, chosen by rendezvous hashing
   * of (instance, job, tick) over the job's live members; as many again check the tick a quarter of
   * `lateness` later (taking it if every candidate died), the rest skip it with reason `delegated`. Needs a
   * lock with membership (`members`: memory, Redis and PostgreSQL locks); with another lock, or `0`, every
   * instance attempts every tick. See docs/scheduler.md, "Fleet size and lock load".
   * @default 2
   */
  readonly candidates?: number;
  /**
   * Milliseconds between two membership heartbeats of each job (bounded attempts only). A member whose
   * heartbeat is three intervals old by the lock's clock is dropped from the ranking.
   * @default 10000
   */
  readonly heartbeatInterval?: number;
}

/** Why a tick did not run here. */
export type SkipReason =
  | 'done'
  | 'started'
  | 'stale'
  | 'held'
  | 'early'
  | 'overlap'
  | 'lock-error'
  | 'paused'
  | 'stopped'
  /** Bounded attempts: other instances are this tick's candidates. */
  | 'delegated';

/** Identifies a tick in events. */
export interface TickEvent {
  /** Job name. */
  name: string;
  /** The scheduled tick. */
  tick: Date;
  /** The tick id. */
  tickId: string;
  /** This scheduler's instance id. */
  instanceId: string;
}

/** Payload of `run:start`. */
export interface RunStartEvent extends TickEvent {
  /** The run's fencing token. */
  fence: number;
  /** Attempt number, from 1. */
  attempt: number;
  /** Whether the run catches up a missed tick. */
  catchUp: boolean;
}

/** Payload of `run:success`. */
export interface RunSuccessEvent extends TickEvent {
  /** The run's fencing token. */
  fence: number;
  /** Attempts it took. */
  attempts: number;
  /** Milliseconds from the first attempt to the end. */
  durationMs: number;
}

/** Payload of `run:failure`. */
export interface RunFailureEvent extends RunSuccessEvent {
  /** The last error (a `TickworkError` with code `TIMEOUT` or `ABORTED` for timeouts, stops and lost leases). */
  error: unknown;
}

/** Payload of `run:abandoned`. */
export interface RunAbandonedEvent extends TickEvent {
  /** The run's fencing token. */
  fence: number;
  /** Milliseconds from the first attempt until it was abandoned. */
  durationMs: number;
  /** Why its signal aborted (a `TickworkError` with code `TIMEOUT` or `ABORTED`). */
  error: unknown;
}

/** Payload of `run:skipped`. */
export interface RunSkippedEvent extends TickEvent {
  /** Why the tick did not run here. */
  reason: SkipReason;
  /** The lock error, for `lock-error`. */
  error?: unknown;
}

/** Payload of `lease:lost`. */
export interface LeaseLostEvent extends TickEvent {
  /** The fence of the run that lost its lease. */
  fence: number;
}

/** Payload of `clock:skew`. */
export interface ClockSkewEvent {
  /** This scheduler's instance id. */
  instanceId: string;
  /** The local clock, UTC milliseconds. */
  localTime: number;
  /** The lock's clock (Redis server time), UTC milliseconds. */
  lockTime: number;
  /** `localTime - lockTime`. */
  skewMs: number;
}

/** Payload of `job:error`. */
export interface JobErrorEvent {
  /** Job name. */
  name: string;
  /** This scheduler's instance id. */
  instanceId: string;
  /** What went wrong. */
  error: unknown;
}

/** Every scheduler event and its payload. */
export interface SchedulerEvents {
  /** An attempt starts. */
  'run:start': RunStartEvent;
  /**
   * The handler succeeded and the tick is marked done, or, when the lock could not be reached to mark it (four
   * tries, logged as an error and published as a lock error), left to expire: another instance may then run it
   * again.
   */
  'run:success': RunSuccessEvent;
  /** The tick failed (retries exhausted, timeout, abort, lease lost). */
  'run:failure': RunFailureEvent;
  /** A handler ignored its aborted signal past `abandonAfter`: the tick is marked failed and the job moves on. */
  'run:abandoned': RunAbandonedEvent;
  /** The tick did not run here. */
  'run:skipped': RunSkippedEvent;
  /** The lease was lost while the handler ran; its signal was aborted. */
  'lease:lost': LeaseLostEvent;
  /** A tick passed while nothing ran it and the catch-up policy does not run it. */
  'tick:missed': TickEvent;
  /** The local clock differs from the lock's clock by more than `maxClockSkew`. */
  'clock:skew': ClockSkewEvent;
  /** A job stopped scheduling because of an error (for example a cron pattern whose next run does not advance). */
  'job:error': JobErrorEvent;
}

/** The last tick that reached an outcome on this instance. */
export interface LastRun {
  /** The tick. */
  tick: Date;
  /** The tick id. */
  tickId: string;
  /** How it ended here. */
  outcome: 'succeeded' | 'failed' | 'abandoned' | `skipped:${SkipReason}` | 'missed';
  /** When it ended, by the scheduler's clock. */
  at: Date;
  /** The error, for failures. */
  error?: unknown;
}

/** A job's schedule as given to `add()`: `{ cron }` or `{ every }`. */
export type JobSchedule =
  | {
      /** The croner pattern. */
      cron: string;
      /** Not set for a cron job. */
      every?: never;
    }
  | {
      /** The interval in milliseconds. */
      every: number;
      /** Not set for an interval job. */
      cron?: never;
    };

/** A tick running somewhere in the fleet, from `scheduler.jobs()`. */
export interface RunningTick {
  /** The instance running it. */
  instanceId: string;
  /** Its tick id. */
  tickId: string;
  /** Milliseconds left on its lease (renewed while it runs). */
  leaseTtlMs: number;
}

/** Status of one job across the fleet, from `scheduler.jobs()`. */
export interface JobStatus {
  /** Job name. */
  name: string;
  /** The lock's name for the job: its name and a hash of its schedule (pass it to `lock.state()`). */
  key: string;
  /** The schedule: a cron pattern or an interval in milliseconds. */
  schedule: JobSchedule;
  /** IANA time zone of the cron pattern (`UTC` for `every`). */
  timezone: string;
  /** Whether the job is paused fleet-wide. */
  paused: boolean;
  /** Ticks of this job running anywhere in the fleet, with the instance that runs each. */
  running: RunningTick[];
  /** Manual runs requested and not yet taken by an instance. */
  pendingTriggers: number;
  /** The next (up to five) ticks. */
  nextRuns: Date[];
  /** The newest entry of the fleet's history of the job, or `null`. */
  lastRun: RunRecord | null;
  /** The last tick that reached an outcome on this instance, or `null`. */
  lastRunHere: LastRun | null;
  /** Set when the job stopped scheduling here because of an error. */
  error?: unknown;
}

/** Options of `scheduler.history()`. */
export interface HistoryOptions {
  /**
   * Most entries returned (1 to 1000).
   * @default 20
   */
  readonly limit?: number;
  /** Only entries that ended before this instant: pass the `endedAt` of the previous page's last entry. */
  readonly before?: Date | number | undefined;
}

/** Options of `scheduler.trigger()`. */
export interface TriggerOptions {
  /**
   * `true`: run it on this instance now and resolve with its outcome once it ended. Otherwise the request is
   * stored in the lock and one instance of the fleet (maybe this one) runs it within `controlInterval`.
   * @default false
   */
  readonly here?: boolean;
}

/** What `scheduler.trigger(name)` resolves with once the request is stored. */
export interface TriggerReceipt {
  /** The manual run's tick id, `<name>@manual:<uuid>`: find it in `history()` once it ran. */
  tickId: string;
}

/** What `scheduler.trigger(name, { here: true })` resolves with once the run ended on this instance. */
export interface ManualRunResult extends TriggerReceipt {
  /** How the run ended (`skipped:overlap` when another tick of the job was running). */
  outcome: LastRun['outcome'];
}
