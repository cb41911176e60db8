/**
 * The Prometheus listener: `GET /metrics` on `METRICS_HOST:METRICS_PORT`, apart from the API. A scraper has
 * no account to sign in with, so the endpoint takes no credentials; it is kept from the public instead by
 * listening on another port, on loopback unless `METRICS_HOST` says otherwise. Both frameworks use this one
 * listener: it serves no API route, so it needs neither.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { routeNotFound, toHttpError } from './http-errors.js';
import type { ExampleLogger } from './logger.js';
import type { Metrics } from './metrics.js';
import { SECURITY_HEADERS } from './security-headers.js';
import { httpServerOptions, type Timeouts } from './timeouts.js';

/** A running metrics listener. */
export interface MetricsServer {
  /** Where to scrape, such as `http://127.0.0.1:9464/metrics`. */
  readonly url: string;
  /** Stops listening and ends its connections. */
  close(): Promise<void>;
}

/** Starts the listener on `host:port` (0 picks a free port). */
export async function startMetricsServer(
  metrics: Metrics,
  options: {
    readonly host: string;
    readonly port: number;
    readonly timeouts: Timeouts;
    readonly logger: ExampleLogger;
  },
): Promise<MetricsServer> {
  const server = createServer(httpServerOptions(options.timeouts), (request, response) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const answerJson = ({ status, body }: { status: number; body: unknown }) => {
      response.statusCode = status;
      response.setHeader('content-type', 'application/json; charset=utf-8');
      response.end(JSON.stringify(body));
    };
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      answerJson(routeNotFound(request.method ?? 'GET', path));
      return;
    }
    metrics.registry.metrics().then(
      (text) => {
        response.setHeader('content-type', metrics.registry.contentType);
        response.setHeader('cache-control', 'no-store');
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        options.logger.error({ err: error }, 'metrics collection failed');
        answerJson(toHttpError(error));
      },
    );
  });
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/metrics`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // A scrape is short: nothing to drain, so every connection ends now rather than at its keep-alive timeout.
      server.closeAllConnections();
      await closed;
    },
  };
}
