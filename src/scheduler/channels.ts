/**
 * Scheduler metrics through `node:diagnostics_channel`: any exporter (prom-client, OpenTelemetry, a log
 * shipper) subscribes by name, with no vendor dependency in tickwork. A message is built and published only
 * while its channel has subscribers, so an unobserved scheduler pays nothing.
 *
 * @module
 */
import diagnosticsChannel from 'node:diagnostics_channel';

/**
 * The names of the scheduler's diagnostics channels. Stable: exporters subscribe to them by name.
 *
 * @example
 * ```ts
 * import { subscribe } from 'node:diagnostics_channel';
 * import { schedulerChannels, type RunEndMessage } from 'tickwork';
 *
 * subscribe(schedulerChannels.runEnd, (message) => {
 *   const { job, outcome, durationMs } = message as RunEndMessage;
 *   console.log(job, outcome, durationMs);
 * });
 * ```
 */
export const schedulerChannels = {
  /** A run's first attempt starts: {@link RunStartMessage}. */
  runStart: 'tickwork:run:start',
  /** A run ended: {@link RunEndMessage}. */
  runEnd: 'tickwork:run:end',
  /** A tick did not run on this instance: {@link RunSkippedMessage}. */
  runSkipped: 'tickwork:run:skipped',
  /** A tick passed while nothing ran it: {@link TickMissedMessage}. */
  tickMissed: 'tickwork:tick:missed',
  /** A lock call failed: {@link LockErrorMessage}. */
  lockError: 'tickwork:lock:error',
  /** A running tick lost its lease: {@link LeaseLostMessage}. */
  leaseLost: 'tickwork:lease:lost',
  /** A history entry could not be written (the run itself is unaffected): {@link HistoryErrorMessage}. */
  historyError: 'tickwork:history:error',
} as const;

/** Message of `tickwork:run:start`. */
export interface RunStartMessage {
  /** Job name. */
  readonly job: string;
  /** The tick id. */
  readonly tickId: string;
  /** The scheduled tick (for a manual run, when it was started). */
  readonly tick: Date;
  /** This scheduler's instance id. */
  readonly instanceId: string;
  /** Milliseconds from the tick to the start of the first attempt. */
  readonly delayMs: number;
  /** Whether the run catches up a missed tick. */
  readonly catchUp: boolean;
  /** Whether the run was triggered by hand. */
  readonly manual: boolean;
}

/** Message of `tickwork:run:end`. */
export interface RunEndMessage {
  /** Job name. */
  readonly job: string;
  /** The tick id. */
  readonly tickId: string;
  /** This scheduler's instance id. */
  readonly instanceId: string;
  /** How the run ended. */
  readonly outcome: 'succeeded' | 'failed' | 'abandoned';
  /** Milliseconds from the first attempt to the end. */
  readonly durationMs: number;
  /** Attempts made. */
  readonly attempts: number;
  /** The error's code, for a failed or abandoned run that has one. */
  readonly errorCode?: string;
}

/** Message of `tickwork:run:skipped`. */
export interface RunSkippedMessage {
  /** Job name. */
  readonly job: string;
  /** The tick id. */
  readonly tickId: string;
  /** This scheduler's instance id. */
  readonly instanceId: string;
  /** Why the tick did not run here (a `SkipReason`). */
  readonly reason: string;
}

/** Message of `tickwork:tick:missed` and `tickwork:lease:lost`. */
export interface TickMessage {
  /** Job name. */
  readonly job: string;
  /** The tick id. */
  readonly tickId: string;
  /** This scheduler's instance id. */
  readonly instanceId: string;
}

/** Message of `tickwork:tick:missed`. */
export type TickMissedMessage = TickMessage;
/** Message of `tickwork:lease:lost`. */
export type LeaseLostMessage = TickMessage;

/** Message of `tickwork:lock:error`. */
export interface LockErrorMessage {
  /** Job name. */
  readonly job: string;
  /** The lock operation that failed: `acquire`, `renew`, `complete`, `release`, `poll`, `status`, `setPaused`, `requestRun`, `history`. */
  readonly operation: string;
  /** This scheduler's instance id. */
  readonly instanceId: string;
  /** The error's code, when it has one (`UNAVAILABLE` for an unreachable lock). */
  readonly errorCode?: string;
}

/** Message of `tickwork:history:error`. */
export interface HistoryErrorMessage {
  /** Job name. */
  readonly job: string;
  /** This scheduler's instance id. */
  readonly instanceId: string;
  /** The error's code, when it has one (`UNAVAILABLE` too when the entry was dropped: too many writes pending). */
  readonly errorCode?: string;
}

/** Every channel and its message type. */
export interface SchedulerChannelMessages {
  /** A run's first attempt starts. */
  'tickwork:run:start': RunStartMessage;
  /** A run ended. */
  'tickwork:run:end': RunEndMessage;
  /** A tick did not run on this instance. */
  'tickwork:run:skipped': RunSkippedMessage;
  /** A tick passed while nothing ran it. */
  'tickwork:tick:missed': TickMissedMessage;
  /** A lock call failed. */
  'tickwork:lock:error': LockErrorMessage;
  /** A running tick lost its lease. */
  'tickwork:lease:lost': LeaseLostMessage;
  /** A history entry could not be written. */
  'tickwork:history:error': HistoryErrorMessage;
}

/** One channel name. */
export type SchedulerChannelName = keyof SchedulerChannelMessages;

const channels = new Map<SchedulerChannelName, diagnosticsChannel.Channel>(
  Object.values(schedulerChannels).map((name) => [name, diagnosticsChannel.channel(name)]),
);

/**
 * Publishes on `name` when it has subscribers; `message` is a function so nothing is built otherwise. A
 * throwing subscriber does not reach the scheduler: Node rethrows it on the next tick, as its own bug.
 */
export function publish<N extends SchedulerChannelName>(name: N, message: () => SchedulerChannelMessages[N]): void {
  const channel = channels.get(name);
  if (channel?.hasSubscribers) channel.publish(message());
}

/** The `code` of an error, when it has a string one (a `TickworkError`, a driver error). */
export function errorCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Publishes a failed lock call on `tickwork:lock:error`. */
export function publishLockError(instanceId: string, job: string, operation: string, error: unknown): void {
  publish('tickwork:lock:error', () => {
    const errorCode = errorCodeOf(error);
    return errorCode === undefined ? { job, operation, instanceId } : { job, operation, instanceId, errorCode };
  });
}
