/**
 * A job's timer loop and the dispatch of a window at their limits, on fake time with the memory lock: a
 * wake-up exactly `lateness` late still runs its tick on time, one millisecond later it goes to the catch-up
 * policy; a wake-up that finds the next tick due as well; a cursor equal to the start instant (nothing was
 * missed); a lock that cannot tell its cursor yet (asked again, backing off to 5 s); late ticks of an
 * exclusive job one after another, of an overlapping one all at once, and without an on-time tick nothing
 * more. The walk back through a window (`dueTicks`) is watched through a pass-through spy: the loop's fast
 * path must take every on-time wake-up without it.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryLock } from '../../adapters/memory/lock.js';
import { dueTicks } from '../../src/scheduler/catch-up.js';
import { dispatchDue } from '../../src/scheduler/dispatch.js';
import { jobLoop, loopSignal } from '../../src/scheduler/job-loop.js';
import type { LockAdapter } from '../../src/scheduler/lock-adapter.js';
import type { JobOptions } from '../../src/scheduler/types.js';
import { acquireRequest, type Recorded } from './helpers.js';
import { lockWith, testJob, testRuntime } from './limits-runtime.js';

// The same function, counted: whether a wake-up walked the window or took the fast path.
vi.mock('../../src/scheduler/catch-up.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/scheduler/catch-up.js')>();
  return { ...original, dueTicks: vi.fn(original.dueTicks) };
});

const T0 = Date.UTC(2025, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString();

function setup(
  options: { job?: Partial<JobOptions>; lock?: (base: LockAdapter) => Partial<LockAdapter>; lateness?: number } = {},
) {
  let jump = 0;
  // One clock for the scheduler and the lock: a stalled process sees both move on.
  const clock = { now: () => Date.now() + jump };
  const base = memoryLock({ clock });
  const { rt, lines } = testRuntime({
    lock: lockWith(options.lock?.(base) ?? {}, base),
    clock,
    lateness: options.lateness ?? 500,
  });
  const runs: { tick: number; catchUp: boolean; at: number }[] = [];
  const job = testJob({
    every: 1000,
    run: (ctx) => void runs.push({ tick: +ctx.tick - T0, catchUp: ctx.catchUp, at: rt.clock.now() - T0 }),
    ...options.job,
  });
  const events: Recorded[] = [];
  for (const type of ['run:skipped', 'tick:missed', 'job:error'] as const)
    rt.events.on(type, (payload) => void events.push({ type, ...payload } as Recorded));
  const tracked = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    tracked.add(p);
    return p;
  };
  return {
    rt,
    lines,
    job,
    runs,
    events,
    track,
    tracked,
    lock: base,
    setJump: (ms: number) => {
      jump = ms;
    },
  };
}

async function stop(s: ReturnType<typeof setup>, loop: Promise<void>) {
  s.rt.stopping.abort();
  await vi.advanceTimersByTimeAsync(100);
  await loop;
  await Promise.all(s.tracked);
}

describe('jobLoop at its limits', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'], now: T0 });
  });
  afterEach(() => vi.useRealTimers());

  it('a wake-up exactly `lateness` late runs its tick on time; one millisecond later it is missed', async () => {
    for (const [late, expected] of [
      [500, [{ tick: 1000, catchUp: false, at: 1500 }]],
      [501, []],
    ] as const) {
      vi.setSystemTime(T0);
      const s = setup({ lateness: 500 });
      const loop = jobLoop(s.rt, s.job, s.track);
      // The process stalls: the timer for the tick at 1000 fires, but the clock reads `late` ms later.
      await vi.advanceTimersByTimeAsync(0);
      s.setJump(late);
      await vi.advanceTimersByTimeAsync(1000);
      await Promise.all(s.tracked);
      expect(s.runs).toEqual(expected);
      expect(s.events.filter((e) => e.type === 'tick:missed').map((e) => +e.tick - T0)).toEqual(
        expected.length === 0 ? [1000] : [],
      );
      await stop(s, loop);
    }
  });

  it('a wake-up that finds the next tick due too hands both to the catch-up policy', async () => {
    // Lateness 2000: the tick at 1000 is on time by lateness, but the tick at 2000 is due as well.
    for (const [jump, runs] of [
      [999, [{ tick: 1000, catchUp: false, at: 1999 }]],
      [1000, [{ tick: 2000, catchUp: false, at: 2000 }]],
    ] as const) {
      vi.setSystemTime(T0);
      const s = setup({ lateness: 2000 });
      const loop = jobLoop(s.rt, s.job, s.track);
      await vi.advanceTimersByTimeAsync(0);
      s.setJump(jump);
      await vi.advanceTimersByTimeAsync(1000);
      await Promise.all(s.tracked);
      expect(s.runs).toEqual(runs);
      expect(s.events.filter((e) => e.type === 'tick:missed').map((e) => +e.tick - T0)).toEqual(
        jump === 1000 ? [1000] : [],
      );
      await stop(s, loop);
    }
  });

  it('at start, ticks after the lock’s cursor and up to the start go to the catch-up policy; a done cursor tick does not run', async () => {
    for (const [cursorAt, missed] of [
      [-3000, [-2000, -1000, 0]],
      [-1, [0]],
      [0, []],
    ] as const) {
      vi.setSystemTime(T0 + cursorAt);
      const s = setup();
      // The cursor is the newest tick the fleet claimed; this one was finished.
      const request = acquireRequest(s.job.key, T0 + cursorAt, { ttlMs: 1000, exclusive: true });
      const claimed = await s.lock.acquire(request);
      expect(claimed.acquired).toBe(true);
      const fence = claimed.acquired ? claimed.fence : 0;
      const outcome = { status: 'succeeded', fence, at: T0 + cursorAt } as const;
      expect(await s.lock.complete({ ...request, outcome, advanceHighWaterMark: true })).toBe(true);
      vi.setSystemTime(T0);
      const loop = jobLoop(s.rt, s.job, s.track);
      await vi.advanceTimersByTimeAsync(0);
      await Promise.all(s.tracked);
      expect(s.events.filter((e) => e.type === 'tick:missed').map((e) => +e.tick - T0)).toEqual(missed);
      // Every start-up tick is late, even one at the start instant; the done one at the cursor says nothing.
      expect(s.runs).toEqual([]);
      expect(s.events.filter((e) => e.type === 'run:skipped')).toEqual([]);
      await stop(s, loop);
    }
  });

  it('at start, the cursor tick of a holder that died is taken over once its lease expires, whatever the catch-up policy', async () => {
    // [lease ttl of the claim at -1000, at-most-once, when the takeover runs (undefined: never)]
    for (const [ttlMs, atMostOnce, runsAt] of [
      [500, false, 0],
      [3500, false, 2505],
      [500, true, undefined],
    ] as const) {
      vi.setSystemTime(T0 - 1000);
      const s = setup({
        job: { catchUp: 'none', overlap: 'allow', delivery: atMostOnce ? 'at-most-once' : 'at-least-once' },
      });
      const claimed = await s.lock.acquire(acquireRequest(s.job.key, T0 - 1000, { token: 'dead', ttlMs, atMostOnce }));
      expect(claimed.acquired).toBe(true);
      vi.setSystemTime(T0);
      const loop = jobLoop(s.rt, s.job, s.track);
      await vi.advanceTimersByTimeAsync(4000);
      const takenOver = s.runs.filter((r) => r.tick === -1000);
      expect(takenOver).toEqual(runsAt === undefined ? [] : [{ tick: -1000, catchUp: true, at: runsAt }]);
      // Taken over or not, the cursor tick was neither missed nor skipped here: it was its holder's to report.
      expect(s.events.filter((e) => 'tick' in e && +e.tick === T0 - 1000)).toEqual([]);
      // The loop went on meanwhile.
      expect(s.runs.filter((r) => r.tick > 0).map((r) => r.tick)).toEqual([1000, 2000, 3000, 4000]);
      await stop(s, loop);
    }
  });

  it('asks a lock that cannot tell its cursor again after 100, 200, 400, … ms, at most 5 s', async () => {
    let calls: number[] = [];
    let failing = true;
    const s = setup({
      lock: (base) => ({
        state: async (job, tick) => {
          calls.push(Date.now() - T0);
          if (failing) throw new Error('no cursor');
          return base.state(job, tick);
        },
      }),
    });
    const loop = jobLoop(s.rt, s.job, s.track);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(calls.slice(0, 10)).toEqual([0, 100, 300, 700, 1500, 3100, 6300, 11_300, 16_300, 21_300]);
    const tries = s.lines.filter((l) => l.message === 'could not read the lock cursor; catch-up waits for the lock');
    expect(tries.slice(0, 3).map((l) => l.level)).toEqual(['warn', 'debug', 'debug']);
    // Nothing is scheduled while the cursor is unknown.
    expect(s.runs).toEqual([]);
    failing = false;
    calls = [];
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.runs.length).toBeGreaterThan(0);
    await stop(s, loop);
    // A stop while waiting for the cursor ends the loop.
    failing = true;
    const t = setup({
      lock: () => ({
        state: async () => {
          throw new Error('no cursor');
        },
      }),
    });
    const stuck = jobLoop(t.rt, t.job, t.track);
    await vi.advanceTimersByTimeAsync(50);
    t.rt.stopping.abort();
    await stuck;
    expect(t.runs).toEqual([]);
  });

  it('a pattern without further ticks ends the loop; a calculator that does not advance stops the job with an error', async () => {
    const s = setup();
    const calc = { ...s.job.calc, next: () => null };
    const done = { ...s.job, calc };
    await jobLoop(s.rt, done, s.track);
    expect(s.lines.find((l) => l.message === 'the pattern has no further ticks; the job is done')).toEqual({
      level: 'info',
      message: 'the pattern has no further ticks; the job is done',
      fields: { job: 'j' },
    });
    const stuck = { ...s.job, calc: { ...s.job.calc, next: (after: number) => after } };
    await jobLoop(s.rt, stuck, s.track);
    expect(stuck.error).toMatchObject({ code: 'INTERNAL' });
    expect(s.events.filter((e) => e.type === 'job:error')).toEqual([
      { type: 'job:error', name: 'j', instanceId: 'self', error: stuck.error },
    ]);
    expect(s.lines.find((l) => l.message === 'job stopped scheduling')).toMatchObject({
      level: 'error',
      fields: { job: 'j', err: stuck.error },
    });
  });

  it('a wake-up up to exactly `lateness` late takes the fast path: no walk back through the window', async () => {
    for (const [late, walks] of [
      [0, 0],
      [500, 0],
      [501, 1],
    ] as const) {
      vi.setSystemTime(T0);
      vi.mocked(dueTicks).mockClear();
      const s = setup();
      const loop = jobLoop(s.rt, s.job, s.track);
      await vi.advanceTimersByTimeAsync(0);
      s.setJump(late);
      await vi.advanceTimersByTimeAsync(1000);
      expect(s.runs.map((r) => r.tick)).toEqual(late > 500 ? [] : [1000]);
      expect(vi.mocked(dueTicks)).toHaveBeenCalledTimes(walks);
      await stop(s, loop);
    }
  });

  it('the last tick of a finite pattern, on time, takes the fast path too', async () => {
    vi.mocked(dueTicks).mockClear();
    const s = setup();
    const calc = { ...s.job.calc, next: (after: number) => (after < T0 + 1000 ? T0 + 1000 : null) };
    const finite = { ...s.job, calc };
    const loop = jobLoop(s.rt, finite, s.track);
    await vi.advanceTimersByTimeAsync(1000);
    await loop;
    await Promise.all(s.tracked);
    expect(s.runs).toEqual([{ tick: 1000, catchUp: false, at: 1000 }]);
    expect(vi.mocked(dueTicks)).not.toHaveBeenCalled();
  });

  it('a lock cursor at the start instant means nothing was missed: no walk at start', async () => {
    vi.mocked(dueTicks).mockClear();
    const s = setup();
    await claim(s, T0);
    const loop = jobLoop(s.rt, s.job, s.track);
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.mocked(dueTicks)).not.toHaveBeenCalled();
    await stop(s, loop);
  });

  it('a lock that cannot tell its cursor is published as a failed `state` call and logged with the job', async () => {
    const errors: unknown[] = [];
    const listener = (m: unknown) => void errors.push(m);
    subscribe('tickwork:lock:error', listener);
    try {
      const failure = new Error('no cursor');
      const s = setup({
        lock: () => ({
          state: async () => {
            throw failure;
          },
        }),
      });
      const loop = jobLoop(s.rt, s.job, s.track);
      await vi.advanceTimersByTimeAsync(0);
      expect(errors).toEqual([{ job: 'j', operation: 'state', instanceId: 'self' }]);
      expect(s.lines.find((l) => l.message === 'could not read the lock cursor; catch-up waits for the lock')).toEqual({
        level: 'warn',
        message: 'could not read the lock cursor; catch-up waits for the lock',
        fields: { job: 'j', err: failure },
      });
      await stop(s, loop);
    } finally {
      unsubscribe('tickwork:lock:error', listener);
    }
  });

  it('the loop ends when the job is removed, not only when the scheduler stops', async () => {
    const s = setup();
    const signal = loopSignal(s.rt, s.job);
    expect(signal.aborted).toBe(false);
    s.job.removed.abort();
    expect(signal.aborted).toBe(true);
    const t = setup();
    const loop = jobLoop(t.rt, t.job, t.track);
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.runs).toHaveLength(1);
    t.job.removed.abort();
    await vi.advanceTimersByTimeAsync(5000);
    await loop;
    expect(t.runs).toHaveLength(1);
  });
});

describe('dispatchDue at its limits', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'], now: T0 });
  });
  afterEach(() => vi.useRealTimers());

  it('an exclusive job runs its late ticks one after another, then the on-time tick, all as catch-up', async () => {
    const starts: string[] = [];
    const s = setup({
      job: {
        catchUp: 'all',
        run: async (ctx) => {
          starts.push(`start ${+ctx.tick - T0} ${ctx.catchUp}`);
          await new Promise((r) => setTimeout(r, 10));
          starts.push(`end ${+ctx.tick - T0}`);
        },
      },
    });
    // The fleet claimed the tick at -3000 (a cursor to catch up from).
    await claim(s, T0 - 3000);
    await dispatchDue(s.rt, s.job, s.track, T0 - 3000, T0, 0);
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(s.tracked);
    expect(starts).toEqual(['start -2000 true', 'end -2000', 'start -1000 true', 'end -1000', 'start 0 true', 'end 0']);
    expect(s.job.cursor).toBe(T0);
  });

  it('an overlapping job starts its late ticks and the on-time tick at once; the on-time one is no catch-up', async () => {
    const starts: string[] = [];
    const s = setup({
      job: {
        catchUp: 'all',
        overlap: 'allow',
        run: async (ctx) => {
          starts.push(`start ${+ctx.tick - T0} ${ctx.catchUp}`);
          await new Promise((r) => setTimeout(r, 10));
          starts.push(`end ${+ctx.tick - T0}`);
        },
      },
    });
    await claim(s, T0 - 3000);
    await dispatchDue(s.rt, s.job, s.track, T0 - 3000, T0, 0);
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(s.tracked);
    expect(starts.slice(0, 3).sort()).toEqual(['start -1000 true', 'start -2000 true', 'start 0 false']);
  });

  it('late ticks without an on-time one: exactly the late ticks run, exclusive or overlapping', async () => {
    for (const overlap of ['skip', 'allow'] as const) {
      vi.setSystemTime(T0 + 500);
      const s = setup({ job: { catchUp: 'all', overlap } });
      await claim(s, T0 - 3000);
      // At T0 + 500 with no lateness allowed, the tick at T0 is late too.
      await dispatchDue(s.rt, s.job, s.track, T0 - 3000, T0 + 500, 0);
      await vi.advanceTimersByTimeAsync(1000);
      await Promise.all(s.tracked);
      expect(s.runs.map((r) => [r.tick, r.catchUp]).sort(([a], [b]) => Number(a) - Number(b))).toEqual([
        [-2000, true],
        [-1000, true],
        [0, true],
      ]);
      expect(s.events.filter((e) => e.type === 'job:error')).toEqual([]);
    }
  });

  it('an on-time tick without late ones runs as a normal tick; the cursor never moves back', async () => {
    const s = setup();
    s.job.cursor = T0 + 5000;
    await dispatchDue(s.rt, s.job, s.track, T0 - 1000, T0, 0);
    await vi.advanceTimersByTimeAsync(100);
    await Promise.all(s.tracked);
    expect(s.runs).toEqual([{ tick: 0, catchUp: false, at: 0 }]);
    expect(s.job.cursor).toBe(T0 + 5000);
    // An empty window leaves the cursor alone.
    const t = setup();
    t.job.cursor = 123;
    await dispatchDue(t.rt, t.job, t.track, T0 - 500, T0 - 1, 0);
    expect(t.job.cursor).toBe(123);
  });

  it('each on-time tick costs one schedule computation: the tick after it, computed to plan it, is slept to next', async () => {
    for (const options of [
      { every: 1000 },
      { every: undefined, cron: '* * * * * *' },
      { every: undefined, cron: '*/2 * * * * *' },
    ] as const) {
      vi.setSystemTime(T0);
      const s = setup({ job: options as Partial<JobOptions> });
      const next = vi.spyOn(s.job.calc, 'next');
      const loop = jobLoop(s.rt, s.job, s.track);
      await vi.advanceTimersByTimeAsync(10_000);
      await Promise.all(s.tracked);
      const period = options.every ?? (options.cron.startsWith('*/2') ? 2000 : 1000);
      const ticks = Array.from({ length: 10_000 / period }, (_, i) => (i + 1) * period);
      expect(s.runs.map((r) => r.tick)).toEqual(ticks);
      expect(s.runs.every((r) => !r.catchUp && r.at === r.tick)).toBe(true);
      // The first sleep's tick, then one per tick planned (the last plan looked one tick past the window).
      expect(next.mock.calls.length).toBe(1 + ticks.length);
      next.mockRestore();
      await stop(s, loop);
    }
  });

  it('reports each missed tick once: event, metric, last run, history, and one log line that counts them', async () => {
    const messages: unknown[] = [];
    const listener = (m: unknown) => void messages.push(m);
    subscribe('tickwork:tick:missed', listener);
    try {
      const s = setup();
      vi.setSystemTime(T0 + 7);
      await dispatchDue(s.rt, s.job, s.track, T0 - 3000, T0 + 7, 0);
      expect(s.events.map((e) => [e.type, 'tick' in e ? +e.tick - T0 : Number.NaN])).toEqual([
        ['tick:missed', -2000],
        ['tick:missed', -1000],
        ['tick:missed', 0],
      ]);
      expect(messages).toEqual(
        [-2000, -1000, 0].map((d) => ({ job: 'j', tickId: `j@${iso(T0 + d)}`, instanceId: 'self' })),
      );
      expect(s.job.lastRun).toEqual({
        name: 'j',
        tick: new Date(T0),
        tickId: `j@${iso(T0)}`,
        instanceId: 'self',
        outcome: 'missed',
        at: new Date(T0 + 7),
      });
      await vi.advanceTimersByTimeAsync(0);
      const history = await s.lock.history(s.job.key, { limit: 10 });
      expect(history).toHaveLength(3);
      expect(history.find((h) => h.tickAt === T0)).toEqual({
        id: `j@${iso(T0)}:missed`,
        job: 'j',
        tickAt: T0,
        tickId: `j@${iso(T0)}`,
        instanceId: 'self',
        startedAt: null,
        endedAt: T0 + 7,
        outcome: 'missed',
        attempts: 0,
        fence: null,
        catchUp: false,
        manual: false,
      });
      expect(s.lines.filter((l) => l.message === 'ticks missed')).toEqual([
        { level: 'warn', message: 'ticks missed', fields: { job: 'j', missed: 3 } },
      ]);
      // More than 100: the log line says so.
      const t = setup();
      await dispatchDue(t.rt, t.job, t.track, T0 - 200_000, T0, 0);
      expect(t.lines.filter((l) => l.message === 'ticks missed').map((l) => l.fields.missed)).toEqual(['>100']);
      // None missed: no line.
      const u = setup();
      await dispatchDue(u.rt, u.job, u.track, T0 - 1000, T0, 0);
      expect(u.lines.filter((l) => l.message === 'ticks missed')).toEqual([]);
      await vi.advanceTimersByTimeAsync(100);
      await Promise.all([...t.tracked, ...u.tracked]);
    } finally {
      unsubscribe('tickwork:tick:missed', listener);
    }
  });
});

/** Makes the lock's cursor `ms` for the job, as if the fleet had claimed that tick. */
async function claim(s: ReturnType<typeof setup>, ms: number) {
  const now = Date.now();
  vi.setSystemTime(ms);
  await s.lock.acquire({
    job: s.job.key,
    tick: String(ms),
    tickMs: ms,
    token: 'fleet',
    ttlMs: 100,
    earlyToleranceMs: null,
    maxLateMs: null,
    kind: 'scheduled',
    exclusive: false,
    atMostOnce: false,
    retentionMs: 60_000,
  });
  vi.setSystemTime(now);
  await vi.advanceTimersByTimeAsync(200);
  vi.setSystemTime(now);
}
