/** Starts a private `redis-server` on a free port (no persistence) that a test may stop and restart. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tcpReachable } from '../helpers/services.js';
import { until } from './helpers.js';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A redis-server this test owns: `stop()` kills only it; `start()` starts it again, empty, on the same port. */
export async function ownRedisServer() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tickwork-redis-'));
  let child: ChildProcess | undefined;
  const server = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start(): Promise<void> {
      if (child && child.exitCode === null && child.signalCode === null) return;
      child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
        { stdio: 'ignore' },
      );
      let ok = false;
      await until(
        () => {
          void tcpReachable('127.0.0.1', port, 200).then((up) => {
            ok = up;
          });
          return ok;
        },
        10_000,
        'redis-server to listen',
      );
    },
    async stop(): Promise<void> {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    },
  };
  return server;
}
