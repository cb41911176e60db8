/**
 * The one shape of an `ABORTED` error: code `ABORTED`, a message saying what stopped, and the signal's reason
 * as `cause`, so a timeout, a stop or a lost lease behind the abort is never lost.
 */
import { TickworkError } from '../errors.js';

/**
 * An `ABORTED` error for work that `signal` stopped (or, without a signal, that was stopped by other means).
 * `message` names what stopped; `details` adds machine-readable context such as `{ reason: 'stopped' }`.
 */
export function abortError(
  signal: AbortSignal | undefined,
  message = 'The operation was aborted',
  details?: Record<string, unknown>,
): TickworkError {
  return new TickworkError('ABORTED', message, {
    ...(signal === undefined ? {} : { cause: signal.reason }),
    ...(details === undefined ? {} : { details }),
  });
}

/** Throws {@link abortError} when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, message?: string): void {
  if (signal?.aborted) throw abortError(signal, message);
}
