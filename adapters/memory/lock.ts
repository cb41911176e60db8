import type {
  AcquireRequest,
  AcquireResult,
  CompleteRequest,
  JobLockState,
  LeaseRef,
  LockAdapter,
  TickOutcome,
  TickState,
} from '../../src/scheduler/lock-adapter.js';
import type { Clock } from '../../src/types.js';

/** Options of {@link memoryLock}. */
export interface MemoryLockOptions {
  /**
   * One clock for both the early guard and lease expiry. Tests inject one to control time.
   * @default wall time from `Date.now()` for the early guard, monotonic `performance.now()` for lease expiry
   */
  readonly clock?: Clock;
}

interface Lease {
  token: string;
  expiresAt: number;
}

interface TickEntry {
  lease?: Lease;
  marker?: { kind: 'done'; outcome: TickOutcome; expiresAt: number } | { kind: 'started'; expiresAt: number };
}

interface JobEntry {
  fence: number;
  highWaterMark: number | null;
  running?: Lease;
  ticks: Map<string, TickEntry>;
}

/** Expired entries are dropped lazily on access, plus one full sweep at most this often. */
const SWEEP_INTERVAL_MS = 5000;

/**
 * The in-memory {@link LockAdapter}: the reference implementation of the lock state machine (lease, done
 * marker, fence, high-water mark, job-level running lease), with expiry on a monotonic clock. It
 * coordinates the schedulers of one process only; use `redisLock` for a fleet.
 *
 * @example
 * ```ts
 * import { createScheduler } from 'tickwork';
 * import { memoryLock } from 'tickwork/memory';
 *
 * const scheduler = createScheduler({ lock: memoryLock() });
 * ```
 */
export function memoryLock(options: MemoryLockOptions = {}): LockAdapter {
  const wall = options.clock ? () => options.clock!.now() : () => Date.now();
  const mono = options.clock ? () => options.clock!.now() : () => performance.now();
  const jobs = new Map<string, JobEntry>();
  let lastSweep = Number.NEGATIVE_INFINITY;

  const jobEntry = (job: string): JobEntry => {
    let entry = jobs.get(job);
    if (!entry) {
      entry = { fence: 0, highWaterMark: null, ticks: new Map() };
      jobs.set(job, entry);
    }
    return entry;
  };

  // Drops expired leases and markers of one tick, like Redis key expiry would.
  const live = (entry: JobEntry, tick: string, now: number): TickEntry | undefined => {
    const t = entry.ticks.get(tick);
    if (!t) return undefined;
    if (t.lease && t.lease.expiresAt <= now) t.lease = undefined;
    if (t.marker && t.marker.expiresAt <= now) t.marker = undefined;
    if (!t.lease && !t.marker) {
      entry.ticks.delete(tick);
      return undefined;
    }
    return t;
  };

  const liveRunning = (entry: JobEntry, now: number): Lease | undefined => {
    if (entry.running && entry.running.expiresAt <= now) entry.running = undefined;
    return entry.running;
  };

  const sweep = (now: number): void => {
    for (const entry of jobs.values()) {
      // Deleting the current entry while iterating a Map is safe and visits every other entry once.
      for (const tick of entry.ticks.keys()) live(entry, tick, now);
      liveRunning(entry, now);
    }
  };

  const holds = (ref: LeaseRef, now: number): { entry: JobEntry; tick: TickEntry } | undefined => {
    const entry = jobs.get(ref.job);
    const tick = entry && live(entry, ref.tick, now);
    return entry && tick?.lease?.token === ref.token ? { entry, tick } : undefined;
  };

  const dropRunning = (entry: JobEntry, token: string): void => {
    if (entry.running?.token === token) entry.running = undefined;
  };

  return {
    async acquire(request: AcquireRequest): Promise<AcquireResult> {
      const now = mono();
      const serverTime = wall();
      if (now - lastSweep >= SWEEP_INTERVAL_MS) {
        lastSweep = now;
        sweep(now);
      }
      const entry = jobEntry(request.job);
      const tick = live(entry, request.tick, now);
      if (tick?.marker) {
        return { acquired: false, reason: tick.marker.kind, serverTime, retryInMs: 0 };
      }
      if (request.earlyToleranceMs !== null && request.tickMs > serverTime + request.earlyToleranceMs) {
        return { acquired: false, reason: 'early', serverTime, retryInMs: request.tickMs - serverTime };
      }
      if (tick?.lease) {
        return { acquired: false, reason: 'held', serverTime, retryInMs: Math.ceil(tick.lease.expiresAt - now) };
      }
      const expiresAt = now + request.ttlMs;
      if (request.exclusive) {
        const running = liveRunning(entry, now);
        if (running && running.token !== request.token) {
          return { acquired: false, reason: 'overlap', serverTime, retryInMs: Math.ceil(running.expiresAt - now) };
        }
        entry.running = { token: request.token, expiresAt };
      }
      const fresh: TickEntry = { lease: { token: request.token, expiresAt } };
      if (request.atMostOnce) fresh.marker = { kind: 'started', expiresAt: now + request.retentionMs };
      entry.ticks.set(request.tick, fresh);
      entry.fence += 1;
      return { acquired: true, fence: entry.fence, serverTime };
    },

    async renew(lease): Promise<boolean> {
      const now = mono();
      const held = holds(lease, now);
      if (!held?.tick.lease) return false;
      held.tick.lease.expiresAt = now + lease.ttlMs;
      const running = liveRunning(held.entry, now);
      if (running?.token === lease.token) running.expiresAt = now + lease.ttlMs;
      return true;
    },

    async complete(request: CompleteRequest): Promise<boolean> {
      const now = mono();
      const held = holds(request, now);
      if (!held) return false;
      held.tick.lease = undefined;
      held.tick.marker = { kind: 'done', outcome: request.outcome, expiresAt: now + request.retentionMs };
      dropRunning(held.entry, request.token);
      const hwm = held.entry.highWaterMark;
      if (request.advanceHighWaterMark && (hwm === null || request.tickMs > hwm)) {
        held.entry.highWaterMark = request.tickMs;
      }
      return true;
    },

    async release(lease: LeaseRef): Promise<boolean> {
      const now = mono();
      const held = holds(lease, now);
      if (!held) return false;
      held.tick.lease = undefined;
      // An at-most-once `started` marker stays: releasing never makes such a tick runnable again.
      if (!held.tick.marker) held.entry.ticks.delete(lease.tick);
      dropRunning(held.entry, lease.token);
      return true;
    },

    async state(job: string, tick?: string): Promise<JobLockState> {
      const now = mono();
      const entry = jobs.get(job);
      const base = { highWaterMark: entry?.highWaterMark ?? null, fence: entry?.fence ?? 0 };
      if (tick === undefined) return base;
      const t = entry && live(entry, tick, now);
      let state: TickState = { status: 'free' };
      if (t?.marker?.kind === 'done') state = { status: 'done', outcome: t.marker.outcome };
      else if (t?.lease) state = { status: 'leased', ttlMs: Math.ceil(t.lease.expiresAt - now) };
      else if (t?.marker?.kind === 'started') state = { status: 'started' };
      return { ...base, tick: state };
    },
  };
}
