import { TickworkError } from '../errors.js';
import { abortError } from '../internal/abort.js';
import type { Clock, Logger } from '../types.js';
import type { Emitter } from './events.js';
import type { LockAdapter } from './lock-adapter.js';
import type { BoundedAttempts } from './membership.js';
import type { TickCalculator } from './ticks.js';
import type { JobHandler, LastRun, RetryOptions } from './types.js';

/** A job after its options were checked and defaulted. */
export interface JobRecord {
  readonly name: string;
  /** The lock's name for the job: name and schedule hash (see `jobKeyOf`). */
  readonly key: string;
  readonly calc: TickCalculator;
  /** The schedule as given: a cron pattern or an interval. */
  readonly schedule: { readonly cron: string } | { readonly every: number };
  /** IANA time zone of the cron pattern (`UTC` for `every`). */
  readonly timezone: string;
  readonly run: JobHandler;
  readonly retry: Required<Omit<RetryOptions, 'shouldRetry'>> & Pick<RetryOptions, 'shouldRetry'>;
  readonly timeout: number;
  readonly abandonAfter: number;
  readonly leaseTtl: number;
  readonly exclusive: boolean;
  readonly catchUp: 'none' | 'latest' | 'all';
  readonly maxCatchUp: number;
  readonly atMostOnce: boolean;
  readonly doneRetention: number | undefined;
  /** The fleet's paused flag as last read from the lock (the lock itself refuses paused ticks). */
  paused: boolean;
  /** Aborts when `remove()` takes the job off this scheduler. */
  readonly removed: AbortController;
  /** Runs holding a lease on this instance (an abandoned run leaves it). */
  readonly active: Set<Promise<unknown>>;
  lastRun: LastRun | null;
  error?: unknown;
  /** The last scheduled tick dispatched (ticks at or before it are handled). */
  cursor: number;
}

/** State shared by the scheduler and every run. */
export interface Runtime {
  readonly lock: LockAdapter;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly instanceId: string;
  readonly events: Emitter;
  readonly lateness: number;
  readonly maxClockSkew: number;
  readonly unref: boolean;
  /** Bounded attempts per tick, or `null` when every instance attempts every tick. */
  readonly bounded: BoundedAttempts | null;
  /** Milliseconds of one control interval: each job's fleet control is read once per interval. */
  readonly controlIntervalMs: number;
  /** Aborts when `stop()` begins: no new ticks, no more waiting for leases. */
  stopping: AbortController;
  /** Aborts when the grace period of `stop()` ends: running handlers are told to give up. */
  halting: AbortController;
  /** Every tick in flight (waiting for a lease or running), so `stop()` can await them. */
  readonly inflight: Set<Promise<unknown>>;
  /** History writes not yet answered (fire and forget, bounded). */
  readonly historyWrites: Set<Promise<unknown>>;
  /** Whether the last history write failed (the first failure is a warning, later ones debug lines). */
  historyFailing: boolean;
  lastSkewReport: number;
}

/** The abort reason when the lease is lost. */
export function leaseLostError(job: string, tickId: string): TickworkError {
  return new TickworkError('LEASE_LOST', `Lost the lease of ${tickId}; another instance may run it`, {
    details: { job, tickId, reason: 'lease-lost' },
  });
}

/** The abort reason when the scheduler stops and the grace period is over. */
export function stoppedError(): TickworkError {
  return abortError(undefined, 'The scheduler stopped before the run finished', { reason: 'stopped' });
}

/** The abort reason when a run takes longer than its timeout. */
export function timeoutError(job: string, tickId: string, timeout: number): TickworkError {
  return new TickworkError('TIMEOUT', `${tickId} ran longer than ${timeout} ms`, {
    details: { job, tickId, timeout },
  });
}

/** A logger that adds fixed fields to every line. */
export function withFields(logger: Logger, fields: Record<string, unknown>): Logger {
  return {
    debug: (f, m) => logger.debug({ ...fields, ...f }, m),
    info: (f, m) => logger.info({ ...fields, ...f }, m),
    warn: (f, m) => logger.warn({ ...fields, ...f }, m),
    error: (f, m) => logger.error({ ...fields, ...f }, m),
  };
}
