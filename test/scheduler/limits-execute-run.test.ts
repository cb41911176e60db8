/**
 * Running a won tick at its limits, on fake time with the memory lock: retry counts and the retry window
 * (a retry that would start at or after the next tick does not), the timeout and `abandonAfter` one
 * millisecond either side, a stop that lands before the first attempt, a lock that blinks while the tick is
 * marked done (three retries, then it gives up), and what the handler, the events and the lock are told.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { memoryLock } from '../../adapters/memory/lock.js';
import { isTickworkError } from '../../src/errors.js';
import { acquireTick } from '../../src/scheduler/acquire-tick.js';
import { executeRun } from '../../src/scheduler/execute-run.js';
import type { CompleteRequest, LockAdapter } from '../../src/scheduler/lock-adapter.js';
import { manualPlan, scheduledPlan, type TickPlan } from '../../src/scheduler/plan.js';
import type { Runtime } from '../../src/scheduler/runtime.js';
import type { JobContext, JobOptions } from '../../src/scheduler/types.js';
import type { Recorded } from './helpers.js';
import { lockWith, testJob, testRuntime } from './limits-runtime.js';

const T0 = Date.UTC(2025, 0, 1);
const EVENTS = ['run:start', 'run:success', 'run:failure', 'run:abandoned', 'lease:lost'] as const;

interface Setup {
  readonly job?: Partial<JobOptions>;
  /** Lock methods to replace, given the memory lock they replace. */
  readonly lock?: (base: LockAdapter) => Partial<LockAdapter>;
  readonly runtime?: Partial<Runtime>;
  readonly manual?: boolean;
  /** Moves the scheduler's clock (not the timers) by this much. */
  readonly jump?: () => number;
  /** Called with the runtime just before the run starts (to listen to its first events). */
  readonly prepare?: (rt: Runtime) => void;
}

/** Wins the tick at T0 on the memory lock, then runs it; time must be advanced by the caller. */
async function start(setup: Setup) {
  const base = memoryLock();
  const completes: { at: number; request: CompleteRequest }[] = [];
  const replaced = setup.lock?.(base) ?? {};
  const complete = replaced.complete ?? base.complete;
  const lock = lockWith(
    {
      ...replaced,
      complete: (request) => {
        completes.push({ at: Date.now() - T0, request });
        return complete(request);
      },
    },
    base,
  );
  const jump = setup.jump ?? (() => 0);
  const { rt, lines } = testRuntime({ lock, clock: { now: () => Date.now() + jump() }, ...setup.runtime });
  const job = testJob({ every: 1000, ...setup.job });
  const plan: TickPlan = setup.manual ? manualPlan(job, 'm', T0, false) : scheduledPlan(job, T0, false, T0);
  const events: Recorded[] = [];
  for (const type of EVENTS) rt.events.on(type, (payload) => void events.push({ type, ...payload } as Recorded));
  const won = await acquireTick(rt, job, plan);
  if (!('token' in won)) throw new Error(`expected to win the tick, got ${won.reason}`);
  const ev = { name: job.name, tick: new Date(plan.ms), tickId: plan.id, instanceId: rt.instanceId };
  setup.prepare?.(rt);
  const report = executeRun(rt, job, plan, ev, won);
  return { rt, lines, job, plan, won, events, report, completes, lock: base };
}

/** When each attempt started, relative to T0. */
function attemptTimes() {
  const at: number[] = [];
  return { at, note: () => void at.push(Date.now() - T0) };
}

