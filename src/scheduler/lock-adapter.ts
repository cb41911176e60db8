/**
 * The `LockAdapter` port: the shared state that lets many scheduler instances agree on who runs a tick.
 * Every call is keyed by job and tick and checked against the caller's token, so a stale caller can never
 * renew, complete or release a lease it no longer holds.
 *
 * @module
 */
import type { Logger } from '../types.js';

/** Why an acquisition was refused. */
export type AcquireRefusal =
  /** The tick already finished (a done marker exists). */
  | 'done'
  /** An at-most-once tick was started before and must never run again. */
  | 'started'
  /** Another holder has a live lease on this tick. */
  | 'held'
  /** The tick is still in the future by the lock's own clock (Redis server time for Redis). */
  | 'early'
  /** `overlap: 'skip'`: another tick of the same job is still running somewhere. */
  | 'overlap';

/** What the scheduler asks for when it wants to run a tick. */
export interface AcquireRequest {
  /** Job name. */
  readonly job: string;
  /** Tick key: the tick's UTC milliseconds as a string, or `manual-<uuid>` for a manual trigger. */
  readonly tick: string;
  /** The tick instant in UTC milliseconds (compared against the lock's clock for the early guard). */
  readonly tickMs: number;
  /** A random token that identifies this holder; every later call must present it. */
  readonly token: string;
  /** Lease time to live in milliseconds. */
  readonly ttlMs: number;
  /** How far in the future a tick may be and still be taken; `null` disables the early guard. */
  readonly earlyToleranceMs: number | null;
  /** Take the job-level running lease too, refusing with `overlap` while another tick of the job runs. */
  readonly exclusive: boolean;
  /** `at-most-once`: write a `started` marker at once so the tick can never be taken over. */
  readonly atMostOnce: boolean;
  /** How long done (and started) markers live, in milliseconds. */
  readonly retentionMs: number;
}

/** The answer to {@link LockAdapter.acquire}. */
export type AcquireResult =
  | {
      /** The lease is ours. */
      readonly acquired: true;
      /** Fencing token: strictly greater than every fence issued before for this job. */
      readonly fence: number;
      /** The lock's wall clock at acquisition, in UTC milliseconds. */
      readonly serverTime: number;
    }
  | {
      /** The lease is not ours. */
      readonly acquired: false;
      /** Why. */
      readonly reason: AcquireRefusal;
      /** The lock's wall clock at the attempt, in UTC milliseconds. */
      readonly serverTime: number;
      /** For `held` and `overlap`: milliseconds until the blocking lease expires unless renewed. */
      readonly retryInMs: number;
    };

/** Identifies a lease held by a token. */
export interface LeaseRef {
  /** Job name. */
  readonly job: string;
  /** Tick key, as given to {@link LockAdapter.acquire}. */
  readonly tick: string;
  /** The holder's token. */
  readonly token: string;
}

/** How a finished tick ended, stored in its done marker. */
export interface TickOutcome {
  /** Final status. */
  readonly status: 'succeeded' | 'failed';
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
      /** Nobody holds it and it has not finished. */
      readonly status: 'free';
    }
  | {
      /** A live lease exists. */
      readonly status: 'leased';
      /** Milliseconds left on the lease. */
      readonly ttlMs: number;
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
  /** The latest completed scheduled tick, in UTC milliseconds, or `null` if none ever completed. */
  readonly highWaterMark: number | null;
  /** The last fence issued for the job (0 if none). */
  readonly fence: number;
  /** The state of the tick asked for, if one was. */
  readonly tick?: TickState;
}

/**
 * Shared lock state for a fleet of schedulers. Adapters: `memoryLock()` (`tickwork/memory`) and
 * `redisLock({ client })` (`tickwork/redis`). Both pass the same conformance suite.
 */
export interface LockAdapter {
  /**
   * In one atomic step: refuse if the tick is done (or started, at most once), refuse if it is early by the
   * lock's clock, refuse if held (or, when `exclusive`, another tick of the job runs), else take the lease
   * and issue the next fence.
   */
  acquire(request: AcquireRequest): Promise<AcquireResult>;
  /** Extends the lease (and the running lease) to `ttlMs` if the token still holds it; `false` if lost. */
  renew(lease: LeaseRef & { readonly ttlMs: number }): Promise<boolean>;
  /** Turns the lease into a done marker and advances the high-water mark; `false` if the lease was lost. */
  complete(request: CompleteRequest): Promise<boolean>;
  /** Drops the lease without marking the tick done, so another instance may take it; `false` if lost. */
  release(lease: LeaseRef): Promise<boolean>;
  /** Reads the job's high-water mark and fence, and optionally one tick's state. */
  state(job: string, tick?: string): Promise<JobLockState>;
  /** Called once by `scheduler.start()`: a place for start-up checks that report through the logger. */
  prepare?(context: { readonly logger: Logger }): Promise<void>;
}
