import { describe, expect, it } from 'vitest';
import { isTickworkError } from '../../src/errors.js';
import { cronTicks, everyTicks, jobKeyOf, latestTicks, nextTick } from '../../src/scheduler/ticks.js';

describe('tick calculation', () => {
  it('refuses a next tick that does not advance instead of looping', () => {
    const stuck = { next: (after: number) => after };
    const backwards = { next: (after: number) => after - 1000 };
    for (const calc of [stuck, backwards]) {
      try {
        nextTick(calc, 1000, 'j');
        expect.unreachable();
      } catch (e) {
        expect(isTickworkError(e, 'INTERNAL')).toBe(true);
      }
    }
    // Walking back ends, rather than loops, on a calculator whose previous tick does not go back.
    const stuckBack = { ...everyTicks(1000), prev: () => 5000 };
    expect(latestTicks(stuckBack, 0, 10_000, 10)).toEqual({ ticks: [5000], more: false });
  });

  it('aligns every-ticks to the epoch so every instance agrees', () => {
    const calc = everyTicks(1000);
    expect(nextTick(calc, 1500, 'j')).toBe(2000);
    expect(nextTick(calc, 2000, 'j')).toBe(3000);
  });

  it('computes cron ticks with seconds, L, W and # in a time zone', () => {
    const at = Date.parse('2025-02-01T00:00:00Z');
    expect(new Date(cronTicks('0 0 12 L * *', 'UTC').next(at) ?? 0).toISOString()).toBe('2025-02-28T12:00:00.000Z');
    expect(new Date(cronTicks('0 9 15W * *', 'UTC').next(at) ?? 0).toISOString()).toBe('2025-02-14T09:00:00.000Z');
    expect(new Date(cronTicks('0 9 * * 1#2', 'Europe/Berlin').next(at) ?? 0).toISOString()).toBe(
      '2025-02-10T08:00:00.000Z',
    );
    expect(cronTicks('*/5 * * * * *', 'UTC').next(at)).toBe(at + 5000);
  });

  it('lists the newest ticks of a window with bounded work, however old the window start is', () => {
    expect(latestTicks(everyTicks(1000), 0, 10_000, 3)).toEqual({ ticks: [8000, 9000, 10_000], more: true });
    expect(latestTicks(everyTicks(1000), 7000, 10_000, 10)).toEqual({ ticks: [8000, 9000, 10_000], more: false });
    // A per-second cron whose window starts a week ago: the work is the limit, not 604,800 steps.
    const calc = cronTicks('* * * * * *', 'UTC');
    const now = Date.UTC(2025, 5, 1, 12);
    let calls = 0;
    const counted = {
      ...calc,
      prev: (b: number) => {
        calls++;
        return calc.prev(b);
      },
    };
    const week = latestTicks(counted, now - 7 * 86_400_000, now, 5);
    expect(week.ticks).toEqual([4, 3, 2, 1, 0].map((i) => now - i * 1000));
    expect(week.more).toBe(true);
    expect(calls).toBeLessThanOrEqual(6);
  });

  it.each([
    // zone, pattern, local day, the local times it runs that day
    ['Europe/Berlin', '15,45 2 * * *', '2025-10-26', ['02:15', '02:45']],
    ['Europe/Berlin', '15,45 2 * * *', '2025-03-30', ['03:00']],
    ['Europe/Berlin', '15,45 2 * * *', '2025-03-31', ['02:15', '02:45']],
    ['Europe/Berlin', '*/20 2 * * *', '2025-10-26', ['02:00', '02:20', '02:40']],
    ['America/New_York', '0,30 1 * * *', '2025-11-02', ['01:00', '01:30']],
    ['America/New_York', '30 2 * * *', '2025-03-09', ['03:00']],
    ['Australia/Lord_Howe', '45 1 * * *', '2025-04-06', ['01:45']],
    ['Australia/Lord_Howe', '10,20 2 * * *', '2025-10-05', ['02:30']],
  ] as const)(
    'DST in %s, %s on %s: each wall-clock slot once, skipped slots once after the jump',
    (zone, pattern, day, times) => {
      const calc = cronTicks(pattern, zone);
      const local = new Intl.DateTimeFormat('sv', { timeZone: zone, dateStyle: 'short', timeStyle: 'short' });
      const seen: string[] = [];
      let t = Date.parse(`${day}T00:00:00Z`) - 2 * 86_400_000;
      for (let i = 0; i < 20; i++) {
        const n = nextTick(calc, t, 'dst');
        if (n === null) break;
        t = n;
        const [d, time] = local.format(n).split(' ');
        if (d === day) seen.push(time ?? '');
      }
      expect(seen).toEqual(times);
      // Walking back gives the same instants.
      const back = latestTicks(calc, Date.parse(`${day}T00:00:00Z`) - 2 * 86_400_000, t, 20).ticks;
      const forward: number[] = [];
      for (let f = Date.parse(`${day}T00:00:00Z`) - 2 * 86_400_000; ; ) {
        const n = calc.next(f);
        if (n === null || n > t) break;
        forward.push(n);
        f = n;
      }
      expect(back).toEqual(forward);
    },
  );

  it('keys a job by its name and schedule', () => {
    const a = jobKeyOf('cleanup', cronTicks('0 * * * *', 'UTC').schedule);
    expect(a).toMatch(/^cleanup~[0-9a-f]{8}$/);
    expect(jobKeyOf('cleanup', cronTicks('0 * * * *', 'UTC').schedule)).toBe(a);
    expect(jobKeyOf('cleanup', cronTicks('30 * * * *', 'UTC').schedule)).not.toBe(a);
    expect(jobKeyOf('cleanup', cronTicks('0 * * * *', 'Europe/Berlin').schedule)).not.toBe(a);
    expect(jobKeyOf('cleanup', everyTicks(60_000).schedule)).not.toBe(a);
  });
});
