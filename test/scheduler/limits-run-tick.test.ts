/**
 * One tick end to end at its limits, on fake time with the memory lock: the second wave looks exactly
 * `waveDelayMs` after the tick, a delegated tick never asks the lock, a caught-up or manual tick ignores
 * the waves; which skips reach the fleet's history (a manual run's, the paused tick of the instance that
 * moved the cursor) and which do not; what the history and the metrics say about a run.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryLock } from '../../adapters/memory/lock.js';
import { TickworkError } from '../../src/errors.js';
import type { AcquireRequest, LockAdapter, RunRecord } from '../../src/scheduler/lock-adapter.js';
import { type BoundedAttempts, rankOf, waveDelayMs } from '../../src/scheduler/membership.js';
import { manualPlan, scheduledPlan } from '../../src/scheduler/plan.js';
import { runTick } from '../../src/scheduler/run-tick.js';
import type { JobOptions } from '../../src/scheduler/types.js';
import type { Recorded } from './helpers.js';
import { lockWith, testJob, testRuntime } from './limits-runtime.js';

const T0 = Date.UTC(2025, 0, 1);
const MEMBERS = ['self', 'a', 'b', 'c', 'd'];

/** A runtime, a job and a lock that records every acquisition (when, and what). */
function setup(
  options: { job?: Partial<JobOptions>; lock?: (base: LockAdapter) => Partial<LockAdapter>; bounded?: boolean } = {},
) {
  const base = memoryLock();
  const acquires: { at: number; request: AcquireRequest }[] = [];
  const replaced = options.lock?.(base) ?? {};
  const acquire = replaced.acquire ?? base.acquire;
  const lock = lockWith(
    {
      ...replaced,
      acquire: (request) => {
        acquires.push({ at: Date.now() - T0, request });
        return acquire(request);
      },
    },
    base,
  );
  const job = testJob({ every: 60_000, ...options.job });
  const { rt, lines } = testRuntime({ lock, bounded: options.bounded ? boundedView(job.key) : null });
  const events: Recorded[] = [];
  for (const type of ['run:skipped', 'run:success', 'run:failure'] as const)
    rt.events.on(type, (payload) => void events.push({ type, ...payload } as Recorded));
  const history = async (): Promise<RunRecord[]> => {
    await vi.advanceTimersByTimeAsync(0);
    return base.history(job.key, { limit: 10 });
  };
  return { rt, lines, job, acquires, events, history, lock: base };
}

/** Bounded attempts with one candidate and a fresh view of five members. */
function boundedView(jobKey: string): BoundedAttempts {
  return {
    candidates: 1,
    heartbeatMs: 10_000,
    ttlMs: 30_000,
    skewBoundMs: 250,
    inSync: true,
    views: new Map([[jobKey, { members: MEMBERS, at: performance.now() }]]),
  };
}

/** A tick (a multiple of 60 s after T0) at which `self` has rank `rank` among MEMBERS. */
function tickWithRank(jobKey: string, wanted: (rank: number) => boolean): number {
  for (let i = 1; i < 500; i++) {
    const ms = T0 + i * 60_000;
    if (wanted(rankOf('self', MEMBERS, `${jobKey}\u0000${ms}`))) return ms;
  }
  throw new Error('no tick with that rank');
}