describe('executeRun at its limits', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'], now: T0 });
  });
  afterEach(() => vi.useRealTimers());

  it('makes exactly `retries` + 1 attempts, minTimeout × factor apart, and reports the last error', async () => {
    const times = attemptTimes();
    const r = await start({
      job: {
        every: 60_000,
        retry: { retries: 2, minTimeout: 100, factor: 3, randomize: false },
        run: ({ attempt }) => {
          times.note();
          throw new Error(`boom ${attempt}`);
        },
      },
    });
    await vi.advanceTimersByTimeAsync(5000);
    const report = await r.report;
    expect(times.at).toEqual([0, 100, 400]);
    expect(report).toMatchObject({ outcome: 'failed', attempts: 3, startedAt: T0 });
    expect((report.error as Error).message).toBe('boom 3');
    expect(r.events.filter((e) => e.type === 'run:start').map((e) => e.type === 'run:start' && e.attempt)).toEqual([
      1, 2, 3,
    ]);
    const failure = r.events.find((e) => e.type === 'run:failure');
    expect(failure).toMatchObject({ attempts: 3, fence: r.won.fence, tickId: r.plan.id });
    const warned = r.lines.filter((l) => l.message === 'attempt failed');
    expect(warned.map((l) => [l.level, l.fields.attempt, l.fields.job, l.fields.tickId, l.fields.fence])).toEqual([
      ['warn', 1, 'j', r.plan.id, r.won.fence],
      ['warn', 2, 'j', r.plan.id, r.won.fence],
      ['warn', 3, 'j', r.plan.id, r.won.fence],
    ]);
    // The tick is done, failed; the scheduled tick moves the high-water mark.
    expect(r.completes.map((c) => c.request)).toEqual([
      {
        job: r.job.key,
        tick: String(T0),
        token: r.won.token,
        tickMs: T0,
        outcome: { status: 'failed', fence: r.won.fence, at: T0 + 400 },
        // Three periods of 60 s.
        retentionMs: 180_000,
        advanceHighWaterMark: true,
      },
    ]);
  });

  it('retries: 0 is one attempt; a success on the last allowed attempt succeeds', async () => {
    const once = await start({
      job: {
        run: () => {
          throw new Error('no');
        },
      },
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(await once.report).toMatchObject({ outcome: 'failed', attempts: 1 });
    vi.setSystemTime(T0);
    const last = await start({
      job: {
        every: 60_000,
        retry: { retries: 2, minTimeout: 10, randomize: false },
        run: ({ attempt }) => {
          if (attempt < 3) throw new Error('not yet');
        },
      },
    });
    await vi.advanceTimersByTimeAsync(1000);
    const report = await last.report;
    expect(report).toMatchObject({ outcome: 'succeeded', attempts: 3 });
    expect(report.error).toBeUndefined();
    expect(last.events.find((e) => e.type === 'run:success')).toMatchObject({ attempts: 3, fence: last.won.fence });
    expect(last.completes[0]?.request.outcome.status).toBe('succeeded');
  });

  it('retries only while now + minTimeout is before the next tick', async () => {
    // Period 1000 ms. minTimeout 500: a retry at 500 would be the last possible start (500 + 500 = 1000): none.
    for (const [minTimeout, expected] of [
      [500, [0, 500]],
      [499, [0, 499, 998]],
      [1000, [0]],
    ] as const) {
      vi.setSystemTime(T0);
      const times = attemptTimes();
      const r = await start({
        job: {
          every: 1000,
          retry: { retries: 10, minTimeout, factor: 1, randomize: false },
          run: () => {
            times.note();
            throw new Error('always');
          },
        },
      });
      await vi.advanceTimersByTimeAsync(3000);
      expect((await r.report).attempts).toBe(expected.length);
      expect(times.at).toEqual(expected);
    }
  });

  it('a retry is not started once the scheduler’s clock reached the deadline; the first attempt always is', async () => {
    // The clock jumps (a suspended process) between attempts: exactly to the deadline.
    let jump = 0;
    const times = attemptTimes();
    const r = await start({
      jump: () => jump,
      job: {
        every: 60_000,
        retry: { retries: 5, minTimeout: 100, factor: 1, randomize: false },
        run: ({ attempt }) => {
          times.note();
          if (attempt === 1) jump = 60_000 - 100;
          throw new Error(`failed ${attempt}`);
        },
      },
    });
    await vi.advanceTimersByTimeAsync(1000);
    const report = await r.report;
    expect(times.at).toEqual([0]);
    expect(report).toMatchObject({ outcome: 'failed', attempts: 1 });
    expect((report.error as Error).message).toBe('failed 1');
    // One millisecond before the deadline, the retry starts.
    vi.setSystemTime(T0);
    let jump2 = 0;
    const times2 = attemptTimes();
    const r2 = await start({
      jump: () => jump2,
      job: {
        every: 60_000,
        retry: { retries: 1, minTimeout: 100, factor: 1, randomize: false },
        run: ({ attempt }) => {
          times2.note();
          if (attempt === 1) jump2 = 60_000 - 101;
          throw new Error(`failed ${attempt}`);
        },
      },
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect((await r2.report).attempts).toBe(2);
    // A run that starts past its deadline (the clock jumped before it) still makes its first attempt.
    vi.setSystemTime(T0);
    const late = await start({ jump: () => 70_000, job: { every: 60_000, run: () => {} } });
    await vi.advanceTimersByTimeAsync(100);
    expect(await late.report).toMatchObject({ outcome: 'succeeded', attempts: 1, startedAt: T0 + 70_000 });
  });

  it('a thrown value that is no Error is wrapped, and kept as the cause', async () => {
    const r = await start({
      job: {
        run: () => {
          throw 'plain text';
        },
      },
    });
    await vi.advanceTimersByTimeAsync(100);
    const report = await r.report;
    expect(report.error).toBeInstanceOf(Error);
    expect(report.error).toMatchObject({ message: 'plain text', cause: 'plain text' });
  });

  it('asks the job’s shouldRetry with the error and the attempt number', async () => {
    const asked: [string, number][] = [];
    const times = attemptTimes();
    const r = await start({
      job: {
        every: 60_000,
        retry: {
          retries: 5,
          minTimeout: 10,
          randomize: false,
          shouldRetry: (error, attempt) => {
            asked.push([(error as Error).message, attempt]);
            return attempt < 2;
          },
        },
        run: ({ attempt }) => {
          times.note();
          throw new Error(`e${attempt}`);
        },
      },
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect((await r.report).attempts).toBe(2);
    expect(asked).toEqual([
      ['e1', 1],
      ['e2', 2],
    ]);
  });

  it('times out exactly after `timeout`: one millisecond sooner the handler wins', async () => {
    for (const [took, outcome] of [
      [499, 'succeeded'],
      [501, 'failed'],
    ] as const) {
      vi.setSystemTime(T0);
      let signal: AbortSignal | undefined;
      const r = await start({
        job: {
          timeout: 500,
          run: (ctx) => {
            signal = ctx.signal;
            return new Promise<void>((resolve, reject) => {
              const t = setTimeout(resolve, took);
              ctx.signal.addEventListener('abort', () => {
                clearTimeout(t);
                reject(ctx.signal.reason);
              });
            });
          },
        },
      });
      await vi.advanceTimersByTimeAsync(1000);
      const report = await r.report;
      expect(report.outcome).toBe(outcome);
      expect(signal?.aborted).toBe(outcome === 'failed');
      if (outcome === 'failed') {
        expect(isTickworkError(report.error, 'TIMEOUT')).toBe(true);
        expect(report.error).toMatchObject({ details: { job: 'j', tickId: r.plan.id, timeout: 500 } });
      }
    }
  });

  it('a handler that ignores its signal is abandoned exactly `abandonAfter` after the abort', async () => {
    for (const [settlesAt, outcome] of [
      [699, 'failed'],
      [701, 'abandoned'],
    ] as const) {
      vi.setSystemTime(T0);
      const r = await start({
        job: {
          every: 60_000,
          timeout: 300,
          abandonAfter: 400,
          run: () => new Promise<void>((_, reject) => setTimeout(() => reject(new Error('late')), settlesAt)),
        },
      });
      await vi.advanceTimersByTimeAsync(2000);
      const report = await r.report;
      expect(report.outcome).toBe(outcome);
      expect(isTickworkError(report.error, 'TIMEOUT')).toBe(true);
      expect(r.completes.map((c) => [c.at, c.request.outcome.status])).toEqual([
        [outcome === 'failed' ? settlesAt : 700, outcome],
      ]);
      if (outcome === 'abandoned') {
        expect(r.events.find((e) => e.type === 'run:abandoned')).toMatchObject({ fence: r.won.fence });
        expect(r.events.some((e) => e.type === 'run:failure')).toBe(false);
        const line = r.lines.find((l) => l.message === 'handler ignored its abort; run abandoned');
        expect(line?.level).toBe('error');
        expect(line?.fields.abandonAfter).toBe(400);
      }
    }
  });

  it('a stop whose grace ended before the run aborts it at once and gives the tick back', async () => {
    const halting = new AbortController();
    halting.abort(new Error('halted'));
    let ran = false;
    const r = await start({
      runtime: { halting },
      job: {
        run: () => {
          ran = true;
        },
      },
    });
    await vi.advanceTimersByTimeAsync(100);
    const report = await r.report;
    expect(ran).toBe(false);
    expect(report).toMatchObject({ outcome: 'failed', attempts: 0, startedAt: null });
    expect((report.error as Error).message).toBe('halted');
    expect(r.completes).toEqual([]);
    expect((await r.lock.state(r.job.key, String(T0))).tick).toEqual({ status: 'claimed' });
  });

  it('a stop during the run aborts its signal with the stop’s reason', async () => {
    const halting = new AbortController();
    let signal: AbortSignal | undefined;
    const r = await start({
      runtime: { halting },
      job: {
        run: (ctx) => {
          signal = ctx.signal;
          return new Promise<void>((_, reject) =>
            ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
          );
        },
      },
    });
    await vi.advanceTimersByTimeAsync(10);
    const reason = new Error('grace over');
    halting.abort(reason);
    await vi.advanceTimersByTimeAsync(10);
    expect(signal?.reason).toBe(reason);
    expect(await r.report).toMatchObject({ outcome: 'failed', error: reason });
    expect((await r.lock.state(r.job.key, String(T0))).tick).toEqual({ status: 'claimed' });
  });

  it('marks the tick done through a lock that fails three times; a fourth failure gives up', async () => {
    const errors: unknown[] = [];
    const listener = (m: unknown) => void errors.push(m);
    subscribe('tickwork:lock:error', listener);
    onTestFinished(() => void unsubscribe('tickwork:lock:error', listener));
    for (const fails of [3, 4]) {
      errors.length = 0;
      vi.setSystemTime(T0);
      let n = 0;
      const r = await start({
        job: { every: 60_000 },
        lock: (base) => ({
          complete: async (request) => {
            n++;
            if (n <= fails) throw new Error(`blink ${n}`);
            return base.complete(request);
          },
        }),
      });
      await vi.advanceTimersByTimeAsync(5000);
      const report = await r.report;
      // A success stays a success even when the tick could not be marked done.
      expect(report.outcome).toBe('succeeded');
      expect(r.completes.map((c) => c.at)).toEqual([0, 100, 300, 700]);
      expect((await r.lock.state(r.job.key, String(T0))).tick?.status).toBe(fails === 3 ? 'done' : 'leased');
      const logged = r.lines.filter((l) => l.message === 'could not mark the tick done');
      expect(logged).toHaveLength(fails === 3 ? 0 : 1);
      if (fails === 4) expect(logged[0]).toMatchObject({ level: 'error', fields: { err: { message: 'blink 4' } } });
      // Only the final failure is published; the retries before it are the lock blinking.
      expect(errors).toEqual(fails === 3 ? [] : [{ job: 'j', operation: 'complete', instanceId: 'self' }]);
    }
  });

  it('a failed run whose tick cannot be marked done stays failed, with the handler’s error', async () => {
    const r = await start({
      lock: () => ({
        complete: async () => {
          throw new Error('lock down');
        },
      }),
      job: {
        run: () => {
          throw new Error('handler');
        },
      },
    });
    await vi.advanceTimersByTimeAsync(5000);
    const report = await r.report;
    expect(report.outcome).toBe('failed');
    expect((report.error as Error).message).toBe('handler');
  });

  it('an abandoned run whose tick cannot be marked done stays abandoned', async () => {
    const r = await start({
      job: { every: 60_000, timeout: 100, abandonAfter: 100, run: () => new Promise<void>(() => {}) },
      lock: () => ({
        complete: async () => {
          throw new Error('lock down');
        },
      }),
    });
    await vi.advanceTimersByTimeAsync(5000);
    const report = await r.report;
    expect(report.outcome).toBe('abandoned');
    expect(isTickworkError(report.error, 'TIMEOUT')).toBe(true);
    expect(r.events.find((e) => e.type === 'run:abandoned')).toMatchObject({ durationMs: 200, fence: r.won.fence });
  });

  it('a stopped run whose tick cannot be given back is failed, and says so', async () => {
    const errors: unknown[] = [];
    const listener = (m: unknown) => void errors.push(m);
    subscribe('tickwork:lock:error', listener);
    onTestFinished(() => void unsubscribe('tickwork:lock:error', listener));
    const halting = new AbortController();
    halting.abort(new Error('halted'));
    let releases = 0;
    const r = await start({
      runtime: { halting },
      lock: () => ({
        release: async () => {
          releases++;
          throw new Error('lock down');
        },
      }),
    });
    await vi.advanceTimersByTimeAsync(5000);
    const report = await r.report;
    expect(releases).toBe(4);
    expect(report.outcome).toBe('failed');
    expect((report.error as Error).message).toBe('halted');
    expect(r.lines.some((l) => l.message === 'could not release the lease' && l.level === 'error')).toBe(true);
    expect(errors).toEqual([{ job: 'j', operation: 'release', instanceId: 'self' }]);
  });

  it('a manual run does not move the high-water mark; a refused completion is a lost lease', async () => {
    const lost: unknown[] = [];
    const listener = (m: unknown) => void lost.push(m);
    subscribe('tickwork:lease:lost', listener);
    onTestFinished(() => void unsubscribe('tickwork:lease:lost', listener));
    const r = await start({ manual: true, lock: () => ({ complete: async () => false }) });
    await vi.advanceTimersByTimeAsync(100);
    const report = await r.report;
    expect(r.completes[0]?.request.advanceHighWaterMark).toBe(false);
    expect(report.outcome).toBe('failed');
    expect(isTickworkError(report.error, 'LEASE_LOST')).toBe(true);
    expect(r.events.filter((e) => e.type === 'lease:lost')).toEqual([
      { type: 'lease:lost', name: 'j', tick: new Date(T0), tickId: r.plan.id, instanceId: 'self', fence: r.won.fence },
    ]);
    expect(lost).toEqual([{ job: 'j', tickId: r.plan.id, instanceId: 'self' }]);
    expect(r.events.some((e) => e.type === 'run:success')).toBe(false);
  });

  it('a lease lost during the run fails it without waiting for the handler, and the tick is not marked', async () => {
    let release: () => void = () => {};
    const r = await start({
      job: {
        every: 60_000,
        leaseTtl: 300,
        abandonAfter: 60_000,
        run: () => new Promise<void>((resolve) => (release = resolve)),
      },
      lock: () => ({ renew: async () => false }),
    });
    await vi.advanceTimersByTimeAsync(100);
    const report = await r.report;
    expect(report.outcome).toBe('failed');
    expect(isTickworkError(report.error, 'LEASE_LOST')).toBe(true);
    expect(r.completes).toEqual([]);
    expect(r.lines.find((l) => l.message === 'lease lost; aborting the run')).toMatchObject({
      level: 'warn',
      fields: { job: 'j', tickId: r.plan.id, fence: r.won.fence },
    });
    release();
  });

  it('gives the handler its context: tick, fence, attempt, lease time left and a logger with the run’s fields', async () => {
    const seen: { ctx: JobContext; remaining: number }[] = [];
    const r = await start({
      job: {
        every: 60_000,
        leaseTtl: 3000,
        retry: { retries: 1, minTimeout: 50, randomize: false },
        run: (ctx) => {
          seen.push({ ctx, remaining: ctx.leaseRemainingMs() });
          ctx.assertLease();
          ctx.logger.info({ step: ctx.attempt }, 'hello');
          if (ctx.attempt === 1) throw new Error('again');
        },
      },
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect((await r.report).outcome).toBe('succeeded');
    expect(seen.map((s) => [s.ctx.attempt, s.ctx.name, s.ctx.tickId, +s.ctx.tick, s.ctx.fence, s.ctx.catchUp])).toEqual(
      [
        [1, 'j', r.plan.id, T0, r.won.fence, false],
        [2, 'j', r.plan.id, T0, r.won.fence, false],
      ],
    );
    expect(seen.map((s) => s.remaining)).toEqual([2968, 2968 - 50]);
    expect(r.lines.filter((l) => l.message === 'hello')).toEqual([
      { level: 'info', message: 'hello', fields: { job: 'j', tickId: r.plan.id, fence: r.won.fence, step: 1 } },
      { level: 'info', message: 'hello', fields: { job: 'j', tickId: r.plan.id, fence: r.won.fence, step: 2 } },
    ]);
  });

  it('publishes the first attempt’s start with its delay from the tick, once per run', async () => {
    const messages: unknown[] = [];
    const listener = (m: unknown) => void messages.push(m);
    subscribe('tickwork:run:start', listener);
    try {
      vi.setSystemTime(T0 + 37);
      const r = await start({
        job: {
          every: 60_000,
          retry: { retries: 1, minTimeout: 10, randomize: false },
          run: ({ attempt }) => {
            if (attempt === 1) throw new Error('again');
          },
        },
      });
      await vi.advanceTimersByTimeAsync(100);
      expect((await r.report).attempts).toBe(2);
      expect(messages).toEqual([
        {
          job: 'j',
          tickId: r.plan.id,
          tick: new Date(T0),
          instanceId: 'self',
          delayMs: 37,
          catchUp: false,
          manual: false,
        },
      ]);
    } finally {
      unsubscribe('tickwork:run:start', listener);
    }
  });

  it('a finished run’s signal stays unaborted: its timeout is cleared and a later stop does not reach it', async () => {
    const halting = new AbortController();
    let signal: AbortSignal | undefined;
    const r = await start({
      runtime: { halting },
      job: {
        timeout: 200,
        run: (ctx) => {
          signal = ctx.signal;
        },
      },
    });
    await vi.advanceTimersByTimeAsync(10);
    expect((await r.report).outcome).toBe('succeeded');
    await vi.advanceTimersByTimeAsync(500);
    halting.abort(new Error('late stop'));
    expect(signal?.aborted).toBe(false);
  });

  it('measures the run on the monotonic clock, from its start to its end', async () => {
    // The monotonic clock is well past its origin, the wall clock at the tick.
    vi.advanceTimersByTime(10_000);
    vi.setSystemTime(T0);
    const r = await start({
      job: {
        every: 60_000,
        run: () => new Promise<void>((resolve) => setTimeout(resolve, 250)),
      },
    });
    await vi.advanceTimersByTimeAsync(1000);
    const report = await r.report;
    expect(report.durationMs).toBe(250);
    expect(r.events.find((e) => e.type === 'run:success')).toMatchObject({ durationMs: 250 });
  });

  it('its timeout timer keeps the process alive unless the scheduler is unref-ed', async () => {
    for (const unref of [false, true]) {
      vi.setSystemTime(T0);
      let release: () => void = () => {};
      const timers = vi.spyOn(globalThis, 'setTimeout');
      const r = await start({
        runtime: { unref },
        job: { timeout: 12_345, run: () => new Promise<void>((resolve) => (release = resolve)) },
      });
      await vi.advanceTimersByTimeAsync(1);
      const index = timers.mock.calls.findIndex((c) => c[1] === 12_345);
      const timer = timers.mock.results[index]?.value as NodeJS.Timeout;
      timers.mockRestore();
      expect(timer.hasRef()).toBe(!unref);
      release();
      await vi.advanceTimersByTimeAsync(10);
      await r.report;
    }
  });

  it('shortens the last retry delay to end one millisecond before the next tick, and starts that retry', async () => {
    // Period 1000 ms, delays 100 then 1000: p-retry cuts the second to fit `maxRetryTime` (deadline − now − 1),
    // so the third attempt starts at 999, just inside the tick. A window one millisecond longer would start it at
    // the deadline, where it is refused.
    const times = attemptTimes();
    const r = await start({
      job: {
        every: 1000,
        retry: { retries: 5, minTimeout: 100, factor: 10, randomize: false },
        run: ({ attempt }) => {
          times.note();
          throw new Error(`failed ${attempt}`);
        },
      },
    });
    await vi.advanceTimersByTimeAsync(3000);
    const report = await r.report;
    expect(times.at).toEqual([0, 100, 999]);
    expect((report.error as Error).message).toBe('failed 3');
  });

  it('a retry whose delay ended at or after the deadline by the scheduler’s clock is not started', async () => {
    // The clock jumps (a suspended process) while the retry waits: the retry was allowed when it was planned.
    for (const [jumpTo, expected] of [
      [60_000, ['failed 1', 1]],
      [59_999, ['failed 2', 2]],
    ] as const) {
      vi.setSystemTime(T0);
      let jump = 0;
      const r = await start({
        jump: () => jump,
        job: {
          every: 60_000,
          retry: { retries: 1, minTimeout: 100, factor: 1, randomize: false },
          run: ({ attempt }) => {
            throw new Error(`failed ${attempt}`);
          },
        },
      });
      // Halfway through the 100 ms delay; the retry would start at T0 + 100 + jump.
      setTimeout(() => {
        jump = jumpTo - 100;
      }, 50);
      await vi.advanceTimersByTimeAsync(1000);
      const report = await r.report;
      expect([(report.error as Error).message, report.attempts]).toEqual(expected);
    }
  });

  it('a stop that lands as an attempt starts fails that attempt at once, though the handler never settles', async () => {
    // A `run:start` listener stops the scheduler: the signal is aborted before the handler's promise is raced.
    const halting = new AbortController();
    const reason = new Error('stopped at the start');
    let called = false;
    const r = await start({
      runtime: { halting },
      job: {
        every: 60_000,
        timeout: 200,
        abandonAfter: 300,
        run: () => {
          called = true;
          return new Promise<void>(() => {});
        },
      },
      prepare: (rt) => rt.events.on('run:start', () => halting.abort(reason)),
    });
    await vi.advanceTimersByTimeAsync(5000);
    const report = await Promise.race([r.report, Promise.resolve('still running' as const)]);
    expect(called).toBe(true);
    expect(report).toMatchObject({ outcome: 'abandoned', attempts: 1, error: reason });
    expect(r.completes.map((c) => [c.at, c.request.outcome.status])).toEqual([[300, 'abandoned']]);
  });

  it('leaves no abort listener on the run’s signal: after retries, and after a handler that never settled', async () => {
    let signal: AbortSignal | undefined;
    const retried = await start({
      job: {
        every: 60_000,
        retry: { retries: 3, minTimeout: 10, randomize: false },
        run: (ctx) => {
          signal = ctx.signal;
          if (ctx.attempt < 4) throw new Error('again');
        },
      },
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect(await retried.report).toMatchObject({ outcome: 'succeeded', attempts: 4 });
    expect(getEventListeners(signal as AbortSignal, 'abort')).toHaveLength(0);

    vi.setSystemTime(T0);
    const stuck = await start({
      job: {
        every: 60_000,
        timeout: 100,
        abandonAfter: 100,
        run: (ctx) => {
          signal = ctx.signal;
          return new Promise<void>(() => {});
        },
      },
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect((await stuck.report).outcome).toBe('abandoned');
    expect(signal?.aborted).toBe(true);
    // The listener that raced the handler went with the abort, though the handler's promise never settled.
    expect(getEventListeners(signal as AbortSignal, 'abort')).toHaveLength(0);
  });

  it('assertLease() throws LEASE_LOST once the lease ran out, and leaseRemainingMs() is 0', async () => {
    const seen: { remaining: number; error: unknown }[] = [];
    const r = await start({
      job: {
        every: 60_000,
        leaseTtl: 300,
        abandonAfter: 60_000,
        // The handler ignores its signal and looks at its lease after it ran out.
        run: (ctx) =>
          new Promise<void>((resolve) =>
            setTimeout(() => {
              let error: unknown;
              try {
                ctx.assertLease();
              } catch (e) {
                error = e;
              }
              seen.push({ remaining: ctx.leaseRemainingMs(), error });
              resolve();
            }, 1000),
          ),
      },
      // A renewal that answers too late: the lease runs out by its validity deadline first.
      lock: (base) => ({
        renew: (lease) => new Promise<boolean>((resolve) => setTimeout(() => resolve(base.renew(lease)), 5000)),
      }),
    });
    await vi.advanceTimersByTimeAsync(6000);
    expect((await r.report).outcome).toBe('failed');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.remaining).toBe(0);
    expect(isTickworkError(seen[0]?.error, 'LEASE_LOST')).toBe(true);
  });

  it('a stop that lands just after the last attempt succeeded, at any microtask, fails the run with its reason', async () => {
    // The stop may land before the handler's result reaches the run (the attempt fails with the stop's
    // reason), or after the run saw its success (it succeeds); never between, as a failure without an error.
    const outcomes = new Set<string>();
    for (let depth = 0; depth < 40; depth++) {
      vi.setSystemTime(T0);
      const halting = new AbortController();
      const reason = new Error(`stopped after ${depth} microtasks`);
      const r = await start({
        runtime: { halting },
        job: {
          every: 60_000,
          run: () => {
            let p = Promise.resolve();
            for (let i = 0; i < depth; i++) p = p.then(() => {});
            void p.then(() => halting.abort(reason));
          },
        },
      });
      await vi.advanceTimersByTimeAsync(100);
      const report = await r.report;
      outcomes.add(report.outcome);
      if (report.outcome !== 'succeeded') expect(report).toMatchObject({ outcome: 'failed', error: reason });
    }
    // The depths cover both sides of the moment the run sees its result.
    expect([...outcomes].sort()).toEqual(['failed', 'succeeded']);
  });
});
