/**
 * Small ports shared by every module: the logger and the clock. (The scheduler's options and events are in
 * `scheduler/types.ts`.)
 *
 * @module
 */

/** A value or a promise of it. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * One log method. Fits pino (`logger.info({ job }, 'started')`) and console (`console.info(obj, msg)`):
 * tickwork always passes structured fields first and the message second.
 */
export type LogFn = (fields: Record<string, unknown>, message: string) => void;

/**
 * The logger port. A pino logger, `console`, or anything with these four methods fits. tickwork prints
 * nothing except through the logger it is given.
 */
export interface Logger {
  /** Detail for debugging. */
  debug: LogFn;
  /** Normal events. */
  info: LogFn;
  /** Something is off but work goes on. */
  warn: LogFn;
  /** Work failed. */
  error: LogFn;
}

/** A clock. Tests inject one to control time; the default reads `Date.now()`. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}
