/**
 * The control loop at its limits, on fake timers and a lock that records when it is asked: an instance polls a
 * job only in the slots it ranks first in and that hold no tick of the job, in the middle of each, and sleeps
 * through the others; a job added while it sleeps is looked at once; without a ranking (no bounded attempts, or
 * a view gone stale) every slot without a tick is polled. A slot with ticks is read by its first tick's
 * candidates, in the same turn as their acquisition.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ControlLoop, controlLoop } from '../../src/scheduler/control-loop.js';
import { jobLoop } from '../../src/scheduler/job-loop.js';
import type { LockAdapter } from '../../src/scheduler/lock-adapter.js';
import { type BoundedAttempts, rankOf } from '../../src/scheduler/membership.js';
import type { JobRecord } from '../../src/scheduler/runtime.js';
import { createScheduler } from '../../src/scheduler/scheduler.js';
import { lockWith, testJob, testRuntime } from './limits-runtime.js';

const INTERVAL = 1000;
const HEARTBEAT = 10_000;
const FLEET = ['self', 'm1', 'm2', 'm3', 'm4', 'm5'];

function bounded(): BoundedAttempts {
  return {
    candidates: 2,
    heartbeatMs: HEARTBEAT,
    ttlMs: 3 * HEARTBEAT,
    skewBoundMs: 250,
    inSync: true,
    views: new Map(),
  };
}

/** A lock that answers every heartbeat with `FLEET` (or fails while `down`), and records each poll and beat. */
function recordingLock(state: { down: boolean }) {
  const polls: { job: string; at: number }[] = [];
  const beats: { job: string; at: number }[] = [];
  const lock: LockAdapter = lockWith({
    members: async ({ job }) => {
      beats.push({ job, at: Date.now() });
      if (state.down) throw new Error('lock down');
      return { members: FLEET, serverTime: Date.now() };
    },
    poll: async (job) => {
      polls.push({ job, at: Date.now() });
      return { request: null };
    },
  });
  return { lock, polls, beats };
}

/** Starts a control loop over `jobs`, counting its passes (each pass reads the job list once). */
function startLoop(lock: LockAdapter, jobs: JobRecord[], withBounds: boolean) {
  const { rt } = testRuntime({ lock, bounded: withBounds ? bounded() : null });
  let passes = 0;
  const loop: ControlLoop = {
    rt,
    jobs: () => {
      passes++;
      return jobs;
    },
    track: (p) => p,
  };
  const done = controlLoop(loop);
  return { rt, loop, done, passes: () => passes };
}

const slotOf = (at: number) => Math.floor(at / INTERVAL);
const ranksFirst = (job: string, slot: number) => rankOf('self', FLEET, `${job}\u0000control:${slot}`) < 2;
/** A job ticking every 7 s: most slots hold no tick (the control loop's), one in seven does (its candidates'). */
const sparseJob = (name: string) => testJob({ name, every: 7 * INTERVAL });
const holdsTick = (slot: number) => (slot * INTERVAL) % (7 * INTERVAL) === 0;

