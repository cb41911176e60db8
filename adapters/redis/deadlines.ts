/**
 * Reply deadlines for many calls that share one timeout, with one timer in all. A timer and a
 * `Promise.race` per command cost more than the rest of the adapter's own work on a lock call; calls with one
 * timeout expire in the order they were sent, so a FIFO whose head owns the only timer is enough. When the last
 * call in flight is answered the timer is cleared: an idle lock leaves no timer to wake the process for nothing.
 */
import { TickworkError } from '../../src/adapter-kit.js';

interface Pending {
  readonly deadline: number;
  readonly what: string;
  reject: ((error: unknown) => void) | undefined;
}

/** Wraps a reply so it rejects with `UNAVAILABLE` after the shared timeout. */
export interface Deadlines {
  /** The reply, or an `UNAVAILABLE` rejection if it takes longer than the timeout (`what` names the call). */
  wrap<T>(reply: Promise<T>, what: string): Promise<T>;
}

/**
 * Runs `judge` once the replies already waiting to be read have been read. A timer that comes due while the
 * process is frozen (a GC pause, a stopped VM, a blocked event loop) fires, on resume, in the timers phase,
 * before the poll phase that reads replies which arrived meanwhile; `setImmediate` runs after that poll phase,
 * so a reply that did arrive is not judged a timeout. It costs nothing on the path where replies come in time.
 */
export function afterPendingReplies(judge: () => void): void {
  setImmediate(judge);
}

/** Deadlines of `ms` milliseconds on the monotonic clock. The timer is unref'd: it never keeps a process alive. */
export function deadlines(ms: number): Deadlines {
  const queue: Pending[] = [];
  let head = 0;
  let pending = 0;
  let timer: NodeJS.Timeout | undefined;

  const settle = (entry: Pending): ((error: unknown) => void) | undefined => {
    const reject = entry.reject;
    if (reject === undefined) return undefined;
    entry.reject = undefined;
    if (--pending === 0) {
      // The queue holds only settled calls now; the next `arm` drops them.
      clearTimeout(timer);
      timer = undefined;
    }
    return reject;
  };

  const arm = () => {
    // Settled calls at the head no longer need their deadline.
    while (head < queue.length && queue[head]?.reject === undefined) head++;
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
      timer = undefined;
      return;
    }
    if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    const first = queue[head] as Pending;
    timer = setTimeout(() => afterPendingReplies(expire), Math.max(0, first.deadline - performance.now()));
    timer.unref();
  };

  const expire = () => {
    const now = performance.now();
    for (; head < queue.length; head++) {
      const p = queue[head] as Pending;
      if (p.reject === undefined) continue;
      if (p.deadline > now) break;
      const reject = settle(p) as (error: unknown) => void;
      reject(
        new TickworkError('UNAVAILABLE', `Redis did not answer ${p.what} within ${ms} ms`, {
          details: { what: p.what },
        }),
      );
    }
    if (timer !== undefined) arm();
  };

  return {
    wrap<T>(reply: Promise<T>, what: string): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const entry: Pending = { deadline: performance.now() + ms, what, reject };
        queue.push(entry);
        pending++;
        if (timer === undefined) arm();
        reply.then(
          (value) => {
            if (settle(entry)) resolve(value);
          },
          (error: unknown) => {
            if (settle(entry)) reject(error);
          },
        );
      });
    },
  };
}
