/**
 * The control loop at its limits, on fake timers and a lock that records when it is asked: an instance polls a
 * job only in the slots it ranks first in, in the middle of each, and sleeps through the others; a job added
 * while it sleeps is looked at once; without a ranking (no bounded attempts, or a view gone stale) every slot is
 * polled.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ControlLoop, controlLoop } from '../../src/scheduler/control-loop.js';
import type { LockAdapter } from '../../src/scheduler/lock-adapter.js';
import { type BoundedAttempts, rankOf } from '../../src/scheduler/membership.js';
import type { JobRecord } from '../../src/scheduler/runtime.js';
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
    intervalMs: INTERVAL,
    runManual: () => {},
  };
  const done = controlLoop(loop);
  return { rt, loop, done, passes: () => passes };
}

const slotOf = (at: number) => Math.floor(at / INTERVAL);
const ranksFirst = (job: string, slot: number) => rankOf('self', FLEET, `${job}\u0000control:${slot}`) < 2;

describe('control loop at its limits', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    vi.setSystemTime(1_800_000_000_000);
  });
  afterEach(() => vi.useRealTimers());

  it('in a fleet of six it polls exactly the slots it ranks first in, mid-slot, and sleeps through the rest', async () => {
    const { lock, polls, beats } = recordingLock({ down: false });
    const job = testJob({ name: 'a' });
    const l = startLoop(lock, [job], true);
    const from = slotOf(Date.now());
    await vi.advanceTimersByTimeAsync(60 * INTERVAL);
    l.rt.stopping.abort();
    await l.done;

    // The first pass looks at the slot it starts in (the first heartbeat gives the view), then only ranked slots.
    const expected = [];
    for (let slot = from + 1; slot < from + 60; slot++) if (ranksFirst(job.key, slot)) expected.push(slot);
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
    const added = testJob({ name: 'b' });
    jobs.push(added);
    const at = Date.now();
    l.loop.wake?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(beats.filter((b) => b.job === added.key).map((b) => b.at)).toEqual([at]);
    const firstLook = polls.filter((p) => p.job === added.key).map((p) => p.at);
    expect(firstLook).toEqual(ranksFirst(added.key, slotOf(at)) ? [at] : []);
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

  it('without bounded attempts it polls every slot', async () => {
    const { lock, polls, beats } = recordingLock({ down: false });
    const job = testJob({ name: 'a' });
    const l = startLoop(lock, [job], false);
    const from = slotOf(Date.now());
    await vi.advanceTimersByTimeAsync(10 * INTERVAL);
    l.rt.stopping.abort();
    await l.done;
    expect(polls.map((p) => slotOf(p.at))).toEqual(Array.from({ length: 11 }, (_, i) => from + i));
    expect(beats).toEqual([]);
  });

  it('once its view is older than the heartbeat TTL (the lock stopped answering) it polls every slot', async () => {
    const state = { down: false };
    const { lock, polls } = recordingLock(state);
    const job = testJob({ name: 'a' });
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
    expect(after).toEqual(Array.from({ length: after.length }, (_, i) => first + i));
    expect(after.length).toBeGreaterThanOrEqual(HEARTBEAT / INTERVAL - 1);
  });

  it('a removed job is neither polled nor beaten for again', async () => {
    const { lock, polls, beats } = recordingLock({ down: false });
    const jobs = [testJob({ name: 'a' }), testJob({ name: 'b' })];
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
});
