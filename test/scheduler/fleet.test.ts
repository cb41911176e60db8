/**
 * Fleet simulation on an injected clock: 10 schedulers share one memory lock; their clocks are skewed by up
 * to ±2 s and stall now and then (late wake-ups); handlers take random times up to two periods. Over
 * thousands of ticks: exactly one success per tick, no start after done, every tick accounted for. Two
 * fleet-wide pauses make every instance late, so those ticks are recovered by catch-up.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryLock } from '../../adapters/memory/lock.js';
import { createScheduler, type Scheduler } from '../../src/scheduler/index.js';
import { prng } from '../../src/testing/isins.js';
import { record } from './helpers.js';

const T0 = Date.UTC(2025, 5, 1);
const PERIOD = 1000;
const TICKS = 1300;
const INSTANCES = 10;

/** A sleep on the (fake) global timers; `node:timers/promises` is not faked. */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A skewed clock that freezes during stalls and then jumps forward, like a paused process waking late. */
function skewedClock(random: () => number, skew: number) {
  // Two fleet-wide pauses of 6 s: every instance wakes late, so those ticks can only run as catch-up.
  const stalls: [number, number][] = [
    [T0 + 500_500, T0 + 506_500],
    [T0 + 1_200_300, T0 + 1_206_300],
  ];
  for (let t = T0 + random() * 30_000; t < T0 + (TICKS + 10) * PERIOD; t += 10_000 + random() * 40_000) {
    stalls.push([t, t + 100 + random() * 3400]);
  }
  return {
    now() {
      const real = Date.now();
      const stall = stalls.find(([from, to]) => real >= from && real < to);
      return (stall ? stall[0] : real) + skew;
    },
  };
}

describe('fleet simulation', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'], now: T0 });
  });
  afterEach(() => vi.useRealTimers());

  it(`${INSTANCES} skewed schedulers, ${TICKS} ticks: one success per tick, no start after done`, async () => {
    const seed = Number(process.env.FLEET_SEED ?? 20251123);
    // mulberry32 (seeded, so a failure can be replayed), scaled to [0, 1).
    const next = prng(seed);
    const random = () => next() / 4294967296;
    const lock = memoryLock();
    const schedulers: Scheduler[] = [];
    const starts = new Map<number, number>();
    const doneAt = new Map<number, number>();
    const startAfterDone: string[] = [];
    for (let i = 0; i < INSTANCES; i++) {
      const skew = Math.round((random() * 2 - 1) * 2000);
      const s = createScheduler({ lock, instanceId: `i${i}`, clock: skewedClock(random, skew) });
      s.add({
        name: 'fleet',
        every: PERIOD,
        overlap: 'allow',
        catchUp: 'all',
        run: async ({ tick, tickId }) => {
          const t = +tick;
          if (doneAt.has(t)) startAfterDone.push(tickId);
          starts.set(t, (starts.get(t) ?? 0) + 1);
          await sleep(1 + Math.floor(random() * 2 * PERIOD));
          doneAt.set(t, Date.now());
        },
      });
      schedulers.push(s);
    }
    const events = record(...schedulers);
    for (const s of schedulers) await s.start();
    for (let i = 0; i < TICKS; i++) await vi.advanceTimersByTimeAsync(PERIOD);
    const stopping = Promise.all(schedulers.map((s) => s.stop({ grace: 10_000 })));
    for (let i = 0; i < 100; i++) await vi.advanceTimersByTimeAsync(PERIOD);
    await stopping;

    const successes = new Map<number, number>();
    for (const e of events) if (e.type === 'run:success') successes.set(+e.tick, (successes.get(+e.tick) ?? 0) + 1);
    const failures = events.filter(
      (e) => e.type === 'run:failure' || e.type === 'lease:lost' || e.type === 'job:error',
    );
    const unaccounted: number[] = [];
    const twice: number[] = [];
    // The last few ticks may still be in flight when stop() begins; every earlier one must have succeeded once.
    for (let k = 1; k <= TICKS - 5; k++) {
      const t = T0 + k * PERIOD;
      const n = successes.get(t) ?? 0;
      if (n === 0) unaccounted.push(k);
      if (n > 1 || (starts.get(t) ?? 0) > 1) twice.push(k);
    }
    expect(failures).toEqual([]);
    expect(startAfterDone).toEqual([]);
    expect(twice).toEqual([]);
    expect(unaccounted).toEqual([]);
    // The simulation really exercised skew, early guards, late wake-ups and done markers.
    const reasons = new Set(events.flatMap((e) => (e.type === 'run:skipped' ? [e.reason] : [])));
    expect(reasons.has('done')).toBe(true);
    expect(events.some((e) => e.type === 'clock:skew')).toBe(true);
    expect(events.filter((e) => e.type === 'run:start' && e.catchUp).length).toBeGreaterThanOrEqual(6);
  }, 600_000);
});
