/**
 * SIGTERM with a keep-alive connection open: the server drains, closes the idle connection, stops the
 * scheduler, closes the pool and Redis, and exits 0, on both frameworks.
 */
import { connect } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { isolatedPool } from '../../test/helpers/postgres.js';
import {
  DATABASE_URL,
  describeWithPostgres,
  describeWithRedis,
  REDIS_URL,
  randomSuffix,
} from '../../test/helpers/services.js';
import { ENTRIES, killChild, logEntries, startChild } from './child.js';
import { withSearchPath } from './harness.js';

/**
 * Opens a connection to `base`; with `request`, sends one keep-alive request and waits for its answer, otherwise
 * sends nothing (as a browser's pre-connection does). Resolves once the connection is ready.
 */
function openConnection(base: string, request: boolean): Promise<{ closed: Promise<void> }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('error', reject);
    socket.once('connect', () => {
      if (!request) return resolve({ closed });
      socket.write(`GET /healthz HTTP/1.1\r\nHost: ${url.host}\r\nConnection: keep-alive\r\n\r\n`);
      socket.once('data', () => resolve({ closed }));
    });
  });
}

describeWithPostgres('graceful stop', () => {
  describeWithRedis('with PostgreSQL and Redis', () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const cleanup of cleanups) await cleanup();
    });

    for (const [framework, entry] of Object.entries(ENTRIES)) {
      it(`${framework}: SIGTERM with a keep-alive connection open drains and exits 0`, async () => {
        const schema = await isolatedPool(1);
        cleanups.push(() => schema.close());
        const child = startChild(entry, {
          HOST: '127.0.0.1',
          PORT: '0',
          LOG_LEVEL: 'info',
          DATABASE_URL: withSearchPath(DATABASE_URL, schema.schema),
          REDIS_URL,
          REDIS_PREFIX: `tw-stop-${randomSuffix()}:`,
          ADMIN_PASSWORD: 'stop-admin-password',
          // Longer than the test's own bound: a server that waits for the idle connection fails the test.
          HTTP_KEEP_ALIVE_TIMEOUT_MS: '600000',
          HTTP_HEADERS_TIMEOUT_MS: '600000',
          HTTP_REQUEST_TIMEOUT_MS: '600000',
          SHUTDOWN_GRACE_MS: '20000',
        });
        cleanups.push(async () => killChild(child));
        const base = await child.listening;
        const connections = [await openConnection(base, true), await openConnection(base, false)];
        child.process.kill('SIGTERM');
        expect(await child.exited, child.stderr()).toBe(0);
        await Promise.all(connections.map((c) => c.closed));
        const messages = logEntries(child).map((e) => e.msg);
        expect(messages).toContain('shut down cleanly');
        expect(messages).not.toContain('shutdown took too long: exiting');
      }, 60_000);
    }
  });
});
