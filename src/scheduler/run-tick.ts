import { randomUUID } from 'node:crypto';
import pRetry, { AbortError } from 'p-retry';
import { TickworkError } from '../errors.js';
import type { AcquireResult } from './lock-adapter.js';
import { type JobRecord, leaseLostError, type Runtime, withFields } from './runtime.js';
import { delay } from './sleep.js';
import type { LastRun, SkipReason, TickEvent } from './types.js';

/** One tick to run: scheduled, caught up or triggered by hand. */
export interface TickPlan {
  /** Tick instant, UTC milliseconds. */
  readonly ms: number;
  /** Lock key of the tick. */
  readonly key: string;
  /** Tick id given to the handler. */
  readonly id: string;
  /** Whether it catches up a missed tick. */
  readonly catchUp: boolean;
  /** Manual trigger: no early guard, no high-water mark. */
  readonly manual: boolean;
  /** Wall-clock time (scheduler clock) after which no new attempt or acquisition starts: the next tick. */
  readonly deadline: number;
  /** Milliseconds from this tick to the one after it (sizes the done-marker retention). */
  readonly period: number;
}

/** How a tick ended on this instance. */
export type TickResult = LastRun['outcome'];

const MIN_RETENTION_MS = 60_000;

/** Runs one tick end to end: acquire (waiting out early and held leases), run with retries, complete. */
export async function runTick(rt: Runtime, job: JobRecord, plan: TickPlan): Promise<TickResult> {
  const ev: TickEvent = { name: job.name, tick: new Date(plan.ms), tickId: plan.id, instanceId: rt.instanceId };
  const finish = (outcome: TickResult, error?: unknown): TickResult => {
    job.lastRun = { tick: ev.tick, tickId: plan.id, outcome, at: new Date(rt.clock.now()), error };
    return outcome;
  };
  const skip = (reason: SkipReason, error?: unknown): TickResult => {
    rt.events.emit('run:skipped', error === undefined ? { ...ev, reason } : { ...ev, reason, error });
    return finish(`skipped:${reason}`, error);
  };

  if (rt.stopping.signal.aborted) return skip('stopped');
  if (job.paused && !plan.manual) return skip('paused');
  if (job.exclusive && job.active.size > 0) return skip('overlap');

  const token = randomUUID();
  const retentionMs = job.doneRetention ?? Math.max(3 * plan.period, MIN_RETENTION_MS);
  // A holder that dies is taken over once its lease expires, while the tick is still reasonably fresh.
  const takeoverDeadline = plan.deadline + 2 * job.leaseTtl;
  let acquired: Extract<AcquireResult, { acquired: true }> | undefined;
  let lockError: unknown;
  let backoff = 100;
  while (!acquired) {
    if (rt.stopping.signal.aborted) return skip('stopped');
    let result: AcquireResult | undefined;
    try {
      result = await rt.lock.acquire({
        job: job.name,
        tick: plan.key,
        tickMs: plan.ms,
        token,
        ttlMs: job.leaseTtl,
        earlyToleranceMs: plan.manual ? null : Math.min(250, rt.lateness),
        exclusive: job.exclusive,
        atMostOnce: job.atMostOnce,
        retentionMs,
      });
      lockError = undefined;
    } catch (error) {
      lockError = error;
    }
    const now = rt.clock.now();
    if (result) reportSkew(rt, now, result.serverTime);
    if (result?.acquired) {
      acquired = result;
      break;
    }
    let wait: number;
    let limit = plan.deadline;
    if (!result) {
      // Fail closed: no lease, no run. Retry until the tick's deadline, then report the skip.
      const level = backoff === 100 ? 'warn' : 'debug';
      rt.logger[level]({ job: job.name, tickId: plan.id, err: lockError }, 'lock unreachable; retrying acquisition');
      wait = backoff;
      backoff = Math.min(backoff * 2, 2000);
    } else if (result.reason === 'early') {
      wait = Math.max(1, plan.ms - result.serverTime);
    } else if (result.reason === 'held' && !job.atMostOnce) {
      wait = result.retryInMs + 5;
      limit = takeoverDeadline;
    } else {
      return skip(result.reason);
    }
    if (now + wait >= limit) return skip(result ? result.reason : 'lock-error', lockError);
    if (!(await delay(wait, rt.stopping.signal, rt.unref))) return skip('stopped');
  }
  const running = execute(rt, job, plan, ev, token, acquired.fence, retentionMs, finish);
  job.active.add(running);
  try {
    return await running;
  } finally {
    job.active.delete(running);
  }
}

