/**
 * Acquiring a tick at its limits, on fake time with a scripted lock: what the request says (early
 * tolerance, lateness bound, retention), how long each refusal is waited out and until when (a wait that
 * would end exactly at the limit is not started), the unreachable lock's backoff, and the clock-skew report.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { acquireTick, retentionOf } from '../../src/scheduler/acquire-tick.js';
import type { AcquireRequest, AcquireResult } from '../../src/scheduler/lock-adapter.js';
import { manualPlan, scheduledPlan } from '../../src/scheduler/plan.js';
import type { SchedulerEvents } from '../../src/scheduler/types.js';
import { lockWith, testJob, testRuntime } from './limits-runtime.js';

// A multiple of every period used below (1 s, 9.1 s, 60 s), so each is a tick.
const T0 = 1_800_000_000_000 - (1_800_000_000_000 % (91 * 60_000));

type Script = (n: number, r: AcquireRequest) => AcquireResult | Promise<AcquireResult>;

/** A runtime whose lock answers `acquire` by `script` and records when each call came. */
function scripted(script: Script, overrides: Parameters<typeof testRuntime>[0] = {}) {
  const calls: { at: number; request: AcquireRequest }[] = [];
  const lock = lockWith({
    acquire: async (request) => {
      calls.push({ at: Date.now() - T0, request });
      return script(calls.length, request);
    },
  });
  const { rt, lines } = testRuntime({ lock, ...overrides });
  const skews: SchedulerEvents['clock:skew'][] = [];
  rt.events.on('clock:skew', (e) => void skews.push(e));
  return { rt, lines, calls, skews };
}

const won = (fence = 7): AcquireResult => ({ acquired: true, fence, serverTime: Date.now(), takeover: false });
const refused = (reason: Extract<AcquireResult, { acquired: false }>['reason'], retryInMs = 0): AcquireResult => ({
  acquired: false,
  reason,
  serverTime: Date.now(),
  retryInMs,
});

