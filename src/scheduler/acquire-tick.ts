/**
 * Acquiring one tick's lease: one lock call, then waiting out whatever the lock says is temporary (an early
 * tick, a live holder, an overlapping run, an unreachable lock) within the tick's window.
 */
import { randomUUID } from 'node:crypto';
import { publishLockError } from './channels.js';
import type { AcquireRefusal, AcquireResult } from './lock-adapter.js';
import type { TickPlan } from './plan.js';
import type { JobRecord, Runtime } from './runtime.js';
import { delay } from './sleep.js';
import type { SkipReason } from './types.js';

/** A lease won: what the run needs to keep it. */
export interface Acquired {
  readonly token: string;
  readonly fence: number;
  /** `performance.now()` when the winning request was sent. */
  readonly sentAt: number;
  readonly retentionMs: number;
}

/** Why no lease was won, and the lock error for `lock-error`. */
export interface NotAcquired {
  readonly reason: SkipReason;
  readonly error?: unknown;
  /** For `paused`: this instance's refusal moved the lock's cursor past the tick, so it records the skip. */
  readonly first?: boolean;
}

const MIN_RETENTION_MS = 60_000;
/** How often a manual run that meets a running tick of its job asks again. */
const MANUAL_OVERLAP_POLL_MS = 1000;

/** The retention of a tick's markers: the job's option, or three periods and at least a minute. */
export function retentionOf(job: JobRecord, plan: TickPlan): number {
  return Math.max(job.doneRetention ?? Math.max(3 * plan.period, MIN_RETENTION_MS), job.leaseTtl);
}

/**
 * Tries until the lease is won or the tick is out of reach:
 * - `held`: another instance holds the tick; wait for its lease to expire and take over (at least once),
 *   for as long as the tick stays claimed (the lock answers `done` or `stale` once it no longer is);
 * - `overlap`: another tick of the job runs; wait for it while this tick is within its lateness (a catch-up
 *   tick or a queued manual run: until its deadline; a manual run awaited here: not at all);
 * - `early` and lock errors: wait, until the tick's deadline;
 * - anything else is final.
 */
export async function acquireTick(rt: Runtime, job: JobRecord, plan: TickPlan): Promise<Acquired | NotAcquired> {
  const token = randomUUID();
  const retentionMs = retentionOf(job, plan);
  const kind = plan.manual ? 'manual' : plan.catchUp ? 'catch-up' : 'scheduled';
  let backoff = 100;
  for (;;) {
    if (rt.stopping.signal.aborted) return { reason: 'stopped' };
    const sentAt = performance.now();
    let result: AcquireResult | undefined;
    let lockError: unknown;
    try {
      result = await rt.lock.acquire({
        job: job.key,
        tick: plan.key,
        tickMs: plan.ms,
        token,
        ttlMs: job.leaseTtl,
        earlyToleranceMs: plan.manual ? null : Math.min(250, rt.lateness),
        maxLateMs: kind === 'scheduled' ? rt.lateness + rt.maxClockSkew : null,
        kind,
        exclusive: job.exclusive,
        atMostOnce: job.atMostOnce,
        retentionMs,
        instanceId: rt.instanceId,
      });
    } catch (error) {
      lockError = error;
      publishLockError(rt.instanceId, job.name, 'acquire', error);
    }
    const now = rt.clock.now();
    if (result) reportSkew(rt, now, result.serverTime);
    if (result?.acquired) return { token, fence: result.fence, sentAt, retentionMs };

    let wait: number;
    let limit = plan.deadline;
    if (!result) {
      // Fail closed: no lease, no run. Retry until the tick's deadline, then report the skip.
      const level = backoff === 100 ? 'warn' : 'debug';
      rt.logger[level]({ job: job.name, tickId: plan.id, err: lockError }, 'lock unreachable; retrying acquisition');
      wait = backoff;
      backoff = Math.min(backoff * 2, 2000);
    } else if (result.reason === 'early') {
      wait = Math.max(1, result.retryInMs);
    } else if (result.reason === 'held') {
      wait = result.retryInMs + 5;
      limit = Number.POSITIVE_INFINITY;
    } else if (result.reason === 'overlap' && (!plan.manual || plan.queued)) {
      // A scheduled tick waits only within its lateness; a caught-up tick or a queued manual run (nobody else
      // would run it) waits for the running one until its deadline. `retryInMs` is when the running lease would
      // expire; a queued run looks again every second, so it starts soon after the running one ends. A manual run
      // awaited here reports the overlap at once.
      wait = plan.queued ? Math.min(result.retryInMs + 5, MANUAL_OVERLAP_POLL_MS) : result.retryInMs + 5;
      limit = plan.catchUp || plan.queued ? plan.deadline : plan.ms + rt.lateness;
    } else if (result.reason === 'paused') {
      return { reason: 'paused', first: result.first === true };
    } else {
      return { reason: result.reason };
    }
    if (now + wait >= limit)
      return result ? { reason: result.reason as AcquireRefusal } : { reason: 'lock-error', error: lockError };
    if (!(await delay(wait, rt.stopping.signal, rt.unref))) return { reason: 'stopped' };
  }
}

function reportSkew(rt: Runtime, localTime: number, lockTime: number): void {
  const skewMs = localTime - lockTime;
  if (Math.abs(skewMs) <= rt.maxClockSkew || localTime - rt.lastSkewReport < 60_000) return;
  rt.lastSkewReport = localTime;
  rt.events.emit('clock:skew', { instanceId: rt.instanceId, localTime, lockTime, skewMs });
  rt.logger.warn({ skewMs, instanceId: rt.instanceId }, 'local clock differs from the lock clock');
}
