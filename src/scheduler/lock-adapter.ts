/**
 * The `LockAdapter` port: the shared state that lets many scheduler instances agree on who runs a tick.
 *
 * Per job the lock keeps a **cursor** (the newest scheduled tick ever claimed) and a **fence** counter; per
 * tick a lease and a short-lived marker. Acquisition checks and moves the cursor in the same atomic step as
 * the lease, judged on the lock server's own clock, so a late, skewed or frozen instance can never claim an
 * instant the fleet has already passed. Markers only save work: correctness never depends on their TTL.
 * Every later call is keyed by job and tick and checked against the caller's token.
 *
 * @module
 */
import { assertInteger } from '../internal/assert.js';
import type { Logger } from '../types.js';

/** Why an acquisition was refused. */
export type AcquireRefusal =
  /** The tick already finished (its done marker still exists). */
  | 'done'
  /** An at-most-once tick was started before and must never run again. */
  | 'started'
  /**
   * The fleet has moved past this tick: a newer tick was claimed (the cursor is at or past it), or the tick is
   * older than the request's lateness allows by the lock's clock.
   */
  | 'stale'
  /** Another holder has a live lease on this tick. */
  | 'held'
  /** The tick is still in the future by the lock's own clock (Redis server time for Redis). */
  | 'early'
  /** `overlap: 'skip'`: another tick of the same job is still running somewhere. */
  | 'overlap'
  /**
   * The job is paused fleet-wide ({@link LockAdapter.setPaused}); scheduled and catch-up ticks only, a manual
   * run is never refused for it. A paused tick that was never claimed moves the cursor: the fleet has handled it.
   */
  | 'paused';

/** What the scheduler asks for when it wants to run a tick. */
export interface AcquireRequest {
  /** Job key: the job's name, or its name and schedule (see `JobOptions.name`). */
  readonly job: string;
  /** Tick key: the tick's UTC milliseconds as a string, or `manual-<uuid>` for a manual trigger. */
  readonly tick: string;
  /** The tick instant in UTC milliseconds. */
  readonly tickMs: number;
  /** A random token that identifies this holder; every later call must present it. */
  readonly token: string;
  /** Lease time to live in milliseconds. */
  readonly ttlMs: number;
  /** How far in the future a tick may be and still be taken; `null` disables the early guard. */
  readonly earlyToleranceMs: number | null;
  /**
   * How far in the past (by the lock's clock) a tick that was never claimed may be and still be claimed;
   * `null` for catch-up ticks and manual runs. Takeovers of a claimed tick are not limited by it.
   */
  readonly maxLateMs: number | null;
  /**
   * `'scheduled'`: judged against the cursor and moves it; `'catch-up'`: the same, and refused as `stale` when
   * the lock has no cursor (it lost its state: nothing says the tick was not run); `'manual'`: its own key,
   * never judged against the cursor, never moves it.
   */
  readonly kind: 'scheduled' | 'catch-up' | 'manual';
  /** Take the job-level running lease too, refusing with `overlap` while another tick of the job runs. */
  readonly exclusive: boolean;
  /** `at-most-once`: a claimed tick can never be taken over. */
  readonly atMostOnce: boolean;
  /** How long per-tick markers live, in milliseconds (an optimisation; the cursor decides correctness). */
  readonly retentionMs: number;
  /** The acquiring scheduler's instance id, kept beside the lease so `status()` can say who runs what. */
  readonly instanceId?: string;
}

/** The answer to {@link LockAdapter.acquire}. */
export type AcquireResult =
  | {
      /** The lease is ours. */
      readonly acquired: true;
      /**
       * Fencing token: strictly greater than every fence issued before for this job, also after the lock
       * server lost its state (fences are derived from its clock: `max(last + 1, serverTime × 1000)`).
       */
      readonly fence: number;
      /** The lock's wall clock at acquisition, in UTC milliseconds. */
      readonly serverTime: number;
      /** `true` when this takes over a tick whose earlier holder's lease expired. */
      readonly takeover: boolean;
    }
  | {
      /** The lease is not ours. */
      readonly acquired: false;
      /** Why. */
      readonly reason: AcquireRefusal;
      /** The lock's wall clock at the attempt, in UTC milliseconds. */
      readonly serverTime: number;
      /** For `held`, `overlap` and `early`: milliseconds until the blocker is gone unless renewed. */
      readonly retryInMs: number;
      /**
       * For `paused`: `true` for the one caller whose refusal moved the cursor past the tick, so exactly one
       * instance of the fleet records the skip in the history.
       */
      readonly first?: boolean;
    };

