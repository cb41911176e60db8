/** Scheduler behaviour on a fake clock with the memory lock: deterministic, no timing assertions. */
import { Cron } from 'croner';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryLock } from '../../adapters/memory/lock.js';
import { isTickworkError } from '../../src/errors.js';
import { createScheduler, type Scheduler } from '../../src/scheduler/index.js';
import { keyOf, record } from './helpers.js';

const T0 = Date.UTC(2025, 0, 1);

/** `stop()` waits for handlers that wait on fake timers, so time must move while it runs. */
async function stopAll(...schedulers: Scheduler[]): Promise<void> {
  let stopped = false;
  const stopping = Promise.all(schedulers.map((s) => s.stop({ grace: 5000 }))).then(() => {
    stopped = true;
  });
  for (let i = 0; i < 1000 && !stopped; i++) await vi.advanceTimersByTimeAsync(10);
  await stopping;
}
const iso = (ms: number) => new Date(ms).toISOString();

describe('scheduler on fake time', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'], now: T0 });
  });
  afterEach(() => vi.useRealTimers());

  it('runs an every-second job once per tick with the scheduled tick in the context', async () => {
    const s = createScheduler({ lock: memoryLock() });
    const seen: { tickId: string; tick: number; fence: number; attempt: number; catchUp: boolean }[] = [];
    s.add({
      name: 'sec',
      every: 1000,
      run: ({ tickId, tick, fence, attempt, catchUp }) =>
        void seen.push({ tickId, tick: +tick, fence, attempt, catchUp }),
    });
    await s.start();
    await vi.advanceTimersByTimeAsync(5000);
    await stopAll(s);
    expect(seen.map((r) => r.tickId)).toEqual([1, 2, 3, 4, 5].map((i) => `sec@${iso(T0 + i * 1000)}`));
    expect(seen.map((r) => r.tick)).toEqual([1, 2, 3, 4, 5].map((i) => T0 + i * 1000));
    // Fences grow strictly and start at the lock clock in microseconds (so they survive a lock that lost state).
    for (let i = 1; i < seen.length; i++) expect(seen[i]?.fence).toBeGreaterThan(seen[i - 1]?.fence ?? Infinity);
    expect(seen[0]?.fence).toBeGreaterThanOrEqual((T0 + 1000) * 1000);
    expect(seen.every((r) => r.attempt === 1 && !r.catchUp)).toBe(true);
  });

  it('two schedulers on one lock run each tick once; the other one skips it', async () => {
    const lock = memoryLock();
    const a = createScheduler({ lock, instanceId: 'a' });
    const b = createScheduler({ lock, instanceId: 'b' });
    const runs: string[] = [];
    for (const s of [a, b]) s.add({ name: 'j', every: 1000, leaseTtl: 300, run: (c) => void runs.push(c.tickId) });
    const events = record(a, b);
    await a.start();
    await b.start();
    await vi.advanceTimersByTimeAsync(10_000);
    await stopAll(a, b);
    expect(runs).toHaveLength(10);
    expect(new Set(runs).size).toBe(10);
    const skipped = events.filter((e) => e.type === 'run:skipped');
    expect(skipped).toHaveLength(10);
    expect(skipped.every((e) => e.type === 'run:skipped' && e.reason === 'done')).toBe(true);
  });

  it('retries with p-retry inside the tick and reports the attempt number', async () => {
    const s = createScheduler({ lock: memoryLock() });
    const attempts: number[] = [];
    s.add({
      name: 'flaky',
      every: 60_000,
      retry: { retries: 3, minTimeout: 100 },
      run: ({ attempt }) => {
        attempts.push(attempt);
        if (attempt < 3) throw new Error(`boom ${attempt}`);
      },
    });
    const events = record(s);
    await s.start();
    await vi.advanceTimersByTimeAsync(61_000);
    await stopAll(s);
    expect(attempts).toEqual([1, 2, 3]);
    expect(events.find((e) => e.type === 'run:success')).toMatchObject({ attempts: 3 });
  });

  it('never starts a retry after the next tick is due', async () => {
    const s = createScheduler({ lock: memoryLock() });
    const starts: { tick: number; at: number }[] = [];
    s.add({
      name: 'failing',
      every: 1000,
      overlap: 'allow',
      retry: { retries: 50, minTimeout: 150, factor: 1 },
      run: ({ tick }) => {
        starts.push({ tick: +tick, at: Date.now() });
        throw new Error('always');
      },
    });
    const events = record(s);
    await s.start();
    await vi.advanceTimersByTimeAsync(5500);
    await stopAll(s);
    expect(starts.length).toBeGreaterThan(5);
    for (const { tick, at } of starts) expect(at).toBeLessThan(tick + 1000);
    const failures = events.filter((e) => e.type === 'run:failure');
    expect(failures.length).toBeGreaterThanOrEqual(4);
    // `attempts` counts the attempts that started, never one the retry window refused.
    for (const f of failures) {
      const started = events.filter((e) => e.type === 'run:start' && e.tickId === f.tickId).length;
      expect(f.type === 'run:failure' && f.attempts).toBe(started);
    }
  });

  it('aborts the signal on timeout and reports TIMEOUT', async () => {
    const s = createScheduler({ lock: memoryLock() });
    let aborted: unknown;
    s.add({
      name: 'slow',
      every: 60_000,
      timeout: 500,
      run: ({ signal }) =>
        new Promise<void>((_, reject) => {
          signal.addEventListener('abort', () => {
            aborted = signal.reason;
            reject(signal.reason);
          });
        }),
    });
    const events = record(s);
    await s.start();
    await vi.advanceTimersByTimeAsync(61_000);
    await stopAll(s);
    expect(isTickworkError(aborted, 'TIMEOUT')).toBe(true);
    const failure = events.find((e) => e.type === 'run:failure');
    expect(failure?.type === 'run:failure' && isTickworkError(failure.error, 'TIMEOUT')).toBe(true);
  });

  it("overlap 'skip' skips ticks while the previous one runs; 'allow' runs them side by side", async () => {
    const lock = memoryLock();
    const s = createScheduler({ lock });
    let concurrentSkip = 0;
    let maxSkip = 0;
    let concurrentAllow = 0;
    let maxAllow = 0;
    const slow = (inc: () => number, dec: () => void) => async () => {
      inc();
      await new Promise((r) => setTimeout(r, 2500));
      dec();
    };
    s.add({
      name: 'skip',
      every: 1000,
      run: slow(
        () => (maxSkip = Math.max(maxSkip, ++concurrentSkip)),
        () => concurrentSkip--,
      ),
    });
    s.add({
      name: 'allow',
      every: 1000,
      overlap: 'allow',
      run: slow(
        () => (maxAllow = Math.max(maxAllow, ++concurrentAllow)),
        () => concurrentAllow--,
      ),
    });
    const events = record(s);
    await s.start();
    await vi.advanceTimersByTimeAsync(6000);
    await stopAll(s);
    expect(maxSkip).toBe(1);
    expect(maxAllow).toBeGreaterThan(1);
    const overlap = events.filter((e) => e.type === 'run:skipped' && e.reason === 'overlap' && e.name === 'skip');
    expect(overlap.length).toBeGreaterThanOrEqual(3);
  });

  it('pause skips ticks with a reason; resume runs them again', async () => {
    const s = createScheduler({ lock: memoryLock() });
    const runs: number[] = [];
    s.add({ name: 'p', every: 1000, run: ({ tick }) => void runs.push(+tick) });
    const events = record(s);
    await s.start();
    await vi.advanceTimersByTimeAsync(2000);
    await s.pause('p');
    expect((await s.jobs())[0]?.paused).toBe(true);
    await vi.advanceTimersByTimeAsync(3000);
    await s.resume('p');
    await vi.advanceTimersByTimeAsync(2000);
    const history = await s.history('p', { limit: 10 });
    await stopAll(s);
    expect(runs).toEqual([1, 2, 6, 7].map((i) => T0 + i * 1000));
    expect(events.filter((e) => e.type === 'run:skipped' && e.reason === 'paused')).toHaveLength(3);
    // Newest first: the paused ticks are in the fleet's history too, each once.
    expect(history.map((h) => [h.tickAt - T0, h.outcome, h.reason])).toEqual([
      [7000, 'succeeded', undefined],
      [6000, 'succeeded', undefined],
      [5000, 'skipped', 'paused'],
      [4000, 'skipped', 'paused'],
      [3000, 'skipped', 'paused'],
      [2000, 'succeeded', undefined],
      [1000, 'succeeded', undefined],
    ]);
  });

  it('trigger runs a job now under a manual tick id that does not move the high-water mark', async () => {
    const lock = memoryLock();
    const s = createScheduler({ lock });
    const ids: string[] = [];
    s.add({ name: 'm', cron: '0 0 * * *', run: ({ tickId }) => void ids.push(tickId) });
    await s.start();
    const result = await s.trigger('m', { here: true });
    expect(result.outcome).toBe('succeeded');
    expect(ids[0]).toMatch(/^m@manual:[0-9a-f-]{36}$/);
    expect(result.tickId).toBe(ids[0]);
    expect((await lock.state(await keyOf(s, 'm'))).highWaterMark).toBeNull();
    const [status] = await s.jobs();
    expect(status?.lastRun).toMatchObject({ outcome: 'succeeded', tickId: ids[0], manual: true, attempts: 1 });
    expect(status?.lastRunHere).toMatchObject({ outcome: 'succeeded', tickId: ids[0] });
    expect(status?.schedule).toEqual({ cron: '0 0 * * *' });
    expect(status?.nextRuns.map((d) => d.toISOString())).toEqual([
      '2025-01-02T00:00:00.000Z',
      '2025-01-03T00:00:00.000Z',
      '2025-01-04T00:00:00.000Z',
      '2025-01-05T00:00:00.000Z',
      '2025-01-06T00:00:00.000Z',
    ]);
    await stopAll(s);
    await expect(s.trigger('nope')).rejects.toSatisfy((e) => isTickworkError(e, 'NOT_FOUND'));
  });

  it.each([
    ['none', [], 9],
    ['latest', [9], 8],
    ['all', [1, 2, 3, 4, 5, 6, 7, 8, 9], 0],
  ] as const)("catch-up '%s' after every instance was down", async (catchUp, expected, missedCount) => {
    const lock = memoryLock();
    const first = createScheduler({ lock });
    first.add({ name: 'c', every: 1000, run: () => {} });
    await first.start();
    await vi.advanceTimersByTimeAsync(1000);
    await stopAll(first);
    expect((await lock.state(await keyOf(first, 'c'))).highWaterMark).toBe(T0 + 1000);
    // Everything is down for ~9 ticks.
    await vi.advanceTimersByTimeAsync(9500);
    const second = createScheduler({ lock });
    const caught: { tick: number; catchUp: boolean }[] = [];
    second.add({
      name: 'c',
      every: 1000,
      catchUp,
      run: (c) => void caught.push({ tick: +c.tick, catchUp: c.catchUp }),
    });
    const events = record(second);
    await second.start();
    await vi.advanceTimersByTimeAsync(200);
    await second.stop();
    expect(caught).toEqual(expected.map((i) => ({ tick: T0 + (1 + i) * 1000, catchUp: true })));
    expect(events.filter((e) => e.type === 'tick:missed')).toHaveLength(missedCount);
  });

  it('a wake-up later than `lateness` hands the missed ticks to the catch-up policy', async () => {
    let jump = 0;
    const clock = { now: () => Date.now() + jump };
    const s = createScheduler({ lock: memoryLock({ clock }), clock, lateness: 500 });
    const runs: { tick: number; catchUp: boolean }[] = [];
    s.add({
      name: 'l',
      every: 1000,
      catchUp: 'all',
      run: (c) => void runs.push({ tick: +c.tick, catchUp: c.catchUp }),
    });
    await s.start();
    await vi.advanceTimersByTimeAsync(1000);
    // The process stalls: when it looks again, 3.7 s have passed.
    jump = 3700;
    await vi.advanceTimersByTimeAsync(1100);
    await stopAll(s);
    expect(runs.map((r) => [(r.tick - T0) / 1000, r.catchUp])).toEqual([
      [1, false],
      [2, true],
      [3, true],
      [4, true],
      [5, true],
    ]);
  });

  it('chunks long timers: a yearly job waits a year without overflowing setTimeout and runs once', async () => {
    const s = createScheduler({ lock: memoryLock() });
    const runs: string[] = [];
    s.add({ name: 'y', cron: '0 0 1 1 *', run: ({ tickId }) => void runs.push(tickId) });
    await s.start();
    // Jump the wall clock (as after a suspend); the pending chunk re-reads it within 30 s.
    vi.setSystemTime(T0 + 40 * 86_400_000);
    await vi.advanceTimersByTimeAsync(31_000);
    expect(runs).toEqual([]);
    vi.setSystemTime(Date.UTC(2025, 11, 31, 23, 59, 0));
    await vi.advanceTimersByTimeAsync(120_000);
    await stopAll(s);
    expect(runs).toEqual(['y@2026-01-01T00:00:00.000Z']);
  });

  it.each([
    ['at-least-once', 'succeeded'],
    ['at-most-once', 'skipped:started'],
  ] as const)('%s: a tick whose holder died ends %s on another instance', async (delivery, outcome) => {
    const lock = memoryLock();
    const tick = T0 + 1000;
    const s = createScheduler({ lock });
    const runs: { tick: number; fence: number }[] = [];
    s.add({ name: 'd', every: 1000, delivery, run: ({ tick: t, fence }) => void runs.push({ tick: +t, fence }) });
    // A holder that took the tick and then died: its lease simply runs out.
    const dead = await lock.acquire({
      job: await keyOf(s, 'd'),
      tick: String(tick),
      tickMs: tick,
      token: 'dead-process',
      // Still live at the tick: the scheduler must wait for it to run out, then take over.
      ttlMs: 1500,
      earlyToleranceMs: null,
      maxLateMs: null,
      kind: 'scheduled',
      exclusive: true,
      atMostOnce: delivery === 'at-most-once',
      retentionMs: 60_000,
    });
    if (!dead.acquired) throw new Error('expected the dead holder to acquire');
    const events = record(s);
    await s.start();
    await vi.advanceTimersByTimeAsync(1900);
    await stopAll(s);
    const first = events.find((e) => (e.type === 'run:success' || e.type === 'run:skipped') && +e.tick === tick);
    const ended =
      first?.type === 'run:success' ? 'succeeded' : `skipped:${first?.type === 'run:skipped' ? first.reason : ''}`;
    expect(ended).toBe(outcome);
    const taken = runs.filter((r) => r.tick === tick);
    expect(taken).toHaveLength(outcome === 'succeeded' ? 1 : 0);
    for (const r of taken) expect(r.fence).toBeGreaterThan(dead.fence);
  });

  it('two definitions of one name with different schedules are two jobs: neither splits the other’s ticks', async () => {
    const lock = memoryLock();
    const a = createScheduler({ lock, instanceId: 'service-a' });
    const b = createScheduler({ lock, instanceId: 'service-b' });
    const runs: string[] = [];
    a.add({ name: 'cleanup', cron: '*/2 * * * * *', run: ({ tickId }) => void runs.push(`a ${tickId}`) });
    b.add({ name: 'cleanup', cron: '*/3 * * * * *', run: ({ tickId }) => void runs.push(`b ${tickId}`) });
    expect(await keyOf(a, 'cleanup')).not.toBe(await keyOf(b, 'cleanup'));
    await a.start();
    await b.start();
    await vi.advanceTimersByTimeAsync(12_000);
    await stopAll(a, b);
    expect(runs.filter((r) => r.startsWith('a '))).toHaveLength(6);
    expect(runs.filter((r) => r.startsWith('b '))).toHaveLength(4);
  });

  it('catch-up after a week-old cursor does bounded work, whatever the policy', async () => {
    for (const catchUp of ['none', 'latest', 'all'] as const) {
      const lock = memoryLock();
      const first = createScheduler({ lock });
      first.add({ name: 'week', cron: '* * * * * *', catchUp, maxCatchUp: 50, run: () => {} });
      await first.start();
      await vi.advanceTimersByTimeAsync(1000);
      await stopAll(first);
      vi.setSystemTime(Date.now() + 7 * 86_400_000);
      const prev = vi.spyOn(Cron.prototype, 'previousRuns');
      const next = vi.spyOn(Cron.prototype, 'nextRun');
      const second = createScheduler({ lock });
      const caught: number[] = [];
      second.add({
        name: 'week',
        cron: '* * * * * *',
        catchUp,
        maxCatchUp: 50,
        run: ({ tick }) => void caught.push(+tick),
      });
      const events = record(second);
      await second.start();
      await vi.advanceTimersByTimeAsync(10);
      const calls = prev.mock.calls.length + next.mock.calls.length;
      prev.mockRestore();
      next.mockRestore();
      await stopAll(second);
      // A walk over every missed instant would take 604,800 steps.
      expect(calls).toBeLessThan(1000);
      expect(caught.length).toBe(catchUp === 'all' ? 50 : catchUp === 'latest' ? 1 : 0);
      expect(events.filter((e) => e.type === 'tick:missed')).toHaveLength(100);
    }
  });

  it('a complete() the lock refuses after a successful handler is a lost lease, never a success', async () => {
    const inner = memoryLock();
    const lock = { ...inner, complete: async () => false };
    const s = createScheduler({ lock });
    const signals: AbortSignal[] = [];
    s.add({ name: 'refused', every: 1000, run: ({ signal }) => void signals.push(signal) });
    const events = record(s);
    await s.start();
    await vi.advanceTimersByTimeAsync(1100);
    await stopAll(s);
    // Work the handler left behind learns of the loss through its signal, as after a failed renewal.
    expect(signals.length).toBeGreaterThan(0);
    expect(signals.every((signal) => isTickworkError(signal.reason, 'LEASE_LOST'))).toBe(true);
    expect(events.filter((e) => e.type === 'run:success')).toEqual([]);
    expect(events.filter((e) => e.type === 'lease:lost')).toHaveLength(1);
    const failure = events.find((e) => e.type === 'run:failure');
    expect(failure?.type === 'run:failure' && isTickworkError(failure.error, 'LEASE_LOST')).toBe(true);
    expect((await s.jobs())[0]?.lastRun).toMatchObject({ outcome: 'failed', errorCode: 'LEASE_LOST' });
  });

  it('checks options up front', () => {
    const s = createScheduler({ lock: memoryLock() });
    const bad = [
      { name: 'a', run: () => {} },
      { name: 'a', cron: '* * * * *', every: 1000, run: () => {} },
      { name: 'a b', every: 1000, run: () => {} },
      { name: '{a}', every: 1000, run: () => {} },
      { name: 'a', cron: 'not a cron', run: () => {} },
      { name: 'a', cron: '* * * * *', timezone: 'Mars/Olympus', run: () => {} },
      { name: 'a', every: 5, run: () => {} },
      { name: 'a', every: 1000, overlap: 'sometimes' as 'skip', run: () => {} },
      { name: 'a', every: 1000, leaseTtl: -1, run: () => {} },
      { name: 'a~b', every: 1000, run: () => {} },
      { name: 'a', every: 1000, timeout: 0, run: () => {} },
      { name: 'a', every: 1000, abandonAfter: -1, run: () => {} },
      // Markers must outlive the lease, or a dead holder's tick could never be taken over.
      { name: 'a', every: 7000, leaseTtl: 30_000, doneRetention: 5000, run: () => {} },
    ];
    for (const options of bad)
      expect(() => s.add(options)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    s.add({ name: 'a', every: 1000, run: () => {} });
    expect(() => s.add({ name: 'a', every: 1000, run: () => {} })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
});
