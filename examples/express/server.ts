/** Starting and stopping the Express example. */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Container } from '../shared/container.js';
import { answerClientError } from '../shared/security-headers.js';
import type { ServerHandle } from '../shared/server-handle.js';
import { buildExpressApp } from './app.js';

/** Listens on `host:port` (0 picks a free port). `close()` drains the HTTP server, then closes the container. */
export async function startExpressServer(container: Container, host: string, port: number): Promise<ServerHandle> {
  const server = buildExpressApp(container).listen(port, host);
  // What Node's parser refuses before there is a request: the error shape and the security headers too.
  server.on('clientError', answerClientError);
  await once(server, 'listening');
  const { port: bound } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
        // Idle keep-alive connections would otherwise hold close() open until they time out.
        server.closeIdleConnections();
        await closed;
        await container.close();
      })();
      return closing;
    },
  };
}