describe('acquireTick at its limits', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'], now: T0 });
  });
  afterEach(() => vi.useRealTimers());

  it('asks for the lease with the job’s settings; early tolerance is the lateness, at most 250 ms', async () => {
    for (const [lateness, tolerance] of [
      [0, 0],
      [100, 100],
      [249, 249],
      [250, 250],
      [251, 250],
      [2000, 250],
    ] as const) {
      const { rt, calls } = scripted(() => won(), { lateness, maxClockSkew: 300 });
      const job = testJob({ every: 1000, leaseTtl: 4000, overlap: 'allow', delivery: 'at-most-once' });
      const plan = scheduledPlan(job, T0, false, T0);
      vi.advanceTimersByTime(3);
      const result = await acquireTick(rt, job, plan);
      expect(calls).toHaveLength(1);
      const request = calls[0]?.request;
      expect(request).toEqual({
        job: job.key,
        tick: String(T0),
        tickMs: T0,
        token: expect.stringMatching(/^[0-9a-f-]{36}$/),
        ttlMs: 4000,
        earlyToleranceMs: tolerance,
        maxLateMs: lateness + 300,
        kind: 'scheduled',
        exclusive: false,
        atMostOnce: true,
        retentionMs: 60_000,
        instanceId: 'self',
      });
      expect(result).toEqual({ token: request?.token, fence: 7, sentAt: performance.now(), retentionMs: 60_000 });
      vi.setSystemTime(T0);
    }
  });

  it('a caught-up tick has no lateness bound; a manual run neither, and no early tolerance', async () => {
    const { rt, calls } = scripted(() => won());
    const job = testJob({ every: 1000 });
    await acquireTick(rt, job, scheduledPlan(job, T0 - 5000, true, T0));
    await acquireTick(rt, job, manualPlan(job, 'abc', T0, false));
    expect(calls.map((c) => [c.request.kind, c.request.earlyToleranceMs, c.request.maxLateMs])).toEqual([
      ['catch-up', 250, null],
      ['manual', null, null],
    ]);
    expect(calls[1]?.request.tick).toBe('manual-abc');
    expect(calls[0]?.request.exclusive).toBe(true);
    expect(calls[0]?.request.atMostOnce).toBe(false);
  });

  it('keeps markers for the job’s retention, or three periods and at least a minute, never less than the lease', () => {
    const plan = (period: number) => ({ period }) as Parameters<typeof retentionOf>[1];
    expect(retentionOf(testJob(), plan(1000))).toBe(60_000);
    expect(retentionOf(testJob(), plan(20_000))).toBe(60_000);
    expect(retentionOf(testJob(), plan(20_001))).toBe(60_003);
    expect(retentionOf(testJob({ leaseTtl: 100_000 }), plan(1000))).toBe(100_000);
    expect(retentionOf(testJob({ leaseTtl: 100_000 }), plan(40_000))).toBe(120_000);
    expect(retentionOf(testJob({ doneRetention: 45_000 }), plan(1_000_000))).toBe(45_000);
    expect(retentionOf(testJob({ leaseTtl: 30, doneRetention: 30 }), plan(1000))).toBe(30);
  });

  it('an unreachable lock is asked again after 100, 200, 400, … ms, at most 2 s, until the deadline', async () => {
    const down = new Error('lock down');
    // Period 9.1 s: the attempt at 7.1 s would wait 2 s, exactly to the deadline, so it is the last one.
    const { rt, calls, lines } = scripted(() => {
      throw down;
    });
    const job = testJob({ every: 9100 });
    const result = acquireTick(rt, job, scheduledPlan(job, T0, false, T0));
    await vi.advanceTimersByTimeAsync(20_000);
    expect(await result).toEqual({ reason: 'lock-error', error: down });
    expect(calls.map((c) => c.at)).toEqual([0, 100, 300, 700, 1500, 3100, 5100, 7100]);
    const retries = lines.filter((l) => l.message === 'lock unreachable; retrying acquisition');
    expect(retries.map((l) => l.level)).toEqual(['warn', ...Array(7).fill('debug')]);
    expect(retries[0]?.fields).toEqual({ job: 'j', tickId: `j@${new Date(T0).toISOString()}`, err: down });
  });

  it('one millisecond more before the deadline buys one more attempt', async () => {
    const { rt, calls } = scripted(() => {
      throw new Error('down');
    });
    const job = testJob({ every: 9100 });
    // Started 1 ms earlier than the tick: the last attempt's wait ends 1 ms before the deadline.
    vi.setSystemTime(T0 - 1);
    const result = acquireTick(rt, job, scheduledPlan(job, T0, false, T0));
    await vi.advanceTimersByTimeAsync(20_000);
    expect(await result).toMatchObject({ reason: 'lock-error' });
    expect(calls.map((c) => c.at)).toEqual([-1, 99, 299, 699, 1499, 3099, 5099, 7099, 9099]);
  });

  it('an early tick is asked again when the lock says, at least 1 ms later, until the deadline', async () => {
    const { rt, calls } = scripted((n) => (n === 1 ? refused('early', 0) : n === 2 ? refused('early', 40) : won()));
    const job = testJob({ every: 1000 });
    const result = acquireTick(rt, job, scheduledPlan(job, T0, false, T0));
    await vi.advanceTimersByTimeAsync(100);
    expect('token' in (await result)).toBe(true);
    expect(calls.map((c) => c.at)).toEqual([0, 1, 41]);
    // A wait that would end exactly at the deadline is not started.
    const late = scripted(() => refused('early', 1000));
    const gaveUp = acquireTick(late.rt, job, scheduledPlan(job, T0, false, T0));
    await vi.advanceTimersByTimeAsync(2000);
    expect(await gaveUp).toEqual({ reason: 'early' });
    expect(late.calls).toHaveLength(1);
    vi.setSystemTime(T0);
    const justIn = scripted((n) => (n === 1 ? refused('early', 999) : won()));
    const ran = acquireTick(justIn.rt, job, scheduledPlan(job, T0, false, T0));
    await vi.advanceTimersByTimeAsync(2000);
    expect('token' in (await ran)).toBe(true);
    expect(justIn.calls.map((c) => c.at)).toEqual([0, 999]);
  });

  it('a held tick is waited out (its ttl + 5 ms) past the deadline, for as long as it stays held', async () => {
    const { rt, calls } = scripted((n) => (n === 1 ? refused('held', 5000) : n === 2 ? refused('held', 0) : won()));
    const job = testJob({ every: 1000 });
    const result = acquireTick(rt, job, scheduledPlan(job, T0, false, T0));
    await vi.advanceTimersByTimeAsync(6000);
    expect('token' in (await result)).toBe(true);
    expect(calls.map((c) => c.at)).toEqual([0, 5005, 5010]);
  });

  it('a scheduled tick waits for an overlapping run only within its lateness', async () => {
    const job = testJob({ every: 60_000 });
    // lateness 2000: a wait of 1994 + 5 ends 1 ms inside it, 1995 + 5 exactly at it.
    const inside = scripted((n) => (n === 1 ? refused('overlap', 1994) : won()));
    const ran = acquireTick(inside.rt, job, scheduledPlan(job, T0, false, T0));
    await vi.advanceTimersByTimeAsync(3000);
    expect('token' in (await ran)).toBe(true);
    expect(inside.calls.map((c) => c.at)).toEqual([0, 1999]);
    vi.setSystemTime(T0);
    const at = scripted(() => refused('overlap', 1995));
    const skipped = acquireTick(at.rt, job, scheduledPlan(job, T0, false, T0));
    await vi.advanceTimersByTimeAsync(3000);
    expect(await skipped).toEqual({ reason: 'overlap' });
    expect(at.calls).toHaveLength(1);
  });

  it('a caught-up tick waits for an overlapping run until its deadline', async () => {
    const job = testJob({ every: 60_000 });
    // The caught-up tick's deadline is the next tick after now: 60 s away.
    const { rt, calls } = scripted((n) => (n < 3 ? refused('overlap', 29_000) : won()));
    const result = acquireTick(rt, job, scheduledPlan(job, T0 - 60_000, true, T0));
    await vi.advanceTimersByTimeAsync(60_000);
    expect('token' in (await result)).toBe(true);
    expect(calls.map((c) => c.at)).toEqual([0, 29_005, 58_010]);
    vi.setSystemTime(T0);
    // The second wait would end exactly at the deadline: not started.
    const past = scripted(() => refused('overlap', 29_995));
    const gaveUp = acquireTick(past.rt, job, scheduledPlan(job, T0 - 60_000, true, T0));
    await vi.advanceTimersByTimeAsync(70_000);
    expect(await gaveUp).toEqual({ reason: 'overlap' });
    expect(past.calls.map((c) => c.at)).toEqual([0, 30_000]);
  });

  it('a queued manual run looks again every second (sooner if the lease ends sooner); an awaited one not at all', async () => {
    const job = testJob({ every: 60_000 });
    const queued = scripted((n) => (n === 1 ? refused('overlap', 30_000) : n === 2 ? refused('overlap', 994) : won()));
    const result = acquireTick(queued.rt, job, manualPlan(job, 'q', T0, true));
    await vi.advanceTimersByTimeAsync(5000);
    expect('token' in (await result)).toBe(true);
    expect(queued.calls.map((c) => c.at)).toEqual([0, 1000, 1999]);
    vi.setSystemTime(T0);
    const exactly = scripted((n) => (n === 1 ? refused('overlap', 995) : won()));
    const second = acquireTick(exactly.rt, job, manualPlan(job, 'q', T0, true));
    await vi.advanceTimersByTimeAsync(5000);
    expect('token' in (await second)).toBe(true);
    expect(exactly.calls.map((c) => c.at)).toEqual([0, 1000]);
    vi.setSystemTime(T0);
    const awaited = scripted(() => refused('overlap', 10));
    expect(await acquireTick(awaited.rt, job, manualPlan(job, 'a', T0, false))).toEqual({ reason: 'overlap' });
    expect(awaited.calls).toHaveLength(1);
  });

  it('final refusals end at once; paused says whether this refusal moved the cursor', async () => {
    const job = testJob({ every: 1000 });
    for (const reason of ['done', 'stale', 'started'] as const) {
      const { rt, calls } = scripted(() => refused(reason, 500));
      expect(await acquireTick(rt, job, scheduledPlan(job, T0, false, T0))).toEqual({ reason });
      expect(calls).toHaveLength(1);
    }
    for (const [first, expected] of [
      [true, true],
      [false, false],
      [undefined, false],
    ] as const) {
      const { rt } = scripted(() => ({ ...refused('paused'), ...(first === undefined ? {} : { first }) }));
      expect(await acquireTick(rt, job, scheduledPlan(job, T0, false, T0))).toEqual({
        reason: 'paused',
        first: expected,
      });
    }
  });

  it('a stopping scheduler asks no more: before the first call, or while waiting', async () => {
    const job = testJob({ every: 60_000 });
    const before = scripted(() => won());
    before.rt.stopping.abort();
    expect(await acquireTick(before.rt, job, scheduledPlan(job, T0, false, T0))).toEqual({ reason: 'stopped' });
    expect(before.calls).toHaveLength(0);
    const waiting = scripted(() => refused('held', 10_000));
    const result = acquireTick(waiting.rt, job, scheduledPlan(job, T0, false, T0));
    await vi.advanceTimersByTimeAsync(100);
    waiting.rt.stopping.abort();
    expect(await result).toEqual({ reason: 'stopped' });
    expect(waiting.calls).toHaveLength(1);
  });

  it('reports a lock clock more than maxClockSkew away, at most once a minute', async () => {
    const job = testJob({ every: 60_000 });
    let offset = 0;
    const { rt, skews, lines } = scripted(() => ({ ...won(), serverTime: Date.now() + offset }), {
      maxClockSkew: 1000,
    });
    const attempt = () => acquireTick(rt, job, manualPlan(job, 'x', Date.now(), false));
    for (const o of [1000, -1000]) {
      offset = o;
      await attempt();
    }
    expect(skews).toEqual([]);
    offset = -1001;
    await attempt();
    expect(skews).toEqual([{ instanceId: 'self', localTime: T0, lockTime: T0 - 1001, skewMs: 1001 }]);
    expect(lines.filter((l) => l.message === 'local clock differs from the lock clock').map((l) => l.fields)).toEqual([
      { skewMs: 1001, instanceId: 'self' },
    ]);
    vi.advanceTimersByTime(59_999);
    offset = 1001;
    await attempt();
    expect(skews).toHaveLength(1);
    vi.advanceTimersByTime(1);
    await attempt();
    expect(skews.map((s) => s.skewMs)).toEqual([1001, -1001]);
  });
});