describe('runTick at its limits', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'], now: T0 });
  });
  afterEach(() => vi.useRealTimers());

  it('the second wave asks the lock exactly the wave delay after the tick, and runs it if nobody did', async () => {
    const s = setup({ bounded: true });
    const ms = tickWithRank(s.job.key, (r) => r === 1);
    vi.setSystemTime(ms);
    const delay = waveDelayMs(s.rt.lateness, 60_000);
    expect(delay).toBe(500);
    const result = runTick(s.rt, s.job, scheduledPlan(s.job, ms, false, ms));
    await vi.advanceTimersByTimeAsync(delay - 1);
    expect(s.acquires).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.acquires.map((a) => a.at)).toEqual([ms - T0 + delay]);
    expect(await result).toBe('succeeded');
  });

  it('a stop while waiting for the second wave skips the tick as stopped', async () => {
    const s = setup({ bounded: true });
    const ms = tickWithRank(s.job.key, (r) => r === 1);
    vi.setSystemTime(ms);
    const result = runTick(s.rt, s.job, scheduledPlan(s.job, ms, false, ms));
    await vi.advanceTimersByTimeAsync(100);
    s.rt.stopping.abort();
    expect(await result).toBe('skipped:stopped');
    expect(s.acquires).toHaveLength(0);
    expect(await s.history()).toEqual([]);
  });

  it('a delegated tick is skipped without asking the lock; a first-wave tick asks at once', async () => {
    const s = setup({ bounded: true });
    const delegated = tickWithRank(s.job.key, (r) => r >= 2);
    vi.setSystemTime(delegated);
    expect(await runTick(s.rt, s.job, scheduledPlan(s.job, delegated, false, delegated))).toBe('skipped:delegated');
    expect(s.acquires).toHaveLength(0);
    expect(s.events.map((e) => e.type === 'run:skipped' && e.reason)).toEqual(['delegated']);
    expect(s.events[0]).not.toHaveProperty('error');
    const first = tickWithRank(s.job.key, (r) => r === 0);
    vi.setSystemTime(first);
    expect(await runTick(s.rt, s.job, scheduledPlan(s.job, first, false, first))).toBe('succeeded');
    expect(s.acquires.map((a) => a.at)).toEqual([first - T0]);
  });

  it('a caught-up or manual tick ignores the waves: it asks at once', async () => {
    const s = setup({ bounded: true });
    const delegated = tickWithRank(s.job.key, (r) => r >= 2);
    vi.setSystemTime(delegated + 5000);
    // The lock refuses the caught-up tick (no tick was claimed before it): what counts is that it was asked.
    const caughtUp = await runTick(s.rt, s.job, scheduledPlan(s.job, delegated, true, delegated + 5000));
    expect(caughtUp).toBe('skipped:stale');
    expect(await runTick(s.rt, s.job, manualPlan(s.job, 'm', Date.now(), false))).toBe('succeeded');
    expect(s.acquires.map((a) => a.at)).toEqual([delegated + 5000 - T0, delegated + 5000 - T0]);
  });

  it('a stopping scheduler skips the tick before anything else, and keeps no record of it', async () => {
    const s = setup();
    s.rt.stopping.abort();
    expect(await runTick(s.rt, s.job, manualPlan(s.job, 'm', T0, false))).toBe('skipped:stopped');
    expect(s.acquires).toHaveLength(0);
    expect(await s.history()).toEqual([]);
    expect(s.job.lastRun).toMatchObject({ outcome: 'skipped:stopped', tickId: 'j@manual:m' });
  });

  it('a tick that meets its job running here is skipped as overlap; recorded only for a manual run', async () => {
    const s = setup();
    s.job.active.add(new Promise(() => {}));
    const ms = T0 + 60_000;
    vi.setSystemTime(ms);
    expect(await runTick(s.rt, s.job, scheduledPlan(s.job, ms, false, ms))).toBe('skipped:overlap');
    expect(await s.history()).toEqual([]);
    expect(await runTick(s.rt, s.job, manualPlan(s.job, 'm', ms, false))).toBe('skipped:overlap');
    expect(s.acquires).toHaveLength(0);
    expect(await s.history()).toEqual([
      {
        id: 'j@manual:m:skipped',
        job: 'j',
        tickAt: ms,
        tickId: 'j@manual:m',
        instanceId: 'self',
        catchUp: false,
        manual: true,
        startedAt: null,
        endedAt: ms,
        outcome: 'skipped',
        reason: 'overlap',
        attempts: 0,
        fence: null,
      },
    ]);
    // With overlap allowed, or for a queued manual run, the lock decides.
    const allow = setup({ job: { overlap: 'allow' } });
    allow.job.active.add(new Promise(() => {}));
    expect(await runTick(allow.rt, allow.job, scheduledPlan(allow.job, ms, false, ms))).toBe('succeeded');
    const queued = runTick(s.rt, s.job, manualPlan(s.job, 'q', ms, true));
    await vi.advanceTimersByTimeAsync(10);
    expect(s.acquires).toHaveLength(1);
    expect(await queued).toBe('succeeded');
  });

  it('a refusal is recorded only by the instance whose paused refusal moved the cursor, or for a manual run', async () => {
    const ms = T0 + 60_000;
    vi.setSystemTime(ms);
    // Counts history writes: the lock keeps one entry per id, so a second write of the skip would not show.
    let writes = 0;
    const s = setup({
      lock: (base) => ({
        record: (job, entry) => {
          writes++;
          return base.record(job, entry);
        },
      }),
    });
    await s.lock.setPaused(s.job.key, true);
    expect(await runTick(s.rt, s.job, scheduledPlan(s.job, ms, false, ms))).toBe('skipped:paused');
    expect(writes).toBe(1);
    // The second instance's refusal of the same tick does not move the cursor, and writes nothing.
    expect(await runTick(s.rt, s.job, scheduledPlan(s.job, ms, false, ms))).toBe('skipped:paused');
    expect(writes).toBe(1);
    expect((await s.history()).map((h) => [h.id, h.outcome, h.reason])).toEqual([
      [`j@${new Date(ms).toISOString()}:skipped`, 'skipped', 'paused'],
    ]);
    await s.lock.setPaused(s.job.key, false);
    // A tick done elsewhere: skipped here, not recorded.
    const done = setup({
      lock: (base) => ({
        acquire: async (r) => ({ ...(await base.acquire(r)), acquired: false, reason: 'done', retryInMs: 0 }) as never,
      }),
    });
    expect(await runTick(done.rt, done.job, scheduledPlan(done.job, ms, false, ms))).toBe('skipped:done');
    expect(await done.history()).toEqual([]);
    expect(await runTick(done.rt, done.job, manualPlan(done.job, 'm', ms, false))).toBe('skipped:done');
    expect((await done.history()).map((h) => [h.id, h.reason, h.manual])).toEqual([
      ['j@manual:m:skipped', 'done', true],
    ]);
  });

  it('a lock error skip carries the error in the event; others carry none', async () => {
    const down = new TickworkError('UNAVAILABLE', 'down');
    const s = setup({
      job: { every: 1000 },
      lock: () => ({
        acquire: async () => {
          throw down;
        },
      }),
    });
    const ms = T0 + 1000;
    vi.setSystemTime(ms);
    const result = runTick(s.rt, s.job, scheduledPlan(s.job, ms, false, ms));
    await vi.advanceTimersByTimeAsync(2000);
    expect(await result).toBe('skipped:lock-error');
    expect(s.events).toEqual([
      {
        type: 'run:skipped',
        name: 'j',
        tick: new Date(ms),
        tickId: s.job.name + '@' + new Date(ms).toISOString(),
        instanceId: 'self',
        reason: 'lock-error',
        error: down,
      },
    ]);
    expect(s.job.lastRun).toMatchObject({ outcome: 'skipped:lock-error', error: down });
  });

  it('records a run in the history with its token, fence, attempts and error; keeps it active while it runs', async () => {
    let during = 0;
    const s = setup({
      job: {
        retry: { retries: 1, minTimeout: 10, randomize: false },
        run: async ({ attempt }) => {
          during = s.job.active.size;
          await new Promise((r) => setTimeout(r, 20));
          throw new TickworkError('UNAVAILABLE', `attempt ${attempt}`);
        },
      },
    });
    const ms = T0 + 60_000;
    vi.setSystemTime(ms + 3);
    const result = runTick(s.rt, s.job, scheduledPlan(s.job, ms, false, ms + 3));
    await vi.advanceTimersByTimeAsync(100);
    expect(await result).toBe('failed');
    expect(during).toBe(1);
    expect(s.job.active.size).toBe(0);
    const [entry] = await s.history();
    expect(entry).toEqual({
      id: s.acquires[0]?.request.token,
      job: 'j',
      tickAt: ms,
      tickId: `j@${new Date(ms).toISOString()}`,
      instanceId: 'self',
      catchUp: false,
      manual: false,
      startedAt: ms + 3,
      endedAt: ms + 3 + 50,
      outcome: 'failed',
      attempts: 2,
      fence: expect.any(Number),
      errorCode: 'UNAVAILABLE',
      errorMessage: 'attempt 2',
    });
    expect(s.job.lastRun).toMatchObject({ outcome: 'failed', tick: new Date(ms), at: new Date(ms + 53) });
  });

  it('publishes the end of a run, with an error code only when it did not succeed, and each skip', async () => {
    const messages: { name: string; message: unknown }[] = [];
    const names = ['tickwork:run:end', 'tickwork:run:skipped'];
    const listeners = names.map((name) => {
      const l = (message: unknown) => void messages.push({ name, message });
      subscribe(name, l);
      return [name, l] as const;
    });
    try {
      let fail = false;
      const s = setup({
        job: {
          run: () => {
            if (fail) throw new TickworkError('UNAVAILABLE', 'no');
          },
        },
      });
      const ms = T0 + 60_000;
      vi.setSystemTime(ms);
      await runTick(s.rt, s.job, scheduledPlan(s.job, ms, false, ms));
      fail = true;
      await runTick(s.rt, s.job, manualPlan(s.job, 'm', ms, false));
      s.rt.stopping.abort();
      await runTick(s.rt, s.job, manualPlan(s.job, 'n', ms, false));
      // Strictly: a success's message has no `errorCode` key at all.
      expect(messages).toStrictEqual([
        {
          name: 'tickwork:run:end',
          message: {
            job: 'j',
            tickId: `j@${new Date(ms).toISOString()}`,
            instanceId: 'self',
            outcome: 'succeeded',
            durationMs: 0,
            attempts: 1,
          },
        },
        {
          name: 'tickwork:run:end',
          message: {
            job: 'j',
            tickId: 'j@manual:m',
            instanceId: 'self',
            outcome: 'failed',
            durationMs: 0,
            attempts: 1,
            errorCode: 'UNAVAILABLE',
          },
        },
        {
          name: 'tickwork:run:skipped',
          message: { job: 'j', tickId: 'j@manual:n', instanceId: 'self', reason: 'stopped' },
        },
      ]);
    } finally {
      for (const [name, l] of listeners) unsubscribe(name, l);
    }
  });
});
