/**
 * A bound on how many requests of one kind run at once in a process. `POST /extract` reads up to 10 MB and
 * scans it: without a bound, a handful of parallel calls hold hundreds of megabytes and stall every other
 * route. A request over the bound is refused at once (429 with `Retry-After`) rather than queued, so a flood
 * costs nothing but the refusals.
 */
import type { ServerResponse } from 'node:http';
import { TickworkError } from 'tickwork';

/** Counts requests in flight; see {@link concurrencyGate}. */
export interface ConcurrencyGate {
  /**
   * Admits the request answered through `response`, or throws `RATE_LIMITED` when `max` are in flight. The slot
   * is freed when the response closes (sent, or the client went away), whatever happened in between.
   */
  enter(response: ServerResponse): void;
  /** Requests in flight now. */
  readonly inFlight: number;
}

/** A gate admitting at most `max` requests at once; `what` names them in the refusal. */
export function concurrencyGate(max: number, what: string): ConcurrencyGate {
  let inFlight = 0;
  return {
    enter(response) {
      if (inFlight >= max) {
        response.setHeader('retry-after', '1');
        throw new TickworkError('RATE_LIMITED', `Too many ${what} requests at once; try again in a second`, {
          details: { maxConcurrent: max },
        });
      }
      inFlight++;
      response.once('close', () => {
        inFlight--;
      });
    },
    get inFlight() {
      return inFlight;
    },
  };
}
