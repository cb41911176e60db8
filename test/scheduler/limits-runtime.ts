/**
 * A scheduler runtime for tests that call one step of the run path (acquire, keep a lease, run) directly,
 * with a lock and a logger the test controls. Call it inside a test, after faking the timers.
 */
import { memoryLock } from '../../adapters/memory/lock.js';
import { createEmitter } from '../../src/scheduler/events.js';
import { toJob } from '../../src/scheduler/job-options.js';
import type { LockAdapter } from '../../src/scheduler/lock-adapter.js';
import type { JobRecord, Runtime } from '../../src/scheduler/runtime.js';
import type { JobOptions } from '../../src/scheduler/types.js';
import type { Logger } from '../../src/types.js';

/** One log line: level, message and fields. */
export interface LogLine {
  readonly level: keyof Logger;
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

/** A runtime on the memory lock (or `lock`) with the system clock, and the lines it logged. */
export function testRuntime(overrides: Partial<Runtime> = {}): { rt: Runtime; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const line =
    (level: keyof Logger) =>
    (fields: Record<string, unknown>, message: string): void =>
      void lines.push({ level, message, fields });
  const logger: Logger = { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
  const rt: Runtime = {
    lock: memoryLock(),
    logger,
    clock: { now: () => Date.now() },
    instanceId: 'self',
    events: createEmitter(logger),
    lateness: 2000,
    maxClockSkew: 1000,
    unref: false,
    bounded: null,
    controlIntervalMs: 1000,
    stopping: new AbortController(),
    halting: new AbortController(),
    inflight: new Set(),
    historyWrites: new Set(),
    historyFailing: false,
    lastSkewReport: Number.NEGATIVE_INFINITY,
    ...overrides,
  };
  return { rt, lines };
}

/** A job record as `add()` would make it. */
export function testJob(options: Partial<JobOptions> = {}): JobRecord {
  return toJob({ name: 'j', every: 1000, run: () => {}, ...options } as JobOptions);
}

/** A lock whose methods are the memory lock's unless replaced. */
export function lockWith(overrides: Partial<LockAdapter>, base: LockAdapter = memoryLock()): LockAdapter {
  return { ...base, ...overrides };
}
