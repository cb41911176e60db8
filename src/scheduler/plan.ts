import type { JobRecord } from './runtime.js';
import { nextTick, tickIdOf } from './ticks.js';

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
  /** Manual trigger: no early guard, no cursor, no high-water mark. */
  readonly manual: boolean;
  /**
   * A manual run taken from the fleet's queue: nobody awaits it, so when it meets a running tick of its job it
   * waits for it rather than being dropped. A run awaited here (`trigger(name, { here: true })`) reports the
   * overlap at once and lets its caller decide.
   */
  readonly queued: boolean;
  /**
   * A tick claimed before this instance started, attempted only to take it over from a holder that died or
   * froze (nobody else may be left to): a refusal (done, held to the end, superseded) is not this instance's to
   * report.
   */
  readonly takeoverOnly: boolean;
  /** Wall-clock time (scheduler clock) after which no new attempt starts: the next tick. */
  readonly deadline: number;
  /** Milliseconds from this tick to the one after it (sizes the marker retention). */
  readonly period: number;
}

/** The plan of a scheduled or caught-up tick at `ms`; `next`, the tick after it, when the caller has it already. */
export function scheduledPlan(
  job: JobRecord,
  ms: number,
  catchUp: boolean,
  now: number,
  next?: number | null,
): TickPlan {
  const after = next === undefined ? nextTick(job.calc, ms, job.name) : next;
  const period = after === null ? 60_000 : after - ms;
  const deadline = catchUp ? (nextTick(job.calc, now, job.name) ?? now + period) : (after ?? ms + period);
  const id = tickIdOf(job.name, ms);
  return { ms, key: String(ms), id, catchUp, manual: false, queued: false, takeoverOnly: false, deadline, period };
}

/**
 * The plan of the tick at the lock's cursor when this instance starts: claimed before it existed, run only if
 * its holder's lease has expired, whatever the catch-up policy (taking over is delivery, not catch-up).
 */
export function takeoverPlan(job: JobRecord, ms: number, now: number): TickPlan {
  return { ...scheduledPlan(job, ms, true, now), takeoverOnly: true };
}

/** The plan of a manual run `id` at `now`: its own key, its deadline the next scheduled tick. */
export function manualPlan(job: JobRecord, id: string, now: number, queued: boolean): TickPlan {
  const next = nextTick(job.calc, now, job.name);
  const period = next === null ? 60_000 : next - now;
  return {
    ms: now,
    key: `manual-${id}`,
    id: `${job.name}@manual:${id}`,
    catchUp: false,
    manual: true,
    queued,
    takeoverOnly: false,
    deadline: next ?? now + period,
    period,
  };
}
