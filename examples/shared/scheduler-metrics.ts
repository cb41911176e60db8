/**
 * The scheduler's metrics, counted from the `tickwork:*` diagnostics channels the scheduler publishes on:
 * runs by job and outcome, run durations, how late a tick started, skipped and missed ticks, lock errors,
 * lost leases and history write failures. Only this process's scheduler is counted (by `instanceId`), so
 * two schedulers in one process (the tests) do not count each other's runs.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import { schedulerChannels as C } from 'tickwork';
import { type ChannelMessage, labelOf, subscribeChannels } from './channel-subscriptions.js';

/** Seconds: from a few milliseconds (a quick job, a tick on time) to an hour (a long sync, a late tick). */
const RUN_SECONDS = [0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
const DELAY_SECONDS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * Registers the scheduler's metrics on `registry` and counts the channel messages of scheduler `instanceId`.
 * Returns the function that stops counting.
 */
export function countSchedulerEvents(
  registry: Registry,
  instanceId: string,
  onError: (channel: string, error: unknown) => void,
): () => void {
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter({ name, help, labelNames, registers: [registry] });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
    new Histogram({ name, help, labelNames, buckets, registers: [registry] });
  const runs = counter('tickwork_job_runs_total', 'Finished runs by job and outcome (succeeded, failed, abandoned)', [
    'job',
    'outcome',
  ]);
  const duration = histogram(
    'tickwork_job_run_duration_seconds',
    'How long a run took, retries included, by job and outcome',
    ['job', 'outcome'],
    RUN_SECONDS,
  );
  const delay = histogram(
    'tickwork_job_start_delay_seconds',
    'From the scheduled tick to the start of its run, for ticks run on time (catch-up and manual runs left out)',
    ['job'],
    DELAY_SECONDS,
  );
  const skipped = counter('tickwork_job_skipped_total', 'Ticks this instance did not run, by job and reason', [
    'job',
    'reason',
  ]);
  const missed = counter(
    'tickwork_job_missed_total',
    'Ticks that passed without a run (the process was down or late past the catch-up policy)',
    ['job'],
  );
  const lockErrors = counter('tickwork_lock_errors_total', 'Lock operations that failed, by job and operation', [
    'job',
    'operation',
  ]);
  const leaseLost = counter(
    'tickwork_lease_lost_total',
    'Runs whose lease was lost (renewal failed or another instance took the tick over)',
    ['job'],
  );
  const historyErrors = counter(
    'tickwork_history_errors_total',
    'Run records that could not be written to the history',
    ['job'],
  );

  const mine = (handler: (message: ChannelMessage) => void) => (message: ChannelMessage) => {
    // A message without an instance id is counted: it cannot be another scheduler's.
    if (message.instanceId === undefined || message.instanceId === instanceId) handler(message);
  };
  return subscribeChannels(
    {
      [C.runStart]: mine((m) => {
        if (m.manual === true || m.catchUp === true || typeof m.delayMs !== 'number') return;
        delay.observe({ job: labelOf(m.job) }, Math.max(0, m.delayMs) / 1000);
      }),
      [C.runEnd]: mine((m) => {
        const labels = { job: labelOf(m.job), outcome: labelOf(m.outcome) };
        runs.inc(labels);
        if (typeof m.durationMs === 'number') duration.observe(labels, Math.max(0, m.durationMs) / 1000);
      }),
      [C.runSkipped]: mine((m) => skipped.inc({ job: labelOf(m.job), reason: labelOf(m.reason) })),
      [C.tickMissed]: mine((m) => missed.inc({ job: labelOf(m.job) })),
      [C.lockError]: mine((m) => lockErrors.inc({ job: labelOf(m.job), operation: labelOf(m.operation) })),
      [C.leaseLost]: mine((m) => leaseLost.inc({ job: labelOf(m.job) })),
      [C.historyError]: mine((m) => historyErrors.inc({ job: labelOf(m.job) })),
    },
    onError,
  );
}