/** Identifies a lease held by a token. */
export interface LeaseRef {
  /** Job key. */
  readonly job: string;
  /** Tick key, as given to {@link LockAdapter.acquire}. */
  readonly tick: string;
  /** The holder's token. */
  readonly token: string;
}

/** How a finished tick ended, stored in its done marker. */
export interface TickOutcome {
  /** Final status; `abandoned` is a run whose handler ignored its abort past timeout and grace. */
  readonly status: 'succeeded' | 'failed' | 'abandoned';
  /** The fence of the run that finished it. */
  readonly fence: number;
  /** When it finished, in UTC milliseconds of the finishing instance. */
  readonly at: number;
}

/** Arguments of {@link LockAdapter.complete}. */
export interface CompleteRequest extends LeaseRef {
  /** The tick instant, in UTC milliseconds (advances the high-water mark). */
  readonly tickMs: number;
  /** How the run ended. */
  readonly outcome: TickOutcome;
  /** How long the done marker lives, in milliseconds. */
  readonly retentionMs: number;
  /** Whether this tick may advance the high-water mark (manual runs do not). */
  readonly advanceHighWaterMark: boolean;
}

/** What {@link LockAdapter.state} reports about one tick. */
export type TickState =
  | {
      /** Nobody holds it and no marker is kept for it. */
      readonly status: 'free';
    }
  | {
      /** A live lease exists. */
      readonly status: 'leased';
      /** Milliseconds left on the lease. */
      readonly ttlMs: number;
    }
  | {
      /** Claimed, not finished, no live lease: an at-least-once tick may be taken over. */
      readonly status: 'claimed';
    }
  | {
      /** An at-most-once tick was started and never finished. */
      readonly status: 'started';
    }
  | {
      /** The tick finished. */
      readonly status: 'done';
      /** How it ended. */
      readonly outcome: TickOutcome;
    };

/** What {@link LockAdapter.state} reports about a job. */
export interface JobLockState {
  /** The newest scheduled tick ever claimed, in UTC milliseconds, or `null` if none (or the state was lost). */
  readonly cursor: number | null;
  /** The newest completed scheduled tick, in UTC milliseconds, or `null` if none ever completed. */
  readonly highWaterMark: number | null;
  /** The last fence issued for the job (0 if none). */
  readonly fence: number;
  /** The lock's wall clock, in UTC milliseconds. */
  readonly serverTime: number;
  /** The state of the tick asked for, if one was. */
  readonly tick?: TickState;
}

/** How a run recorded in the history ended. */
export type RunOutcome = 'succeeded' | 'failed' | 'skipped' | 'abandoned' | 'missed';

/**
 * One entry of a job's run history, kept by the lock so the whole fleet shares it. Times are UTC
 * milliseconds by the recording instance's clock. Skips are recorded only when the whole fleet skipped the
 * tick (`paused`, once per tick); per-instance skips (`held`, `done`, `overlap`…) are events and metrics only.
 */
export interface RunRecord {
  /** Unique per job: the run's lease token, or `<tickId>:<outcome>` for a skip or a missed tick (deduplicated). */
  readonly id: string;
  /** Job name. */
  readonly job: string;
  /** The scheduled tick (for a manual run, when it was started). */
  readonly tickAt: number;
  /** The tick id (`<name>@<ISO instant>` or `<name>@manual:<uuid>`). */
  readonly tickId: string;
  /** The instance that ran (or skipped, or missed) it. */
  readonly instanceId: string;
  /** When the first attempt started; `null` when nothing ran (`skipped`, `missed`). */
  readonly startedAt: number | null;
  /** When it ended (for a skip or a miss: when that was decided). Orders the history. */
  readonly endedAt: number;
  /** How it ended. */
  readonly outcome: RunOutcome;
  /** For `skipped`: why. */
  readonly reason?: string;
  /** Attempts made (0 when nothing ran). */
  readonly attempts: number;
  /** The run's fence; `null` when nothing ran. */
  readonly fence: number | null;
  /** `true` for a catch-up run. */
  readonly catchUp: boolean;
  /** `true` for a manual run (`trigger`). */
  readonly manual: boolean;
  /** The error's code, for failed and abandoned runs (a `TickworkError` code or the driver's `code`). */
  readonly errorCode?: string;
  /** The error's message, cut to 300 characters. */
  readonly errorMessage?: string;
}

