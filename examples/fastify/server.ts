/** Starting and stopping the Fastify example. */
import type { Container } from '../shared/container.js';
import type { ServerHandle } from '../shared/server-handle.js';
import { buildFastifyApp } from './app.js';

/** Listens on `host:port` (0 picks a free port). `close()` drains Fastify, whose `onClose` closes the container. */
export async function startFastifyServer(container: Container, host: string, port: number): Promise<ServerHandle> {
  const app = await buildFastifyApp(container);
  await app.listen({ host, port });
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  return { url, close: () => app.close() };
}