function reportSkew(rt: Runtime, localTime: number, lockTime: number): void {
  const skewMs = localTime - lockTime;
  if (Math.abs(skewMs) <= rt.maxClockSkew || localTime - rt.lastSkewReport < 60_000) return;
  rt.lastSkewReport = localTime;
  rt.events.emit('clock:skew', { instanceId: rt.instanceId, localTime, lockTime, skewMs });
  rt.logger.warn({ skewMs, instanceId: rt.instanceId }, 'local clock differs from the lock clock');
}

/** Rejects with the signal's reason as soon as it aborts, even if `promise` never settles. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function execute(
  rt: Runtime,
  job: JobRecord,
  plan: TickPlan,
  ev: TickEvent,
  token: string,
  fence: number,
  retentionMs: number,
  finish: (outcome: TickResult, error?: unknown) => TickResult,
): Promise<TickResult> {
  const lease = { job: job.name, tick: plan.key, token };
  const controller = new AbortController();
  const abort = (reason: unknown) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  let leaseLost = false;
  const loseLease = () => {
    if (leaseLost || done) return;
    leaseLost = true;
    rt.events.emit('lease:lost', { ...ev, fence });
    rt.logger.warn({ job: job.name, tickId: plan.id, fence }, 'lease lost; aborting the run');
    abort(leaseLostError(job.name, plan.id));
  };
  let done = false;

  // Watchdog: renew every ttl/3; the lease is trusted only until the last acknowledged renewal + ttl minus a
  // drift margin (node-redlock's validity formula), measured on the monotonic clock.
  const ttl = job.leaseTtl;
  let validityTimer: NodeJS.Timeout | undefined;
  const armValidity = (ackAt: number, rtt: number) => {
    clearTimeout(validityTimer);
    const validUntil = ackAt + ttl - (0.01 * ttl + 2 + rtt);
    validityTimer = setTimeout(loseLease, Math.max(0, validUntil - performance.now()));
    if (rt.unref) validityTimer.unref();
  };
  armValidity(performance.now(), 0);
  // A plain timer chain rather than an abortable sleep: it costs one timer per run and no abort machinery.
  let renewTimer: NodeJS.Timeout | undefined;
  let renewing: Promise<void> | undefined;
  const scheduleRenewal = (wait: number) => {
    renewTimer = setTimeout(() => {
      renewing = renew();
    }, wait);
    if (rt.unref) renewTimer.unref();
  };
  const renew = async (): Promise<void> => {
    if (done || leaseLost) return;
    const sentAt = performance.now();
    try {
      const ok = await rt.lock.renew({ ...lease, ttlMs: ttl });
      if (done) return;
      if (!ok) return loseLease();
      armValidity(sentAt, performance.now() - sentAt);
      scheduleRenewal(ttl / 3);
    } catch (error) {
      rt.logger.warn({ job: job.name, tickId: plan.id, err: error }, 'lease renewal failed; retrying');
      if (!done && !leaseLost) scheduleRenewal(Math.min(ttl / 3, 500));
    }
  };
  scheduleRenewal(ttl / 3);

  const onHalt = () => abort(rt.halting.signal.reason);
  rt.halting.signal.addEventListener('abort', onHalt, { once: true });
  if (rt.halting.signal.aborted) onHalt();
  const timeout =
    job.timeout === undefined
      ? undefined
      : setTimeout(
          () =>
            abort(
              new TickworkError('TIMEOUT', `${plan.id} ran longer than ${job.timeout} ms.`, {
                details: { job: job.name, tickId: plan.id, timeout: job.timeout },
              }),
            ),
          job.timeout,
        );
  if (timeout && rt.unref) timeout.unref();

  const logger = withFields(rt.logger, { job: job.name, tickId: plan.id, fence });
  const startedAt = performance.now();
  let attempts = 0;
  let lastAttemptError: Error | undefined;
  let failure: unknown;
  let succeeded = false;
  try {
    await pRetry(
      async (attempt) => {
        attempts = attempt;
        controller.signal.throwIfAborted();
        // p-retry shortens the last delay to fit `maxRetryTime`; this keeps a retry from starting on the next tick.
        if (attempt > 1 && rt.clock.now() >= plan.deadline)
          throw new AbortError(lastAttemptError ?? 'retry window over');
        rt.events.emit('run:start', { ...ev, fence, attempt, catchUp: plan.catchUp });
        const ctx = {
          name: job.name,
          tick: new Date(plan.ms),
          tickId: plan.id,
          attempt,
          signal: controller.signal,
          fence,
          catchUp: plan.catchUp,
          logger,
        };
        try {
          await raceAbort(
            Promise.resolve().then(() => job.run(ctx)),
            controller.signal,
          );
        } catch (error) {
          // p-retry only retries Error instances; keep the thrown value as the cause.
          lastAttemptError = error instanceof Error ? error : new Error(String(error), { cause: error });
          throw lastAttemptError;
        }
      },
      {
        retries: job.retry.retries,
        factor: job.retry.factor,
        minTimeout: job.retry.minTimeout,
        maxTimeout: job.retry.maxTimeout,
        randomize: job.retry.randomize,
        signal: controller.signal,
        unref: rt.unref,
        // Never retry into the next tick.
        maxRetryTime: Math.max(0, plan.deadline - rt.clock.now() - 1),
        shouldRetry: ({ error, attemptNumber }) =>
          !controller.signal.aborted &&
          rt.clock.now() + job.retry.minTimeout < plan.deadline &&
          (job.retry.shouldRetry?.(error, attemptNumber) ?? true),
        onFailedAttempt: ({ error, attemptNumber }) =>
          logger.warn({ err: error, attempt: attemptNumber }, 'attempt failed'),
      },
    );
    succeeded = !controller.signal.aborted;
    if (!succeeded) failure = controller.signal.reason;
  } catch (error) {
    failure = controller.signal.aborted ? controller.signal.reason : error;
  } finally {
    done = true;
    clearTimeout(timeout);
    clearTimeout(validityTimer);
    clearTimeout(renewTimer);
    rt.halting.signal.removeEventListener('abort', onHalt);
  }
  // A renewal in flight must settle before complete/release, so its answer cannot be mistaken for a loss.
  await renewing;
  const durationMs = performance.now() - startedAt;
  const failed = (error: unknown): TickResult => {
    rt.events.emit('run:failure', { ...ev, fence, attempts, durationMs, error });
    return finish('failed', error);
  };

  if (leaseLost) return failed(leaseLostError(job.name, plan.id));
  const halted = !succeeded && rt.halting.signal.aborted;
  try {
    if (halted) {
      // Stopped before the handler finished: give the tick back, never mark it done.
      await rt.lock.release(lease);
      return failed(failure);
    }
    const ok = await rt.lock.complete({
      ...lease,
      tickMs: plan.ms,
      outcome: { status: succeeded ? 'succeeded' : 'failed', fence, at: rt.clock.now() },
      retentionMs,
      advanceHighWaterMark: !plan.manual,
    });
    if (!ok) {
      rt.events.emit('lease:lost', { ...ev, fence });
      return failed(leaseLostError(job.name, plan.id));
    }
  } catch (error) {
    logger.error({ err: error }, halted ? 'could not release the lease' : 'could not mark the tick done');
    if (!succeeded || halted) return failed(failure);
  }
  if (!succeeded) return failed(failure);
  rt.events.emit('run:success', { ...ev, fence, attempts, durationMs });
  return finish('succeeded');
}
