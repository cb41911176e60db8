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
  return { ms, key: String(ms), id: tickIdOf(job.name, ms), catchUp, manual: false, queued: false, deadline, period };
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
    deadline: next ?? now + period,
    period,
  };
}
