/**
 * Draining an HTTP server on shutdown, shared by both examples. `server.close()` stops accepting and ends idle
 * keep-alive connections, but a connection that has not sent a request yet (a browser's pre-connection) or has
 * sent only part of one keeps it open until a timeout: the drain ends those as soon as no request is in
 * flight, and everything once the grace period is over.
 */
import type { Server } from 'node:http';

/** Drains a server: see {@link trackRequests}. */
export interface Drain {
  /** Requests being answered right now. */
  inFlight(): number;
  /**
   * Ends idle connections now, the rest once the last request in flight has been answered, and all of them after
   * `graceMs` whatever is left. Call it beside `server.close()`; idempotent.
   */
  start(graceMs: number): void;
}

/** Counts the requests `server` is answering, so shutdown knows when the remaining connections are idle. */
export function trackRequests(server: Server): Drain {
  let inFlight = 0;
  let draining = false;
  const endAll = () => server.closeAllConnections();
  server.on('request', (_request, response) => {
    inFlight++;
    response.once('close', () => {
      inFlight--;
      if (draining && inFlight === 0) endAll();
    });
  });
  return {
    inFlight: () => inFlight,
    start(graceMs) {
      if (draining) return;
      draining = true;
      server.closeIdleConnections();
      if (inFlight === 0) {
        endAll();
        return;
      }
      // Requests still running past the grace period are cut off rather than holding the process.
      setTimeout(endAll, graceMs).unref();
    },
  };
}
