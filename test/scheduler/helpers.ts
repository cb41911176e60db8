/** Helpers shared by the scheduler tests. */
import { TickworkError } from '../../src/errors.js';
import type { Scheduler } from '../../src/scheduler/index.js';
import type { AcquireRequest, LockAdapter, RunRecord } from '../../src/scheduler/lock-adapter.js';
import type { SchedulerEvents } from '../../src/scheduler/types.js';

/** Every event a scheduler emits, in order, with its name. */
export type Recorded = { [E in keyof SchedulerEvents]: { type: E } & SchedulerEvents[E] }[keyof SchedulerEvents];

/** Records every event of one or more schedulers into one list. */
export function record(...schedulers: Scheduler[]): Recorded[] {
  const out: Recorded[] = [];
  const names: (keyof SchedulerEvents)[] = [
    'run:start',
    'run:success',
    'run:failure',
    'run:abandoned',
    'run:skipped',
    'lease:lost',
    'tick:missed',
    'clock:skew',
    'job:error',
  ];
  for (const s of schedulers) {
    for (const type of names) s.on(type, (payload) => out.push({ type, ...payload } as Recorded));
  }
  return out;
}

/** The lock's key of job `name` on scheduler `s` (name and schedule hash). */
export async function keyOf(s: Scheduler, name: string): Promise<string> {
  const job = (await s.jobs()).find((j) => j.name === name);
  if (!job) throw new Error(`no job ${name}`);
  return job.key;
}

/**
 * A store of one value per resource that accepts a write only with a fence at least as high as the last one
 * accepted for that resource, as a fenced database row does. Fences order the holders of one tick; ticks of a
 * job that run side by side (overlap 'allow', catch-up) write their own rows in any order.
 */
export function fencedSink() {
  const last = new Map<string, number>();
  const writes: { fence: number; value: string }[] = [];
  return {
    writes,
    /** Writes `value` to the resource of that name (the tick id): refused below the resource's last fence. */
    write(fence: number, value: string): void {
      const previous = last.get(value) ?? 0;
      if (fence < previous) {
        throw new TickworkError('STALE_FENCE', `Fence ${fence} is older than ${previous}.`, {
          details: { fence, last: previous },
        });
      }
      last.set(value, fence);
      writes.push({ fence, value });
    },
  };
}

/** Busy-waits: blocks the event loop, as a CPU-bound handler or a long GC pause would. */
export function blockFor(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // spin
  }
}

/** Resolves once `predicate` holds, polling every few milliseconds; rejects after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * A scheduled tick's acquire request for lock tests: token `t`, instance `me`, a 5 s lease kept a minute, no
 * early or late bounds, not exclusive; `over` changes any of it.
 */
export function acquireRequest(job: string, tick: number, over: Partial<AcquireRequest> = {}): AcquireRequest {
  return {
    job,
    tick: String(tick),
    tickMs: tick,
    token: 't',
    ttlMs: 5000,
    earlyToleranceMs: null,
    maxLateMs: null,
    kind: 'scheduled',
    exclusive: false,
    atMostOnce: false,
    retentionMs: 60_000,
    instanceId: 'me',
    ...over,
  };
}

/** A succeeded run of job `j` that ended at `endedAt`, for history tests. */
export function historyEntry(id: string, endedAt: number): RunRecord {
  return {
    id,
    job: 'j',
    tickAt: endedAt - 10,
    tickId: `j@${id}`,
    instanceId: 'me',
    startedAt: endedAt - 5,
    endedAt,
    outcome: 'succeeded',
    attempts: 1,
    fence: 1,
    catchUp: false,
    manual: false,
  };
}

/** An operation of {@link LockAdapter}, as {@link everyLockCall} names it. */
export type LockCall =
  | 'acquire'
  | 'renew'
  | 'complete'
  | 'release'
  | 'state'
  | 'record'
  | 'history'
  | 'setPaused'
  | 'requestRun'
  | 'poll'
  | 'status'
  | 'members';

/**
 * Every operation of `lock` on job `j` with harmless arguments, for tests of what each one's errors say (each
 * adapter names its operations in its own words). `members` must be implemented.
 */
export function everyLockCall(lock: LockAdapter): Record<LockCall, () => Promise<unknown>> {
  const lease = { job: 'j', tick: '1', token: 't', ttlMs: 5000 };
  const members = lock.members as NonNullable<LockAdapter['members']>;
  return {
    acquire: () => lock.acquire(acquireRequest('j', 1)),
    renew: () => lock.renew(lease),
    complete: () =>
      lock.complete({
        ...lease,
        tickMs: 1,
        outcome: { status: 'succeeded', fence: 1, at: 1 },
        retentionMs: 1000,
        advanceHighWaterMark: true,
      }),
    release: () => lock.release(lease),
    state: () => lock.state('j', '1'),
    record: () => lock.record('j', historyEntry('a', 1)),
    history: () => lock.history('j', { limit: 10 }),
    setPaused: () => lock.setPaused('j', true),
    requestRun: () => lock.requestRun('j', { id: 'r', requestedBy: 'me', requestedAt: 1 }),
    poll: () => lock.poll('j'),
    status: () => lock.status('j'),
    members: () => members({ job: 'j', instanceId: 'me', ttlMs: 1000 }),
  };
}
