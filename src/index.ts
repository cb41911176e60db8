/**
 * tickwork: extract ids from almost-JSON, validate and sync ISIN lists, run cron jobs once per tick across a
 * fleet, and the services of a rewards app. Adapters live in the subpaths `tickwork/memory`,
 * `tickwork/redis`, `tickwork/postgres` and `tickwork/fs`; the helpers for writing another adapter are here too
 * (see `adapter-kit.ts`).
 *
 * @module tickwork
 */

export * from './adapter-kit.js';
export * from './domain/index.js';
export type { TickworkErrorCode, TickworkErrorJson, TickworkErrorOptions } from './errors.js';
export { ERROR_STATUS, isTickworkError, TickworkError } from './errors.js';
export * from './extract/index.js';
export * from './isin/index.js';
export * from './scheduler/index.js';
export type { Clock, LogFn, Logger, MaybePromise } from './types.js';
