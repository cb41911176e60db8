import type { Clock } from '../types.js';

/** Longest single timer: re-checking the wall clock this often survives suspend and clock jumps (as croner does). */
const MAX_TIMER_CHUNK_MS = 30_000;

/** Resolves `true` after `ms` milliseconds, or `false` at once when `signal` aborts. */
export function delay(ms: number, signal: AbortSignal, unref: boolean): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    // setTimeout fires at once for delays beyond 2^31 - 1 ms; callers chunk, this clamps as a last guard.
    const timer = setTimeout(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      },
      Math.max(0, Math.min(ms, MAX_TIMER_CHUNK_MS)),
    );
    if (unref) timer.unref();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Waits until `clock.now() >= targetMs` in chunks of at most `MAX_TIMER_CHUNK_MS` (30 s), re-reading the
 * clock after each, so a timer far in the future (a yearly job) never overflows `setTimeout`. Resolves
 * `false` if aborted.
 */
export async function sleepUntil(
  clock: Clock,
  targetMs: number,
  signal: AbortSignal,
  unref: boolean,
): Promise<boolean> {
  for (;;) {
    const remaining = targetMs - clock.now();
    if (remaining <= 0) return !signal.aborted;
    if (!(await delay(remaining, signal, unref))) return false;
  }
}
