import { createHash } from 'node:crypto';
import { Cron } from 'croner';
import { TickworkError } from '../errors.js';
import { offsetChange, offsetMinutes } from './wall-clock.js';

/** Computes ticks: UTC instants of a schedule. */
export interface TickCalculator {
  /** The first tick strictly after `afterMs`, in UTC milliseconds, or `null` when there is none. */
  next(afterMs: number): number | null;
  /** The last tick strictly before `beforeMs`, in UTC milliseconds, or `null` when there is none. */
  prev(beforeMs: number): number | null;
  /** The schedule in words (`cron:0 6 * * *@Europe/Berlin`, `every:60000`): part of the job's identity. */
  readonly schedule: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * A croner pattern as a pure calculator, with the classic cron rules for DST in `timezone`: on a fall-back
 * day a wall-clock time that occurs twice runs once (the first time); on a spring-forward day a time the
 * jump skipped runs once, right after the jump. The `Cron` object is created paused and never started:
 * croner's own timer only knows wall time, while the scheduler needs the exact scheduled instant of a tick.
 */
export function cronTicks(pattern: string, timezone: string): TickCalculator {
  let zoned: Cron;
  let wall: Cron;
  try {
    // `utcOffset: 0` is croner's fast path (no Intl work per call) and means the same as the zone 'UTC'.
    zoned = new Cron(pattern, timezone === 'UTC' ? { utcOffset: 0, paused: true } : { timezone, paused: true });
    // The same pattern read on a zone-less clock: answers "does any wall-clock time in a window match?".
    wall = new Cron(pattern, { utcOffset: 0, paused: true });
  } catch (cause) {
    throw new TickworkError('INVALID_OPTION', `Invalid cron pattern ${JSON.stringify(pattern)} in ${timezone}`, {
      cause,
      details: { option: 'cron', pattern, timezone },
    });
  }
  const schedule = `cron:${pattern}@${timezone}`;
  const raw = (after: number) => zoned.nextRun(new Date(after))?.getTime() ?? null;
  const rawPrev = (before: number) => zoned.previousRuns(1, new Date(before))[0]?.getTime() ?? null;
  if (timezone === 'UTC') return { next: raw, prev: rawPrev, schedule };

  // A wall-clock time seen before, an offset change earlier: the second pass of a fall-back hour.
  const repeated = (ms: number): boolean => {
    const now = offsetMinutes(timezone, ms);
    const shift = offsetMinutes(timezone, ms - 3 * HOUR) - now;
    return shift > 0 && offsetMinutes(timezone, ms - shift * 60_000) === now + shift;
  };
  // The instant clocks jumped forward in (after, n), if the jump skipped a wall-clock time the pattern matches.
  const afterJump = (after: number, n: number): number | null => {
    const before = offsetMinutes(timezone, after);
    const at = offsetMinutes(timezone, n);
    if (at <= before) return null;
    const jump = offsetChange(timezone, after, n);
    const jumpWall = jump + offsetMinutes(timezone, jump) * 60_000;
    const gapStart = jumpWall - (at - before) * 60_000;
    const match = wall.nextRun(new Date(gapStart - 1))?.getTime();
    return match !== undefined && match < jumpWall && jump > after && jump < n ? jump : null;
  };
  return {
    schedule,
    next(after) {
      let n = raw(after);
      while (n !== null && repeated(n)) n = raw(n);
      if (n === null) return null;
      return afterJump(after, n) ?? n;
    },
    prev(before) {
      let p = rawPrev(before);
      while (p !== null && repeated(p)) p = rawPrev(p);
      // A jump between p and `before` that skipped a matching wall-clock time is a tick of its own.
      const jump = afterJump(p ?? before - 2 * DAY, before);
      return jump ?? p;
    },
  };
}

/** Fixed-interval ticks aligned to the Unix epoch, so every instance computes the same instants. */
export function everyTicks(intervalMs: number): TickCalculator {
  return {
    next: (afterMs) => (Math.floor(afterMs / intervalMs) + 1) * intervalMs,
    prev: (beforeMs) => (Math.ceil(beforeMs / intervalMs) - 1) * intervalMs,
    schedule: `every:${intervalMs}`,
  };
}

/**
 * The next tick after `afterMs`, refusing one that does not advance: a calculator that returns the same
 * or an earlier instant (a DST bug, a bad pattern) would otherwise spin the loop. This is an error, not a loop.
 */
export function nextTick(calc: Pick<TickCalculator, 'next'>, afterMs: number, job: string): number | null {
  const next = calc.next(afterMs);
  if (next === null) return null;
  if (!Number.isFinite(next) || next <= afterMs) {
    throw new TickworkError(
      'INTERNAL',
      `The next tick of job "${job}" does not advance past ${new Date(afterMs).toISOString()}`,
      { details: { job, after: afterMs, next } },
    );
  }
  return next;
}

/**
 * The newest ticks in `(fromMs, toMs]`, at most `limit`, oldest first, found by walking back from `toMs`:
 * bounded work however old `fromMs` is (a week-old cursor of a per-second job costs `limit` steps, not
 * 604,800). `more` says whether older ticks in the window were left out.
 */
export function latestTicks(
  calc: TickCalculator,
  fromMs: number,
  toMs: number,
  limit: number,
): { ticks: number[]; more: boolean } {
  const ticks: number[] = [];
  let t = calc.prev(toMs + 1);
  while (t !== null && t > fromMs && ticks.length < limit) {
    ticks.push(t);
    const p = calc.prev(t);
    // A calculator that does not go back would loop; treat it as the end of the window.
    t = p !== null && p < t ? p : null;
  }
  return { ticks: ticks.reverse(), more: t !== null && t > fromMs };
}

/**
 * The lock key of a job: its name and a short hash of its schedule, so two definitions of one name with
 * different schedules (two services on one prefix, a rolling deploy that changes a cron) never split each
 * other's ticks.
 */
export function jobKeyOf(name: string, schedule: string): string {
  return `${name}~${createHash('sha256').update(schedule).digest('hex').slice(0, 8)}`;
}

/**
 * The tick id: job name plus the ISO instant, identical on every instance.
 *
 * @example
 * ```ts
 * tickIdOf('isin-sync', Date.UTC(2025, 9, 26, 5)); // 'isin-sync@2025-10-26T05:00:00.000Z'
 * ```
 */
export function tickIdOf(job: string, tickMs: number): string {
  return `${job}@${new Date(tickMs).toISOString()}`;
}
