/** Express middleware recording each answered request in the shared HTTP metrics. */
import type { RequestHandler } from 'express';
import type { ObserveRequest } from '../shared/http-metrics.js';

/**
 * Records method, matched route pattern (`/apps/:id`), status and duration once the answer is sent. Mount it
 * first, so every request is timed from its start.
 */
export function requestMetrics(observe: ObserveRequest): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    let pattern: string | undefined;
    let route: { path?: unknown } | undefined;
    // Express sets req.route when a route matches, while req.baseUrl still names the router's mount point
    // (`/apps`); an error leaving the router resets baseUrl before the answer is sent, so the full pattern is
    // taken at that moment.
    Object.defineProperty(req, 'route', {
      configurable: true,
      enumerable: true,
      get: () => route,
      set(value: { path?: unknown } | undefined) {
        route = value;
        pattern = typeof value?.path === 'string' ? `${req.baseUrl}${value.path}` : undefined;
      },
    });
    res.on('finish', () => observe(req.method, pattern, res.statusCode, (performance.now() - started) / 1000));
    next();
  };
}
