/**
 * Running one tick whose lease was won: attempts with retries (p-retry) inside the lease, the timeout, stop,
 * lease loss, abandonment of a handler that ignores its signal, and marking the tick done.
 */
import pRetry, { AbortError } from 'p-retry';
import type { Acquired } from './acquire-tick.js';
import { publish, publishLockError } from './channels.js';
import { keepLease } from './lease-keeper.js';
import type { TickPlan } from './plan.js';
import { type JobRecord, leaseLostError, type Runtime, timeoutError, withFields } from './runtime.js';
import { delay } from './sleep.js';
import type { JobContext, LastRun, TickEvent } from './types.js';

/** How a tick ended on this instance. */
export type TickResult = LastRun['outcome'];

/** How a run whose lease was won ended, with what the history and the metrics need. */
export interface RunReport {
  readonly outcome: 'succeeded' | 'failed' | 'abandoned';
  readonly error?: unknown;
  /** Attempts started. */
  readonly attempts: number;
  /** Milliseconds from the first attempt (or the lease, if none started) to the end. */
  readonly durationMs: number;
  /** When the first attempt started, by the scheduler's clock; `null` if none did. */
  readonly startedAt: number | null;
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

/** Runs the handler under the lease `won`, then completes or releases the tick. */
export async function executeRun(
  rt: Runtime,
  job: JobRecord,
  plan: TickPlan,
  ev: TickEvent,
  won: Acquired,
): Promise<RunReport> {
  const { fence } = won;
  const lease = { job: job.key, tick: plan.key, token: won.token };
  const controller = new AbortController();
  const abort = (reason: unknown) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const keeper = keepLease({
    rt,
    lease,
    ttlMs: job.leaseTtl,
    sentAt: won.sentAt,
    name: job.name,
    tickId: plan.id,
    onLost: () => {
      leaseLost();
      rt.logger.warn({ job: job.name, tickId: plan.id, fence }, 'lease lost; aborting the run');
      abort(leaseLostError(job.name, plan.id));
    },
  });
  const onHalt = () => abort(rt.halting.signal.reason);
  rt.halting.signal.addEventListener('abort', onHalt, { once: true });
  if (rt.halting.signal.aborted) onHalt();
  const timeout = setTimeout(() => abort(timeoutError(job.name, plan.id, job.timeout)), job.timeout);
  if (rt.unref) timeout.unref();

  const logger = withFields(rt.logger, { job: job.name, tickId: plan.id, fence });
  const ctx: JobContext = {
    name: job.name,
    tick: new Date(plan.ms),
    tickId: plan.id,
    attempt: 0,
    signal: controller.signal,
    fence,
    catchUp: plan.catchUp,
    logger,
    assertLease: () => keeper.assert(),
    leaseRemainingMs: () => keeper.remainingMs(),
  };
  const startedAt = performance.now();
  let firstAttemptAt: number | null = null;
  let attempts = 0;
  let lastAttemptError: Error | undefined;
  // The handler of the current attempt, settled or not: the lease is kept until it settles.
  let handler: Promise<unknown> = Promise.resolve();
  let failure: unknown;
  let succeeded = false;
  try {
    await pRetry(
      async (attempt) => {
        controller.signal.throwIfAborted();
        // p-retry shortens the last delay to fit `maxRetryTime`; this keeps a retry from starting on the next tick.
        if (attempt > 1 && rt.clock.now() >= plan.deadline) {
          throw new AbortError(lastAttemptError ?? 'retry window over');
        }
        attempts += 1;
        if (attempts === 1) {
          firstAttemptAt = rt.clock.now();
          const delayMs = firstAttemptAt - plan.ms;
          publish('tickwork:run:start', () => ({
            job: job.name,
            tickId: plan.id,
            tick: ev.tick,
            instanceId: rt.instanceId,
            delayMs,
            catchUp: plan.catchUp,
            manual: plan.manual,
          }));
        }
        rt.events.emit('run:start', { ...ev, fence, attempt: attempts, catchUp: plan.catchUp });
        const current = Promise.resolve().then(() => job.run({ ...ctx, attempt: attempts }));
        handler = current;
        try {
          await raceAbort(current, controller.signal);
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
    clearTimeout(timeout);
    rt.halting.signal.removeEventListener('abort', onHalt);
  }

  // An aborted handler may still be running: hold (and renew) the lease until it settles, so no other
  // instance starts the tick beside it; past `abandonAfter` give up on it. A run that was never aborted ended
  // with its handler settled (it resolved, or rejected and was not retried), so it has nothing to wait for.
  let abandoned = false;
  if (!keeper.lost && controller.signal.aborted) {
    const settled = handler.then(
      () => true,
      () => true,
    );
    const waitGiveUp = new AbortController();
    abandoned = !(await Promise.race([
      settled,
      delay(job.abandonAfter, waitGiveUp.signal, rt.unref).then(() => false),
    ]));
    waitGiveUp.abort();
  }
  await keeper.stop();
  const durationMs = performance.now() - startedAt;
  const report = { attempts, durationMs, startedAt: firstAttemptAt };
  const failed = (error: unknown): RunReport => {
    rt.events.emit('run:failure', { ...ev, fence, attempts, durationMs, error });
    return { ...report, outcome: 'failed', error };
  };

  if (keeper.lost) return failed(leaseLostError(job.name, plan.id));
  const halted = !succeeded && rt.halting.signal.aborted && !abandoned;
  try {
    if (halted) {
      // Stopped before the handler finished, and it has settled: give the tick back, never mark it done.
      await persist(() => rt.lock.release(lease));
      return failed(failure);
    }
    const status = abandoned ? 'abandoned' : succeeded ? 'succeeded' : 'failed';
    const ok = await persist(() =>
      rt.lock.complete({
        ...lease,
        tickMs: plan.ms,
        outcome: { status, fence, at: rt.clock.now() },
        retentionMs: won.retentionMs,
        advanceHighWaterMark: !plan.manual,
      }),
    );
    if (!ok) {
      leaseLost();
      // The handler has settled, but work it left behind (a write still queued, a fire-and-forget call) holds
      // this signal: it learns of the loss the same way as when a renewal finds it.
      const lostError = leaseLostError(job.name, plan.id);
      abort(lostError);
      return failed(lostError);
    }
  } catch (error) {
    publishLockError(rt.instanceId, job.name, halted ? 'release' : 'complete', error);
    logger.error({ err: error }, halted ? 'could not release the lease' : 'could not mark the tick done');
    if (!succeeded || halted) return abandoned ? abandon() : failed(failure);
  }
  if (abandoned) return abandon();
  if (!succeeded) return failed(failure);
  rt.events.emit('run:success', { ...ev, fence, attempts, durationMs });
  return { ...report, outcome: 'succeeded' };

  function leaseLost() {
    rt.events.emit('lease:lost', { ...ev, fence });
    publish('tickwork:lease:lost', () => ({ job: job.name, tickId: plan.id, instanceId: rt.instanceId }));
  }

  // A lock that blinks must not turn a finished run into one that looks dead: a few quick retries.
  async function persist<T>(op: () => Promise<T>): Promise<T> {
    for (let i = 0; ; i++) {
      try {
        return await op();
      } catch (error) {
        if (i >= 3) throw error;
        await delay(100 * 2 ** i, new AbortController().signal, rt.unref);
      }
    }
  }

  function abandon(): RunReport {
    logger.error({ err: failure, abandonAfter: job.abandonAfter }, 'handler ignored its abort; run abandoned');
    rt.events.emit('run:abandoned', { ...ev, fence, durationMs, error: failure });
    return { ...report, outcome: 'abandoned', error: failure };
  }
}
