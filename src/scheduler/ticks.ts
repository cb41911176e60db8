import { Cron } from 'croner';
import { TickworkError } from '../errors.js';

/** Computes ticks: the UTC instant of the first tick strictly after `afterMs`, or `null` when there is none. */
export interface TickCalculator {
  /** The first tick strictly after `afterMs`, in UTC milliseconds. */
  next(afterMs: number): number | null;
}

/**
 * A croner pattern as a pure calculator. The `Cron` object is created paused and never started: croner's
 * own timer only knows wall time, while the scheduler needs the exact scheduled instant of every tick.
 */
export function cronTicks(pattern: string, timezone: string): TickCalculator {
  let cron: Cron;
  try {
    cron = new Cron(pattern, { timezone, paused: true });
  } catch (cause) {
    throw new TickworkError('INVALID_OPTION', `Invalid cron pattern ${JSON.stringify(pattern)} in ${timezone}.`, {
      cause,
      details: { option: 'cron', pattern, timezone },
    });
  }
  return { next: (afterMs) => cron.nextRun(new Date(afterMs))?.getTime() ?? null };
}

/** Fixed-interval ticks aligned to the Unix epoch, so every instance computes the same instants. */
export function everyTicks(intervalMs: number): TickCalculator {
  return { next: (afterMs) => (Math.floor(afterMs / intervalMs) + 1) * intervalMs };
}

/**
 * The next tick after `afterMs`, refusing one that does not advance: a calculator that returns the same
 * or an earlier instant (a DST bug, a bad pattern) would otherwise spin the loop. This is an error, not a loop.
 */
export function nextTick(calc: TickCalculator, afterMs: number, job: string): number | null {
  const next = calc.next(afterMs);
  if (next === null) return null;
  if (!Number.isFinite(next) || next <= afterMs) {
    throw new TickworkError(
      'INTERNAL',
      `The next tick of job "${job}" does not advance past ${new Date(afterMs).toISOString()}.`,
      {
        details: { job, after: afterMs, next },
      },
    );
  }
  return next;
}

/**
 * The ticks in `(fromMs, toMs]`, oldest first: the newest `keep` of them in `ticks`, the ones before in
 * `dropped` (at most `keep + 1000`, the newest), and how many were dropped in total.
 */
export function ticksBetween(
  calc: TickCalculator,
  fromMs: number,
  toMs: number,
  job: string,
  keep: number,
): { ticks: number[]; dropped: number[]; droppedTotal: number } {
  const window: number[] = [];
  let total = 0;
  for (let t = nextTick(calc, fromMs, job); t !== null && t <= toMs; t = nextTick(calc, t, job)) {
    window.push(t);
    total++;
    // Bounded memory even for a one-second pattern after a week of downtime.
    if (window.length > 2 * keep + 2000) window.splice(0, window.length - keep - 1000);
  }
  const cut = Math.max(0, window.length - keep);
  return { ticks: window.slice(cut), dropped: window.slice(0, cut), droppedTotal: Math.max(0, total - keep) };
}

/** The tick id: job name plus the ISO instant, identical on every instance. */
export function tickIdOf(job: string, tickMs: number): string {
  return `${job}@${new Date(tickMs).toISOString()}`;
}
