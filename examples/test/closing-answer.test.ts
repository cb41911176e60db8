/**
 * A request that reaches the Fastify example while it shuts down (on a keep-alive connection that is still
 * busy, so closing the idle connections does not end it) is answered 503 in the examples' error shape, with
 * the security headers and `Connection: close`, not with Fastify's own 503 body.
 */
import { type AddressInfo, connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { buildFastifyApp } from '../fastify/app.js';
import { loadConfig } from '../shared/config.js';
import { createContainer } from '../shared/container.js';
import { createLogger } from '../shared/logger.js';
import { SECURITY_HEADERS } from '../shared/security-headers.js';

/** Whether a new connection to `port` is refused: the server has stopped listening, so it is closing. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('the Fastify example while closing', () => {
  it('answers a request on a busy keep-alive connection 503 in the error shape, with the security headers', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered = () => {};
    const inHandler = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const config = loadConfig({
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      ADMIN_PASSWORD: 'closing-admin-password',
    });
    const container = await createContainer(config, createLogger(config));
    // The app alone, without the example's drain (which would end the connection once /readyz is answered):
    // what is checked is how Fastify answers a request that still reaches it.
    const app = await buildFastifyApp({
      ...container,
      // GET /readyz waits here, keeping its connection busy while the server starts closing.
      ready: async () => {
        entered();
        await gate;
        return container.ready();
      },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const host = `127.0.0.1:${port}`;
    const socket = connect(port, '127.0.0.1');
    let raw = '';
    socket.on('data', (chunk: Buffer) => {
      raw += chunk.toString('latin1');
    });
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(`GET /readyz HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\n\r\n`);
    await inHandler;

    const closed = app.close();
    // Fastify marks itself closing before it stops listening: once new connections are refused, it is closing.
    while (!(await refused(port))) await new Promise((resolve) => setTimeout(resolve, 20));
    socket.write(`GET /healthz HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\n\r\n`);
    release();
    await ended;
    await closed;

    const second = raw.slice(raw.indexOf('HTTP/1.1', 1));
    const [head = '', body = ''] = second.split('\r\n\r\n');
    const [statusLine, ...lines] = head.split('\r\n');
    const headers = new Map(
      lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
    );
    expect(raw.startsWith('HTTP/1.1 200'), raw).toBe(true);
    expect(statusLine, raw).toBe('HTTP/1.1 503 Service Unavailable');
    expect(JSON.parse(body)).toEqual({
      error: { code: 'UNAVAILABLE', message: 'The server is shutting down; try again on a new connection' },
    });
    expect(headers.get('connection')).toBe('close');
    for (const [name, value] of Object.entries(SECURITY_HEADERS))
      expect(headers.get(name.toLowerCase()), name).toBe(value);
  });
});
