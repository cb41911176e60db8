export type { Listener } from './events.js';
export type {
  AcquireRefusal,
  AcquireRequest,
  AcquireResult,
  CompleteRequest,
  JobLockState,
  LeaseRef,
  LockAdapter,
  TickOutcome,
  TickState,
} from './lock-adapter.js';
export { nextFence, takeoverGraceMs } from './lock-adapter.js';
export type { TickResult } from './run-tick.js';
export type { Scheduler, StopOptions } from './scheduler.js';
export { createScheduler } from './scheduler.js';
export { tickIdOf } from './ticks.js';
export type {
  ClockSkewEvent,
  JobContext,
  JobErrorEvent,
  JobHandler,
  JobOptions,
  JobStatus,
  LastRun,
  LeaseLostEvent,
  RetryOptions,
  RunAbandonedEvent,
  RunFailureEvent,
  RunSkippedEvent,
  RunStartEvent,
  RunSuccessEvent,
  SchedulerEvents,
  SchedulerOptions,
  SkipReason,
  TickEvent,
} from './types.js';
