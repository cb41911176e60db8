/** Helpers shared by the scheduler tests. */
import { TickworkError } from '../../src/errors.js';
import type { Scheduler } from '../../src/scheduler/index.js';
import type { AcquireRequest } from '../../src/scheduler/lock-adapter.js';
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

/** A sink that accepts a write only with a fence at least as high as the last accepted one. */
export function fencedSink() {
  let last = 0;
  const writes: { fence: number; value: string }[] = [];
  return {
    writes,
    write(fence: number, value: string): void {
      if (fence < last) {
        throw new TickworkError('STALE_FENCE', `Fence ${fence} is older than ${last}.`, { details: { fence, last } });
      }
      last = fence;
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
