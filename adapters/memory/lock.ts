import { historyBoundsOf, nextFence, takeoverGraceMs } from '../../src/adapter-kit.js';
import type {
  AcquireRequest,
  AcquireResult,
  Clock,
  CompleteRequest,
  FleetJobState,
  HistoryBounds,
  JobLockState,
  LeaseHolder,
  LeaseRef,
  LockAdapter,
  ManualRequest,
  TickOutcome,
  TickState,
} from '../../src/index.js';
import { type RunHistory, runHistory } from './run-history.js';

/** Options of {@link memoryLock}. */
export interface MemoryLockOptions extends HistoryBounds {
  /**
   * One clock for both the lock's wall time and lease expiry. Tests inject one to control time.
   * @default wall time from `Date.now()`, monotonic `performance.now()` for lease expiry
   */
  readonly clock?: Clock;
}

interface Lease {
  token: string;
  expiresAt: number;
  /** The acquirer's instance id. */
  holder?: string;
}

type Marker =
  | { kind: 'claimed'; expiresAt: number }
  | { kind: 'started'; expiresAt: number }
  | { kind: 'done'; outcome: TickOutcome; expiresAt: number };

interface TickEntry {
  lease?: Lease;
  marker?: Marker;
}

interface JobEntry {
  fence: number;
  cursor: number | null;
  highWaterMark: number | null;
  /** The exclusive holder and the tick it runs; outlives the tick lease by the takeover grace. */
  running?: Lease & { tick: string };
  ticks: Map<string, TickEntry>;
  /** Fleet control: paused fleet-wide. */
  paused: boolean;
  /** Manual run requests not yet taken, oldest first. */
  requests: ManualRequest[];
  history: RunHistory;
  /** Bounded attempts: member id → heartbeat expiry (monotonic clock). */
  members: Map<string, number>;
}

/** Expired entries are dropped lazily on access, plus one full sweep at most this often. */
const SWEEP_INTERVAL_MS = 5000;