/** Longest error message kept in a {@link RunRecord}. */
export const HISTORY_MESSAGE_MAX = 300;

/** Which history entries {@link LockAdapter.history} returns. */
export interface HistoryQuery {
  /** Most entries returned, newest first. */
  readonly limit: number;
  /** Only entries that ended strictly before this instant (UTC milliseconds): the `endedAt` of the last page's last entry. */
  readonly before?: number;
}

/** Bounds of the run history, options of every lock adapter. */
export interface HistoryBounds {
  /**
   * Entries kept per job; older ones are dropped as new ones are recorded.
   * @default 100
   */
  readonly historyLimit?: number;
  /**
   * Milliseconds an entry is kept; the job's history and control keys expire this long after their last write.
   * @default 604800000 (seven days)
   */
  readonly historyMaxAge?: number;
}

/** A request for a manual run, stored until one instance of the fleet takes it. */
export interface ManualRequest {
  /** The run's id: its tick id is `<name>@manual:<id>`. */
  readonly id: string;
  /** The instance that asked for it. */
  readonly requestedBy: string;
  /** When it was asked for, UTC milliseconds. */
  readonly requestedAt: number;
}

/** What {@link LockAdapter.poll} answers: one read per job per poll. */
export interface ControlPoll {
  /**
   * Whether the job is paused fleet-wide, when the adapter reads it at no extra cost (the scheduler does not
   * need it: `acquire` refuses paused ticks itself, and `status()` reports the flag).
   */
  readonly paused?: boolean;
  /** A manual run request taken for this caller alone (removed from the queue), or `null`. */
  readonly request: ManualRequest | null;
}

/** A heartbeat of one instance for one job, from {@link LockAdapter.members}. */
export interface MembershipRequest {
  /** Job key: membership is per job, so an instance that does not run the job is never its candidate. */
  readonly job: string;
  /** The instance's id. */
  readonly instanceId: string;
  /** How long the heartbeat keeps the instance a member, in milliseconds of the lock's clock. */
  readonly ttlMs: number;
}

/** The live members of a job, from {@link LockAdapter.members}. */
export interface MemberView {
  /** Instance ids whose last heartbeat is younger than its TTL by the lock's clock (the caller included). */
  readonly members: readonly string[];
  /** The lock's wall clock, in UTC milliseconds. */
  readonly serverTime: number;
}

/** A live lease, as {@link LockAdapter.status} reports it. */
export interface LeaseHolder {
  /** Tick key (UTC milliseconds as a string, or `manual-<uuid>`). */
  readonly tick: string;
  /** The holder's instance id (`''` when the acquirer did not give one). */
  readonly instanceId: string;
  /** Milliseconds left on the lease. */
  readonly ttlMs: number;
}

/** The fleet's view of one job, from {@link LockAdapter.status}. */
export interface FleetJobState {
  /** Whether the job is paused fleet-wide. */
  readonly paused: boolean;
  /** Live leases of the job, across the fleet. */
  readonly running: readonly LeaseHolder[];
  /** The newest history entry, or `null`. */
  readonly last: RunRecord | null;
  /** Manual run requests not yet taken. */
  readonly pendingRequests: number;
}

/**
 * Shared lock state for a fleet of schedulers. Adapters: `memoryLock()` (`tickwork/memory`),
 * `redisLock({ client })` (`tickwork/redis`) and `postgresLock({ db })` (`tickwork/postgres`). All pass the
 * same conformance suite.
 */
