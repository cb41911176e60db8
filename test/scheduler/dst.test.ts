/**
 * DST on an injected clock: a daily job runs once per local day, never twice, on spring-forward and
 * fall-back days, including Lord Howe's 30-minute shift; an hourly job never repeats a UTC instant.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryLock } from '../../adapters/memory/lock.js';
import { createScheduler } from '../../src/scheduler/index.js';

const DAY = 86_400_000;

const cases = [
  // zone, transition day (local), daily pattern inside the gap/overlap hour
  ['Europe/Berlin', '2025-03-30', '30 2 * * *'],
  ['Europe/Berlin', '2025-10-26', '30 2 * * *'],
  ['America/New_York', '2025-03-09', '30 2 * * *'],
  ['America/New_York', '2025-11-02', '30 1 * * *'],
  ['Australia/Lord_Howe', '2025-04-06', '45 1 * * *'],
  ['Australia/Lord_Howe', '2025-10-05', '15 2 * * *'],
] as const;

describe('scheduler across DST changes', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] }));
  afterEach(() => vi.useRealTimers());

  it.each(cases)('%s around %s: a daily job once per day, an hourly job never twice', async (zone, day, daily) => {
    const start = Date.parse(`${day}T00:00:00Z`) - 2 * DAY;
    vi.setSystemTime(start);
    const s = createScheduler({ lock: memoryLock() });
    const dailyTicks: number[] = [];
    const hourlyTicks: number[] = [];
    s.add({ name: 'daily', cron: daily, timezone: zone, run: ({ tick }) => void dailyTicks.push(+tick) });
    s.add({ name: 'hourly', cron: '0 * * * *', timezone: zone, run: ({ tick }) => void hourlyTicks.push(+tick) });
    await s.start();
    await vi.advanceTimersByTimeAsync(4 * DAY);
    await s.stop();

    const localDay = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    const days = dailyTicks.map((t) => localDay.format(t));
    expect(new Set(days).size).toBe(days.length);
    expect(days).toContain(day);
    expect(days.length).toBeGreaterThanOrEqual(4);
    for (const ticks of [dailyTicks, hourlyTicks]) {
      for (let i = 1; i < ticks.length; i++) expect(ticks[i]).toBeGreaterThan(ticks[i - 1] ?? Infinity);
    }
    // Every whole UTC hour in the window is a local whole hour in these zones except Lord Howe (+10:30/+11);
    // on a fall-back day the repeated local hour runs once, so one UTC hour has no tick.
    const fallBack = day.endsWith('-10-26') || day.endsWith('-11-02');
    if (zone !== 'Australia/Lord_Howe') expect(hourlyTicks.length).toBe(4 * 24 - (fallBack ? 1 : 0));
    expect(new Set(hourlyTicks).size).toBe(hourlyTicks.length);
  });
});
