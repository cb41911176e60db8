/**
 * Writing the run history: fire and forget, bounded. A history write never delays, blocks or fails a run: it
 * is not awaited, at most {@link MAX_PENDING_HISTORY_WRITES} are in flight per scheduler (more are dropped),
 * and a failure is logged and published on `tickwork:history:error` for exporters to count.
 */
import { TickworkError } from '../errors.js';
import { errorCodeOf, publish } from './channels.js';
import { HISTORY_MESSAGE_MAX, type RunRecord } from './lock-adapter.js';
import type { JobRecord, Runtime } from './runtime.js';

/** History writes one scheduler keeps in flight at most; beyond that an entry is dropped (and reported). */
export const MAX_PENDING_HISTORY_WRITES = 100;

/** A history entry's error fields: its code and its message, cut to {@link HISTORY_MESSAGE_MAX} characters. */
export function errorFields(error: unknown): Pick<RunRecord, 'errorCode' | 'errorMessage'> {
  if (error === undefined) return {};
  const code = errorCodeOf(error);
  const raw = error instanceof Error ? error.message : String(error);
  const message = raw.length > HISTORY_MESSAGE_MAX ? `${raw.slice(0, HISTORY_MESSAGE_MAX - 1)}…` : raw;
  return code === undefined ? { errorMessage: message } : { errorCode: code, errorMessage: message };
}

function reportFailure(rt: Runtime, job: JobRecord, error: unknown): void {
  // One warning when writes start failing, then quieter lines until one succeeds again.
  const level = rt.historyFailing ? 'debug' : 'warn';
  rt.historyFailing = true;
  rt.logger[level]({ job: job.name, err: error }, 'could not write the run history; the run is not affected');
  publish('tickwork:history:error', () => {
    const errorCode = errorCodeOf(error);
    return errorCode === undefined
      ? { job: job.name, instanceId: rt.instanceId }
      : { job: job.name, instanceId: rt.instanceId, errorCode };
  });
}

/** Records `entry` in the lock's history of `job` without waiting for it. */
export function recordHistory(rt: Runtime, job: JobRecord, entry: RunRecord): void {
  if (rt.historyWrites.size >= MAX_PENDING_HISTORY_WRITES) {
    reportFailure(
      rt,
      job,
      new TickworkError('UNAVAILABLE', 'Too many history writes pending; entry dropped', {
        details: { reason: 'history-backlog' },
      }),
    );
    return;
  }
  let write: Promise<unknown>;
  try {
    write = Promise.resolve(rt.lock.record(job.key, entry)).then(
      () => {
        rt.historyFailing = false;
      },
      (error: unknown) => reportFailure(rt, job, error),
    );
  } catch (error) {
    // An adapter that throws synchronously is treated like one that rejects.
    reportFailure(rt, job, error);
    return;
  }
  rt.historyWrites.add(write);
  void write.finally(() => rt.historyWrites.delete(write));
}
