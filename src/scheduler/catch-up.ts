/**
 * Deciding what to do with the ticks since a mark (the lock's cursor at start, this instance's last tick
 * after a sleep): which run on time, which are caught up, which are reported missed. Bounded work however
 * old the mark is: only the newest ticks are looked at, walking back from now, yielding to the event loop.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { JobRecord } from './runtime.js';
import { latestTicks } from './ticks.js';

/** Most `tick:missed` events one decision emits; older missed ticks are only counted in a log line. */
export const MISSED_EVENTS_CAP = 100;
const STEPS_PER_SLICE = 200;

/** What to do with the ticks in a window. */
export interface DueTicks {
  /** The newest tick, if it is within the lateness: runs as a normal tick. */
  readonly onTime: number | undefined;
  /** Late ticks to run as catch-up, oldest first. */
  readonly catchUp: number[];
  /** Late ticks reported as missed (the newest {@link MISSED_EVENTS_CAP} of them), oldest first. */
  readonly missed: number[];
  /** Whether older ticks than those listed were missed too. */
  readonly moreMissed: boolean;
  /** The newest tick in the window, if any. */
  readonly newest: number | undefined;
}

/** {@link latestTicks} in slices, yielding to the event loop between them. */
async function newestTicks(job: JobRecord, fromMs: number, toMs: number, limit: number) {
  const slices: number[][] = [];
  let count = 0;
  let to = toMs;
  for (;;) {
    const slice = latestTicks(job.calc, fromMs, to, Math.min(STEPS_PER_SLICE, limit - count));
    slices.unshift(slice.ticks);
    count += slice.ticks.length;
    const oldest = slice.ticks[0];
    if (!slice.more || oldest === undefined) return { ticks: slices.flat(), more: false };
    if (count >= limit) return { ticks: slices.flat(), more: true };
    to = oldest - 1;
    await yieldToLoop();
  }
}

/**
 * Sorts the ticks in `(fromMs, now]` by the job's catch-up policy: `none` runs only an on-time tick,
 * `latest` also the newest late one when nothing is on time, `all` up to `maxCatchUp` late ones.
 */
export async function dueTicks(job: JobRecord, fromMs: number, now: number, lateness: number): Promise<DueTicks> {
  const keep = job.catchUp === 'all' ? job.maxCatchUp : job.catchUp === 'latest' ? 1 : 0;
  const { ticks, more } = await newestTicks(job, fromMs, now, keep + 1 + MISSED_EVENTS_CAP);
  const newest = ticks.at(-1);
  const onTime = newest !== undefined && now - newest <= lateness ? newest : undefined;
  const late = onTime === undefined ? ticks : ticks.slice(0, -1);
  let run: number[] = [];
  if (job.catchUp === 'all') run = late.slice(-keep);
  else if (job.catchUp === 'latest' && onTime === undefined) run = late.slice(-1);
  const missed = late.slice(0, late.length - run.length).slice(-MISSED_EVENTS_CAP);
  const moreMissed = more || late.length - run.length > missed.length;
  return { onTime, catchUp: run, missed, moreMissed, newest };
}
