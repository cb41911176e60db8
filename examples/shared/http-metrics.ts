/**
 * HTTP request metrics both servers record: a count and a duration histogram by method, route pattern and
 * status. The route is the pattern the framework matched (`/apps/:id`), never the raw URL, so the number of
 * series stays bounded whatever clients send.
 */
import { Counter, Histogram, type Registry } from 'prom-client';

/** The route label of an answer no route made (404s; static files on Express). */
export const NO_ROUTE = 'none';

/** Methods that get a label of their own; any other is counted as `other`. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Seconds: from a cached answer to a 10 MiB extraction. */
const REQUEST_SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Records one answered request. `route` is the matched pattern, or `undefined` when no route answered. */
export type ObserveRequest = (method: string, route: string | undefined, status: number, seconds: number) => void;

/** Registers the request metrics on `registry`; returns the function each server calls once per answer. */
export function httpRequestMetrics(registry: Registry): ObserveRequest {
  const labelNames = ['method', 'route', 'status_code'] as const;
  const requests = new Counter({
    name: 'tickwork_http_requests_total',
    help: 'Answered HTTP requests by method, route pattern and status',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'tickwork_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status',
    labelNames,
    buckets: REQUEST_SECONDS,
    registers: [registry],
  });
  return (method, route, status, seconds) => {
    const labels = {
      method: METHODS.has(method) ? method : 'other',
      route: routeLabel(route),
      status_code: String(status),
    };
    requests.inc(labels);
    duration.observe(labels, seconds);
  };
}

/** A matched pattern as a label: without a trailing slash (`/apps/` and `/apps` are one route), or {@link NO_ROUTE}. */
export function routeLabel(route: string | undefined): string {
  if (!route) return NO_ROUTE;
  return route.length > 1 && route.endsWith('/') ? route.slice(0, -1) : route;
}
