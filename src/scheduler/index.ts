export type {
  HistoryErrorMessage,
  LeaseLostMessage,
  LockErrorMessage,
  RunEndMessage,
  RunSkippedMessage,
  RunStartMessage,
  SchedulerChannelMessages,
  SchedulerChannelName,
  TickMessage,
  TickMissedMessage,
} from './channels.js';
export { schedulerChannels } from './channels.js';
export type { Listener } from './events.js';
export type {
  AcquireRefusal,
  AcquireRequest,
  AcquireResult,
  CompleteRequest,
  ControlPoll,
  FleetJobState,
  HistoryBounds,
  HistoryQuery,
  JobLockState,
  LeaseHolder,
  LeaseRef,
  LockAdapter,
  ManualRequest,
  MembershipRequest,
  MemberView,
  ResolvedHistoryBounds,
  RunOutcome,
  RunRecord,
  TickOutcome,
  TickState,
} from './lock-adapter.js';
export { historyBoundsOf, nextFence, takeoverGraceMs } from './lock-adapter.js';
export type { TickResult } from './run-tick.js';
export type { Scheduler, StopOptions } from './scheduler.js';
export { createScheduler } from './scheduler.js';
export { tickIdOf } from './ticks.js';
export type {
  ClockSkewEvent,
  HistoryOptions,
  JobContext,
  JobErrorEvent,
  JobHandler,
  JobOptions,
  JobSchedule,
  JobStatus,
  LastRun,
  LeaseLostEvent,
  ManualRunResult,
  RetryOptions,
  RunAbandonedEvent,
  RunFailureEvent,
  RunningTick,
  RunSkippedEvent,
  RunStartEvent,
  RunSuccessEvent,
  SchedulerEvents,
  SchedulerOptions,
  SkipReason,
  TickEvent,
  TriggerOptions,
  TriggerReceipt,
} from './types.js';
