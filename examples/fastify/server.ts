/** Starting and stopping the Fastify example. */
import type { Container } from '../shared/container.js';
import { trackRequests } from '../shared/http-drain.js';
import type { ServerHandle } from '../shared/server-handle.js';
import { buildFastifyApp } from './app.js';

/**
 * Listens on `host:port` (0 picks a free port). `close()` drains Fastify (connections that never sent a request
 * included), whose `onClose` then closes the container.
 */
export async function startFastifyServer(container: Container, host: string, port: number): Promise<ServerHandle> {
  const app = await buildFastifyApp(container);
  const drain = trackRequests(app.server);
  await app.listen({ host, port });
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      closing ??= (async () => {
        const closed = app.close();
        drain.start(container.config.shutdownGraceMs);
        await closed;
      })();
      return closing;
    },
  };
}
