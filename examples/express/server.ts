/** Starting and stopping the Express example. */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Container } from '../shared/container.js';
import { trackRequests } from '../shared/http-drain.js';
import { answerClientError } from '../shared/security-headers.js';
import type { ServerHandle } from '../shared/server-handle.js';
import { httpServerOptions } from '../shared/timeouts.js';
import { buildExpressApp } from './app.js';

/**
 * Listens on `host:port` (0 picks a free port) with the configured header, request and keep-alive bounds.
 * `close()` drains the HTTP server, then closes the container.
 */
export async function startExpressServer(container: Container, host: string, port: number): Promise<ServerHandle> {
  const { timeouts, shutdownGraceMs } = container.config;
  const server = createServer(httpServerOptions(timeouts), buildExpressApp(container));
  server.keepAliveTimeout = timeouts.httpKeepAliveMs;
  // What Node's parser refuses before there is a request: the error shape and the security headers too.
  server.on('clientError', answerClientError);
  const drain = trackRequests(server);
  server.listen(port, host);
  await once(server, 'listening');
  const { port: bound } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
        drain.start(shutdownGraceMs);
        await closed;
        await container.close();
      })();
      return closing;
    },
  };
}