/**
 * The in-memory {@link LockAdapter}: the reference implementation of the lock state machine (cursor, lease,
 * markers, fence, job-level running lease), with expiry on a monotonic clock. It coordinates the schedulers
 * of one process only; use `redisLock` or `postgresLock` for a fleet.
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
  const clock = options.clock;
  const wall = clock ? () => clock.now() : () => Date.now();
  const mono = clock ? () => clock.now() : () => performance.now();
  const bounds = historyBoundsOf(options);
  const jobs = new Map<string, JobEntry>();
  let lastSweep = Number.NEGATIVE_INFINITY;

  const jobEntry = (job: string): JobEntry => {
    let entry = jobs.get(job);
    if (!entry) {
      entry = {
        fence: 0,
        cursor: null,
        highWaterMark: null,
        ticks: new Map(),
        paused: false,
        requests: [],
        history: runHistory(bounds),
        members: new Map(),
      };
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

  const liveRunning = (entry: JobEntry, now: number): JobEntry['running'] => {
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
    async acquire(r: AcquireRequest): Promise<AcquireResult> {
      const now = mono();
      const serverTime = wall();
      if (now - lastSweep >= SWEEP_INTERVAL_MS) {
        lastSweep = now;
        sweep(now);
      }
      const refuse = (reason: Exclude<AcquireResult, { acquired: true }>['reason'], retryInMs = 0): AcquireResult => ({
        acquired: false,
        reason,
        serverTime,
        retryInMs: Math.max(0, Math.ceil(retryInMs)),
      });
      const entry = jobEntry(r.job);
      const tick = live(entry, r.tick, now);
      const marker = tick?.marker;
      if (marker?.kind === 'done' || marker?.kind === 'started') return refuse(marker.kind);
      if (r.earlyToleranceMs !== null && r.tickMs > serverTime + r.earlyToleranceMs) {
        return refuse('early', r.tickMs - serverTime);
      }
      const scheduled = r.kind !== 'manual';
      if (scheduled && entry.paused) {
        // A paused tick nobody claimed is handled by the fleet: the cursor passes it, and the one caller that
        // moved it is told it came first (it records the skip).
        const first = r.kind === 'scheduled' && !marker && (entry.cursor === null || r.tickMs > entry.cursor);
        if (first) entry.cursor = r.tickMs;
        return { acquired: false, reason: 'paused', serverTime, retryInMs: 0, first };
      }
      if (tick?.lease) return refuse('held', tick.lease.expiresAt - now);
      const takeover = marker?.kind === 'claimed';
      if (scheduled) {
        const cursor = entry.cursor;
        if (takeover) {
          // An exclusive job has moved on once a newer tick was claimed: the older one is superseded.
          if (r.exclusive && cursor !== null && r.tickMs < cursor) return refuse('stale');
        } else if (cursor === null ? r.kind === 'catch-up' : r.tickMs <= cursor) {
          return refuse('stale');
        } else if (r.maxLateMs !== null && r.tickMs < serverTime - r.maxLateMs) {
          return refuse('stale');
        }
      }
      const expiresAt = now + r.ttlMs;
      if (r.exclusive) {
        const running = liveRunning(entry, now);
        if (running && running.token !== r.token && running.tick !== r.tick) {
          return refuse('overlap', running.expiresAt - now);
        }
        const grace = r.atMostOnce ? 0 : takeoverGraceMs(r.ttlMs);
        entry.running = { token: r.token, tick: r.tick, expiresAt: expiresAt + grace };
      }
      const markerTtl = Math.max(r.retentionMs, r.ttlMs);
      entry.ticks.set(r.tick, {
        lease: { token: r.token, expiresAt, holder: r.instanceId ?? '' },
        marker: { kind: r.atMostOnce ? 'started' : 'claimed', expiresAt: now + markerTtl },
      });
      if (scheduled && (entry.cursor === null || r.tickMs > entry.cursor)) entry.cursor = r.tickMs;
      entry.fence = nextFence(entry.fence, serverTime);
      return { acquired: true, fence: entry.fence, serverTime, takeover };
    },

    async renew(lease): Promise<boolean> {
      const now = mono();
      const held = holds(lease, now);
      if (!held?.tick.lease) return false;
      held.tick.lease.expiresAt = now + lease.ttlMs;
      // A long run keeps its claim marker alive too, so the tick can still be taken over if the holder dies.
      const marker = held.tick.marker;
      if (marker && marker.kind !== 'done') marker.expiresAt = Math.max(marker.expiresAt, now + 2 * lease.ttlMs);
      const running = liveRunning(held.entry, now);
      if (running?.token === lease.token) running.expiresAt = now + lease.ttlMs + takeoverGraceMs(lease.ttlMs);
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
      // The `claimed` (or at-most-once `started`) marker stays: the tick may be taken over, never claimed anew.
      held.tick.lease = undefined;
      if (!held.tick.marker) held.entry.ticks.delete(lease.tick);
      // The running slot goes at once: a stopped holder gives its tick back, no grace needed.
      dropRunning(held.entry, lease.token);
      return true;
    },

    async state(job: string, tick?: string): Promise<JobLockState> {
      const now = mono();
      const entry = jobs.get(job);
      const base = {
        cursor: entry?.cursor ?? null,
        highWaterMark: entry?.highWaterMark ?? null,
        fence: entry?.fence ?? 0,
        serverTime: wall(),
      };
      if (tick === undefined) return base;
      const t = entry && live(entry, tick, now);
      let state: TickState = { status: 'free' };
      if (t?.marker?.kind === 'done') state = { status: 'done', outcome: t.marker.outcome };
      else if (t?.lease) state = { status: 'leased', ttlMs: Math.ceil(t.lease.expiresAt - now) };
      else if (t?.marker) state = { status: t.marker.kind };
      return { ...base, tick: state };
    },

    async record(job, entry) {
      jobEntry(job).history.add(entry, wall());
    },

    async history(job, query) {
      return jobs.get(job)?.history.list(query, wall()) ?? [];
    },

    async setPaused(job, paused) {
      jobEntry(job).paused = paused;
    },

    async requestRun(job, request) {
      jobEntry(job).requests.push({ ...request });
    },

    async poll(job) {
      const entry = jobs.get(job);
      return { paused: entry?.paused ?? false, request: entry?.requests.shift() ?? null };
    },

    async members(r) {
      const now = mono();
      const members = jobEntry(r.job).members;
      members.set(r.instanceId, now + r.ttlMs);
      for (const [id, expiresAt] of members) if (expiresAt <= now) members.delete(id);
      return { members: [...members.keys()], serverTime: wall() };
    },

    async status(job): Promise<FleetJobState> {
      const now = mono();
      const entry = jobs.get(job);
      if (!entry) return { paused: false, running: [], last: null, pendingRequests: 0 };
      const running: LeaseHolder[] = [];
      for (const tick of [...entry.ticks.keys()]) {
        const lease = live(entry, tick, now)?.lease;
        if (lease) running.push({ tick, instanceId: lease.holder ?? '', ttlMs: Math.ceil(lease.expiresAt - now) });
      }
      return {
        paused: entry.paused,
        running,
        last: entry.history.list({ limit: 1 }, wall())[0] ?? null,
        pendingRequests: entry.requests.length,
      };
    },
  };
}
