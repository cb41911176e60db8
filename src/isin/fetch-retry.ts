/**
 * The retry wrapper of `fetchIsinList`: p-retry around one attempt, a time limit per attempt and in total,
 * `Retry-After` honoured, and every way a fetch can stop (abort, timeout, last failure) as one coded error.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pRetry from 'p-retry';
import { isTickworkError, TickworkError } from '../errors.js';
import { abortError } from '../internal/abort.js';
import { assertInteger } from '../internal/assert.js';

/**
 * The `retry` group of `fetchIsinList` and `createIsinSync`. The names are p-retry's, as in the scheduler's
 * `retry`; every duration is in milliseconds.
 */
export interface IsinFetchRetryOptions {
  /**
   * Retries after a network error, a 5xx or a 429 (never after another 4xx or a bad body).
   * @default 3
   */
  readonly retries?: number;
  /**
   * Delay before the first retry, in milliseconds (doubling, with jitter).
   * @default 1000
   */
  readonly minTimeout?: number;
  /**
   * Longest delay between retries, in milliseconds.
   * @default 30000
   */
  readonly maxTimeout?: number;
  /**
   * Longest `Retry-After` honoured, in milliseconds; a longer one fails the fetch with `RATE_LIMITED` at once.
   * @default 300000
   */
  readonly maxRetryAfter?: number;
}

/** Resolved retry options. */
export type RetrySettings = Required<IsinFetchRetryOptions>;

/** Checks the `retry` group up front and fills in defaults. */
export function resolveRetryOptions(o: IsinFetchRetryOptions = {}): RetrySettings {
  const settings = {
    retries: o.retries ?? 3,
    minTimeout: o.minTimeout ?? 1000,
    maxTimeout: o.maxTimeout ?? 30_000,
    maxRetryAfter: o.maxRetryAfter ?? 300_000,
  };
  assertInteger('retry.retries', settings.retries, 0);
  assertInteger('retry.minTimeout', settings.minTimeout, 0);
  assertInteger('retry.maxTimeout', settings.maxTimeout, 0);
  assertInteger('retry.maxRetryAfter', settings.maxRetryAfter, 0);
  return settings;
}

/** Time limits of a fetch, in milliseconds. */
export interface TimeLimits {
  /** One attempt, request and whole body. */
  readonly timeout: number;
  /** The whole fetch, retries included. */
  readonly totalTimeout: number;
}

/** One attempt: its number (from 1) and the signal that ends it. */
export interface Attempt {
  /** Attempt number, from 1. */
  readonly n: number;
  /** Aborts on the caller's signal, the total time limit and the attempt's own. */
  readonly signal: AbortSignal;
}

const retryable = (error: unknown): boolean =>
  isTickworkError(error) && (error.details as { retryable?: boolean } | undefined)?.retryable === true;

/**
 * Runs `attempt` until it succeeds, fails for good, or time runs out. An error worth another attempt carries
 * `details.retryable` (and `details.retryAfter` to wait for); anything else ends the fetch at once.
 */
export async function withRetries<T>(
  attempt: (a: Attempt) => Promise<T>,
  retry: RetrySettings,
  limits: TimeLimits,
  user: AbortSignal | undefined,
): Promise<T> {
  const total = AbortSignal.timeout(limits.totalTimeout);
  const overall = user === undefined ? total : AbortSignal.any([user, total]);
  const stopped = (cause: unknown): TickworkError =>
    user?.aborted
      ? abortError(user, 'The fetch was aborted')
      : total.aborted
        ? new TickworkError('TIMEOUT', `The fetch took longer than ${limits.totalTimeout} ms in total`, { cause })
        : new TickworkError('TIMEOUT', `An attempt took longer than ${limits.timeout} ms`, {
            cause,
            details: { retryable: true },
          });

  let n = 0;
  const run = async (): Promise<T> => {
    const signal = AbortSignal.any([overall, AbortSignal.timeout(limits.timeout)]);
    try {
      return await attempt({ n: ++n, signal });
    } catch (error) {
      if (signal.aborted) throw stopped(error);
      throw error;
    }
  };

  try {
    return await pRetry(run, {
      retries: retry.retries,
      minTimeout: retry.minTimeout,
      maxTimeout: retry.maxTimeout,
      factor: 2,
      randomize: true,
      signal: overall,
      shouldRetry: ({ error }) => retryable(error),
      onFailedAttempt: async ({ error, retriesLeft }) => {
        const wait = (error as TickworkError).details as { retryAfter?: number; retryable?: boolean } | undefined;
        if (retriesLeft > 0 && wait?.retryable && wait.retryAfter !== undefined && wait.retryAfter > 0) {
          await sleep(wait.retryAfter, undefined, { signal: overall }).catch(() => {});
        }
      },
    });
  } catch (error) {
    if (user?.aborted) throw abortError(user, 'The fetch was aborted');
    if (isTickworkError(error)) throw error;
    if (overall.aborted) throw stopped(error);
    throw new TickworkError('UPSTREAM', `Cannot read the list: ${(error as Error).message}`, { cause: error });
  }
}
