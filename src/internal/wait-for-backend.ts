/**
 * Waiting (bounded, abortable) for a backing service to answer at start-up: the Redis and PostgreSQL locks
 * both ask until the first answer, backing off from 50 ms to 1 s, and give up with `UNAVAILABLE`.
 */
import { TickworkError } from '../errors.js';
import type { Logger } from '../types.js';

/** What {@link waitForBackend} needs. */
export interface BackendWait<T> {
  /** The service's name in the log line and the error (`Redis`, `PostgreSQL`). */
  readonly name: string;
  /** One attempt; `remainingMs` is what is left of the bound. */
  readonly ask: (remainingMs: number) => Promise<T>;
  /** Turns a failed attempt into a coded error; only `UNAVAILABLE` is waited out, anything else is final. */
  readonly translate: (error: unknown) => TickworkError;
  /** Milliseconds to wait in all. */
  readonly timeoutMs: number;
  /** Where "waiting for … to answer" is reported, once. */
  readonly logger: Logger;
  /** Aborts the wait (a scheduler stopped while starting). */
  readonly signal?: AbortSignal | undefined;
}

const pause = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Resolves the first answer of `ask`; throws `UNAVAILABLE` naming the bound when none came in time. */
export async function waitForBackend<T>(w: BackendWait<T>): Promise<T> {
  const deadline = performance.now() + w.timeoutMs;
  let wait = 50;
  for (;;) {
    w.signal?.throwIfAborted();
    try {
      return await w.ask(Math.max(1, deadline - performance.now()));
    } catch (error) {
      const translated = w.translate(error);
      if (translated.code !== 'UNAVAILABLE') throw translated;
      if (performance.now() + wait >= deadline) {
        throw new TickworkError('UNAVAILABLE', `${w.name} did not answer within ${w.timeoutMs} ms`, {
          cause: translated,
          details: { connectTimeout: w.timeoutMs },
        });
      }
      if (wait === 50) w.logger.info({}, `waiting for ${w.name} to answer`);
      await pause(wait, w.signal);
      wait = Math.min(wait * 2, 1000);
    }
  }
}