describe('control loop at its limits', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    vi.setSystemTime(1_800_000_000_000);
  });
  afterEach(() => vi.useRealTimers());

  it('in a fleet of six it polls exactly the tickless slots it ranks first in, mid-slot, and sleeps through the rest', async () => {
    const { lock, polls, beats } = recordingLock({ down: false });
    const job = sparseJob('a');
    const l = startLoop(lock, [job], true);
    const from = slotOf(Date.now());
    await vi.advanceTimersByTimeAsync(60 * INTERVAL);
    l.rt.stopping.abort();
    await l.done;

    // The first pass looks at the slot it starts in (the first heartbeat gives the view), then only ranked slots.
    const expected = [];
    for (let slot = from + 1; slot <= from + 60; slot++) {
      if (ranksFirst(job.key, slot) && !holdsTick(slot)) expected.push(slot);
    }
    const polled = polls.map((p) => slotOf(p.at)).filter((slot) => slot > from);
    expect(polled).toEqual(expected);
    expect(expected.length).toBeGreaterThan(5);
    expect(expected.length).toBeLessThan(40);
    // Mid-slot, or at a heartbeat, whose pass looks at the job anyway.
    const beatTimes = new Set(beats.map((b) => b.at));
    for (const p of polls.filter((q) => slotOf(q.at) > from)) {
      expect(p.at % INTERVAL === INTERVAL / 2 || beatTimes.has(p.at), `poll at ${p.at}`).toBe(true);
    }
    expect(polls.filter((p) => p.at % INTERVAL === INTERVAL / 2).length).toBeGreaterThan(0);
    expect(beats.length).toBeGreaterThanOrEqual(6);
    // One pass per poll or heartbeat (and the first), not one per slot.
    expect(l.passes()).toBeLessThanOrEqual(1 + polled.length + beats.length);
    expect(l.passes()).toBeLessThan(60);
  });

  it('a job added while the loop sleeps gets its heartbeat and its first look at once', async () => {
    const { lock, polls, beats } = recordingLock({ down: false });
    const jobs = [testJob({ name: 'a' })];
    const l = startLoop(lock, jobs, true);
    await vi.advanceTimersByTimeAsync(2 * INTERVAL + 100);
    const added = sparseJob('b');
    jobs.push(added);
    const at = Date.now();
    l.loop.wake?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(beats.filter((b) => b.job === added.key).map((b) => b.at)).toEqual([at]);
    const firstLook = polls.filter((p) => p.job === added.key).map((p) => p.at);
    expect(firstLook).toEqual(ranksFirst(added.key, slotOf(at)) && !holdsTick(slotOf(at)) ? [at] : []);
    l.rt.stopping.abort();
    await l.done;
  });

  it('a job added while a pass waits on the lock is looked at right after that pass, not a sleep later', async () => {
    const { lock, polls, beats } = recordingLock({ down: false });
    let answer: () => void = () => {};
    const slow: LockAdapter = {
      ...lock,
      members: async (request) => {
        // The first job's first heartbeat hangs until the test answers it.
        if (request.job.startsWith('a~') && beats.length === 0) await new Promise<void>((r) => (answer = r));
        return (lock.members as NonNullable<LockAdapter['members']>)(request);
      },
    };
    const jobs = [testJob({ name: 'a' })];
    const l = startLoop(slow, jobs, true);
    await vi.advanceTimersByTimeAsync(10);
    const added = testJob({ name: 'b' });
    jobs.push(added);
    l.loop.wake?.();
    await vi.advanceTimersByTimeAsync(10);
    answer();
    const at = Date.now();
    await vi.advanceTimersByTimeAsync(5);
    expect(beats.filter((b) => b.job === added.key).map((b) => b.at)).toEqual([at]);
    expect(polls.filter((p) => p.job === added.key).every((p) => p.at === at)).toBe(true);
    l.rt.stopping.abort();
    await l.done;
  });

  it('without bounded attempts it polls every slot that holds no tick, and none that does', async () => {
    const { lock, polls, beats } = recordingLock({ down: false });
    const l = startLoop(lock, [sparseJob('a')], false);
    const from = slotOf(Date.now());
    await vi.advanceTimersByTimeAsync(20 * INTERVAL);
    l.rt.stopping.abort();
    await l.done;
    const tickless = Array.from({ length: 21 }, (_, i) => from + i).filter((slot) => !holdsTick(slot));
    expect(tickless.length).toBeLessThan(21);
    expect(polls.map((p) => slotOf(p.at))).toEqual(tickless);
    expect(beats).toEqual([]);
    // A job ticking every second leaves the control loop nothing to poll.
    const every = recordingLock({ down: false });
    const busy = startLoop(every.lock, [testJob({ name: 'b' })], false);
    await vi.advanceTimersByTimeAsync(10 * INTERVAL);
    busy.rt.stopping.abort();
    await busy.done;
    expect(every.polls).toEqual([]);
  });

  it('once its view is older than the heartbeat TTL (the lock stopped answering) it polls every slot', async () => {
    const state = { down: false };
    const { lock, polls } = recordingLock(state);
    const job = sparseJob('a');
    const l = startLoop(lock, [job], true);
    await vi.advanceTimersByTimeAsync(INTERVAL / 2);
    state.down = true;
    const stale = Date.now() + 3 * HEARTBEAT;
    // A heartbeat is tried every interval of 10 s; the view, read at the start, is stale from `stale` on.
    await vi.advanceTimersByTimeAsync(3 * HEARTBEAT + 2 * HEARTBEAT);
    l.rt.stopping.abort();
    await l.done;
    const after = polls.filter((p) => p.at > stale + HEARTBEAT).map((p) => slotOf(p.at));
    const first = after[0] ?? 0;
    const last = after.at(-1) ?? 0;
    const tickless = Array.from({ length: last - first + 1 }, (_, i) => first + i).filter((slot) => !holdsTick(slot));
    expect(after).toEqual(tickless);
    expect(after.length).toBeGreaterThanOrEqual(HEARTBEAT / INTERVAL - 3);
  });

  it('a removed job is neither polled nor beaten for again', async () => {
    const { lock, polls, beats } = recordingLock({ down: false });
    const jobs = [sparseJob('a'), sparseJob('b')];
    const l = startLoop(lock, jobs, true);
    await vi.advanceTimersByTimeAsync(INTERVAL);
    const gone = jobs.pop() as JobRecord;
    const at = Date.now();
    await vi.advanceTimersByTimeAsync(3 * HEARTBEAT);
    l.rt.stopping.abort();
    await l.done;
    expect(polls.filter((p) => p.job === gone.key && p.at > at + INTERVAL)).toEqual([]);
    expect(beats.filter((b) => b.job === gone.key && b.at > at + INTERVAL)).toEqual([]);
    expect(beats.filter((b) => b.job !== gone.key && b.at > at).length).toBeGreaterThanOrEqual(3);
  });

  it('the first tick of each slot reads the control, right after its acquisition, on the candidates only', async () => {
    for (const withBounds of [false, true]) {
      vi.setSystemTime(1_800_000_000_000);
      const calls: { op: 'acquire' | 'poll'; tick?: number; at: number }[] = [];
      const base = recordingLock({ down: false });
      const lock: LockAdapter = {
        ...base.lock,
        acquire: (request) => {
          calls.push({ op: 'acquire', tick: request.tickMs, at: Date.now() });
          return base.lock.acquire(request);
        },
        poll: (job) => {
          calls.push({ op: 'poll', at: Date.now() });
          return base.lock.poll(job);
        },
      };
      const b = withBounds ? bounded() : null;
      if (b) b.views.set('j~', { members: [], at: 0 });
      const { rt } = testRuntime({ lock, bounded: b });
      // Four ticks a slot; with bounds, a view of the fleet in which this instance ranks by the tick's hash.
      const job = testJob({ name: 'j', every: INTERVAL / 4 });
      if (b) b.views.set(job.key, { members: FLEET, at: performance.now() });
      const tracked: Promise<unknown>[] = [];
      const loop = jobLoop(rt, job, (p) => {
        tracked.push(p);
        return p;
      });
      await vi.advanceTimersByTimeAsync(8 * INTERVAL);
      rt.stopping.abort();
      await vi.advanceTimersByTimeAsync(100);
      await loop;
      await Promise.all(tracked);
      const polls = calls.flatMap((c, i) => (c.op === 'poll' ? [{ ...c, before: calls[i - 1] }] : []));
      // Each right after the acquisition of its tick, in the same turn (same instant, next call).
      for (const p of polls) expect(p.before).toEqual({ op: 'acquire', tick: p.at, at: p.at });
      const firsts = Array.from({ length: 8 }, (_, i) => 1_800_000_000_000 + (i + 1) * INTERVAL);
      const candidate = (tick: number) => !b || rankOf('self', FLEET, `${job.key}\u0000${tick}`) < 2;
      expect(polls.map((p) => p.at)).toEqual(firsts.filter(candidate));
      if (b) expect(polls.length).toBeLessThan(firsts.length);
    }
  });

  it('stop() waits for a tick’s control read: a request it takes while stopping is queued again first', async () => {
    const base = recordingLock({ down: false });
    const requeued: string[] = [];
    let answer: (request: { id: string; requestedBy: string; requestedAt: number }) => void = () => {};
    const lock: LockAdapter = {
      ...base.lock,
      poll: () =>
        new Promise((resolve) => {
          answer = (request) => resolve({ request });
        }),
      requestRun: async (_job, request) => void requeued.push(request.id),
    };
    const s = createScheduler({ lock, instanceId: 'self', candidates: 0 });
    s.add({ name: 'j', every: INTERVAL, run: () => {} });
    await s.start();
    await vi.advanceTimersByTimeAsync(INTERVAL);
    let stopped = false;
    const stopping = s.stop({ grace: 0 }).then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(stopped).toBe(false);
    answer({ id: 'r1', requestedBy: 'other', requestedAt: Date.now() });
    await vi.advanceTimersByTimeAsync(3000);
    await stopping;
    expect(requeued).toEqual(['r1']);
  });
});
