/**
 * A TCP proxy the test controls, between a server and PostgreSQL or Redis: it forwards, stalls (holds every
 * byte, in both directions, connections stay open: a server that accepts but never answers) or drops (ends
 * every connection and refuses new ones).
 */
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';

/** What the proxy does with traffic. */
export type ProxyMode = 'forward' | 'stall' | 'drop';

/** A running proxy. */
export interface TcpProxy {
  /** The port it listens on (127.0.0.1). */
  readonly port: number;
  /** Connections accepted so far. */
  accepted(): number;
  /** Switches mode; `forward` releases stalled connections, `drop` ends them. */
  set(mode: ProxyMode): void;
  /** Ends every connection and stops listening. */
  close(): Promise<void>;
}

interface Pair {
  readonly client: Socket;
  upstream?: Socket;
}

/** Starts a proxy to `host:port`, in `mode` (default `forward`). */
export async function startTcpProxy(host: string, port: number, initial: ProxyMode = 'forward'): Promise<TcpProxy> {
  let mode = initial;
  let accepted = 0;
  const pairs = new Set<Pair>();

  const end = (pair: Pair) => {
    pair.client.destroy();
    pair.upstream?.destroy();
    pairs.delete(pair);
  };
  const link = (pair: Pair) => {
    const upstream = connect(port, host);
    pair.upstream = upstream;
    upstream.on('error', () => end(pair));
    upstream.on('close', () => end(pair));
    pipeBoth(pair);
  };
  const pipeBoth = (pair: Pair) => {
    pair.client.pipe(pair.upstream as Socket);
    pair.upstream?.pipe(pair.client);
  };
  // Unpiped and paused: nothing moves, whatever the other side does, until released.
  const hold = (pair: Pair) => {
    pair.client.unpipe();
    pair.upstream?.unpipe();
    pair.client.pause();
    pair.upstream?.pause();
  };
  const release = (pair: Pair) => {
    if (!pair.upstream) link(pair);
    else pipeBoth(pair);
  };

  const server: Server = createServer((client) => {
    accepted++;
    const pair: Pair = { client };
    pairs.add(pair);
    client.on('error', () => end(pair));
    client.on('close', () => end(pair));
    if (mode === 'drop') return end(pair);
    if (mode === 'stall') {
      // Accepted, never answered: the upstream is opened only once the proxy forwards again.
      client.pause();
      return;
    }
    link(pair);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('proxy did not bind');

  return {
    port: address.port,
    accepted: () => accepted,
    set(next) {
      mode = next;
      for (const pair of [...pairs]) {
        if (next === 'drop') end(pair);
        else if (next === 'stall') hold(pair);
        else release(pair);
      }
    },
    async close() {
      for (const pair of [...pairs]) end(pair);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