export interface LockAdapter {
  /**
   * In one atomic step, on the lock's clock: refuse if the tick is done (or started, at most once); refuse
   * if early; refuse if held; refuse as `stale` if the cursor is at or past a tick that was never claimed
   * (or the tick is older than `maxLateMs`); refuse with `overlap` when `exclusive` and another tick of the
   * job runs; else take the lease, move the cursor, issue the next fence.
   */
  acquire(request: AcquireRequest): Promise<AcquireResult>;
  /** Extends the lease (and the running lease) to `ttlMs` if the token still holds it; `false` if lost. */
  renew(lease: LeaseRef & { readonly ttlMs: number }): Promise<boolean>;
  /** Turns the lease into a done marker and advances the high-water mark; `false` if the lease was lost. */
  complete(request: CompleteRequest): Promise<boolean>;
  /** Drops the lease without marking the tick done, so another instance may take it over; `false` if lost. */
  release(lease: LeaseRef): Promise<boolean>;
  /** Reads the job's cursor, high-water mark and fence, and optionally one tick's state. */
  state(job: string, tick?: string): Promise<JobLockState>;
  /**
   * Called once by `scheduler.start()` before anything else: waits (bounded, abortable) until the backend
   * answers and checks it (a server version, an eviction policy), reporting through the logger. Throws a
   * `TickworkError` when the backend cannot be used at all.
   */
  prepare?(context: { readonly logger: Logger; readonly signal?: AbortSignal }): Promise<void>;
  /**
   * Adds one entry to the job's history and trims it to the adapter's bounds (count and age). An entry whose
   * `id` is already recorded is ignored, so a skip or a miss seen by several instances is kept once.
   */
  record(job: string, entry: RunRecord): Promise<void>;
  /** The job's history, newest first (by `endedAt`). */
  history(job: string, query: HistoryQuery): Promise<RunRecord[]>;
  /** Pauses (`true`) or resumes (`false`) the job fleet-wide: `acquire` refuses its scheduled ticks with `paused`. */
  setPaused(job: string, paused: boolean): Promise<void>;
  /** Queues a manual run request for one instance of the fleet to take through {@link LockAdapter.poll}. */
  requestRun(job: string, request: ManualRequest): Promise<void>;
  /** One round trip: the paused flag, and the oldest queued manual request, taken atomically for this caller. */
  poll(job: string): Promise<ControlPoll>;
  /** The fleet's view of the job: paused, live leases and who holds them, the newest history entry. */
  status(job: string): Promise<FleetJobState>;
  /**
   * Optional membership for bounded attempts: in one atomic step on the lock's clock, records a heartbeat of
   * `instanceId` for the job (live until `ttlMs` from now), drops members whose heartbeat is older, and
   * returns the live ones. A `ttlMs` of 0 leaves (`stop()` does): the caller is gone at once, from its own
   * answer too. Without it every instance attempts every tick.
   */
  members?(request: MembershipRequest): Promise<MemberView>;
}

/**
 * After a dead holder's lease expires, newer ticks of an exclusive job wait this much longer, so the
 * instances waiting to take the dead holder's tick over get it first: `min(ttl, 1000)` milliseconds.
 */
export function takeoverGraceMs(ttlMs: number): number {
  return Math.min(ttlMs, 1000);
}

/**
 * The fence after `last`, derived from the lock's clock so it keeps growing even when the lock lost every
 * key: `max(last + 1, serverTime × 1000)`. It assumes the server's clock never jumps back by more than the
 * time the fences of one job took to be issued (1,000 fences a millisecond). Every adapter uses it.
 */
export function nextFence(last: number, serverTime: number): number {
  return Math.max(last + 1, Math.floor(serverTime) * 1000);
}

/** Default {@link HistoryBounds.historyLimit}. */
export const DEFAULT_HISTORY_LIMIT = 100;
/** Default {@link HistoryBounds.historyMaxAge}: seven days. */
export const DEFAULT_HISTORY_MAX_AGE_MS = 7 * 24 * 3_600_000;

/** History bounds after defaults, from {@link historyBoundsOf}. */
export interface ResolvedHistoryBounds {
  /** Entries kept per job. */
  readonly limit: number;
  /** Milliseconds an entry is kept. */
  readonly maxAgeMs: number;
}

/**
 * Checks and defaults an adapter's history bounds (`INVALID_OPTION` naming the option).
 *
 * @example
 * ```ts
 * historyBoundsOf({ historyLimit: 50 }); // { limit: 50, maxAgeMs: 604800000 }
 * ```
 */
export function historyBoundsOf(options: HistoryBounds): ResolvedHistoryBounds {
  const limit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  assertInteger('historyLimit', limit);
  const maxAgeMs = options.historyMaxAge ?? DEFAULT_HISTORY_MAX_AGE_MS;
  assertInteger('historyMaxAge', maxAgeMs);
  return { limit, maxAgeMs };
}
