import { describe, expect, it } from 'vitest';
import { isTickworkError } from '../../src/errors.js';
import { cronTicks, everyTicks, nextTick, ticksBetween } from '../../src/scheduler/ticks.js';

describe('tick calculation', () => {
  it('refuses a next tick that does not advance instead of looping', () => {
    const stuck = { next: (after: number) => after };
    const backwards = { next: (after: number) => after - 1000 };
    for (const calc of [stuck, backwards]) {
      expect(() => nextTick(calc, 1000, 'j')).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    }
    try {
      ticksBetween(stuck, 0, 10_000, 'j', 10);
      expect.unreachable();
    } catch (e) {
      expect(isTickworkError(e, 'INTERNAL')).toBe(true);
    }
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

  it('lists the ticks of a window, keeping the newest and counting the dropped ones', () => {
    const { ticks, dropped, droppedTotal } = ticksBetween(everyTicks(1000), 0, 10_000, 'j', 3);
    expect(ticks).toEqual([8000, 9000, 10_000]);
    expect(dropped).toEqual([1000, 2000, 3000, 4000, 5000, 6000, 7000]);
    expect(droppedTotal).toBe(7);
    const week = ticksBetween(everyTicks(1000), 0, 7 * 86_400_000, 'j', 5);
    expect(week.droppedTotal).toBe(7 * 86_400 - 5);
    expect(week.dropped.length).toBeLessThanOrEqual(2010);
  });
});
