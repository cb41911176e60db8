/**
 * Every wait is bounded. A TCP proxy the test controls sits between the server and PostgreSQL or Redis and
 * stalls or drops traffic: requests get a bounded 503, and the server recovers once traffic flows again.
 * Start-up against a silent database exits with a logged reason; a client trickling its body is cut off.
 * Bounds are set short through the environment; the tests wait on answers, never on the clock.
 */
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { isolatedPool } from '../../test/helpers/postgres.js';
import {
  DATABASE_URL,
  describeWithPostgres,
  describeWithRedis,
  REDIS_URL,
  randomSuffix,
} from '../../test/helpers/services.js';
import { ENTRIES, killChild, logEntries, startChild } from './child.js';
import { ADMIN, client, FRAMEWORKS, type Framework, startTestServer, withSearchPath } from './harness.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

const frameworks = Object.keys(FRAMEWORKS) as Framework[];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `url` with its host and port replaced by the proxy's. */
function through(url: string, proxy: TcpProxy): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(proxy.port);
  return u.toString();
}

/** Polls `probe` until it answers `status` (the bound only keeps a broken build from hanging the suite). */
async function until(probe: () => Promise<{ status: number; body?: unknown }>, status: number): Promise<void> {
  for (let i = 0; ; i++) {
    const answer = await probe();
    if (answer.status === status) return;
    expect(i, `never answered ${status}; last ${answer.status} ${JSON.stringify(answer.body)}`).toBeLessThan(200);
    await sleep(100);
  }
}

const SHORT = {
  PG_CONNECT_TIMEOUT_MS: '1000',
  PG_QUERY_TIMEOUT_MS: '1500',
  PG_STATEMENT_TIMEOUT_MS: '1000',
  REDIS_CONNECT_TIMEOUT_MS: '1000',
  REDIS_COMMAND_TIMEOUT_MS: '1000',
};

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

describeWithPostgres('PostgreSQL behind a proxy that stalls and drops', () => {
  for (const framework of frameworks) {
    it(`${framework}: bounded 503 while PostgreSQL is silent or gone, then recovers`, async () => {
      const schema = await isolatedPool(1);
      cleanups.push(() => schema.close());
      const target = new URL(DATABASE_URL);
      const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
      cleanups.push(() => proxy.close());
      const server = await startTestServer(framework, {
        ...SHORT,
        DATABASE_URL: through(withSearchPath(DATABASE_URL, schema.schema), proxy),
      });
      cleanups.push(() => server.close());
      const http = client(server.url);
      const login = () => http.post('/auth/login', ADMIN);
      expect((await login()).status).toBe(200);

      for (const mode of ['stall', 'drop'] as const) {
        proxy.set(mode);
        const answer = await login();
        expect(answer.status, JSON.stringify(answer.body)).toBe(503);
        expect(answer.body.error.code).toBe('UNAVAILABLE');
        expect(answer.body.error.message).not.toMatch(/ECONN|127\.0\.0\.1|timeout exceeded|terminated/);
        expect((await http.get('/readyz')).status).toBe(503);
        proxy.set('forward');
        await until(login, 200);
      }
    });
  }
});

describeWithRedis('Redis behind a proxy that stalls', () => {
  for (const framework of frameworks) {
    it(`${framework}: readiness and the ISIN sync answer within bounds while Redis is silent, then recover`, async () => {
      const target = new URL(REDIS_URL);
      const proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
      cleanups.push(() => proxy.close());
      const server = await startTestServer(framework, {
        ...SHORT,
        REDIS_URL: through(REDIS_URL, proxy),
        REDIS_PREFIX: `tw-timeouts-${randomSuffix()}:`,
        ISIN_SYNC_TIMEOUT_MS: '2000',
      });
      cleanups.push(() => server.close());
      const http = client(server.url);
      const admin = (await http.post('/auth/login', ADMIN)).body.token;
      expect((await http.get('/readyz')).status).toBe(200);

      proxy.set('stall');
      expect((await http.get('/readyz')).status).toBe(503);
      // The sync needs the lock: it answers at its own deadline, not when Redis comes back.
      const sync = await http.post('/isin/sync', undefined, admin);
      expect(sync.status, JSON.stringify(sync.body)).toBe(504);
      expect(sync.body.error.code).toBe('TIMEOUT');
      proxy.set('forward');
      await until(() => http.get('/readyz'), 200);
      // Bounded again once Redis answers: the sync runs, or is 409 while the lease taken by an acquire that
      // timed out here but ran on Redis is still live (up to the lease TTL, the lock's own bound).
      expect([200, 409]).toContain((await http.post('/isin/sync', undefined, admin)).status);
    });
  }
});

describe('start-up against a server that accepts but never answers', () => {
  for (const [service, variable] of [
    ['PostgreSQL', 'DATABASE_URL'],
    ['Redis', 'REDIS_URL'],
  ] as const) {
    it(`exits 1 with the reason when ${service} is silent`, async () => {
      // Nothing behind it: the proxy accepts and holds every connection.
      const proxy = await startTcpProxy('127.0.0.1', 9, 'stall');
      cleanups.push(() => proxy.close());
      const url =
        service === 'PostgreSQL' ? `postgres://postgres@127.0.0.1:${proxy.port}/db` : `redis://127.0.0.1:${proxy.port}`;
      const child = startChild(ENTRIES.fastify, {
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        [variable]: url,
        STARTUP_TIMEOUT_MS: '2000',
        // Longer than the start-up bound, so the bound is what ends the wait.
        PG_CONNECT_TIMEOUT_MS: '60000',
        REDIS_CONNECT_TIMEOUT_MS: '60000',
      });
      cleanups.push(async () => killChild(child));
      expect(await child.exited).toBe(1);
      expect(proxy.accepted()).toBeGreaterThan(0);
      const fatal = logEntries(child).find((e) => e.level === 60);
      expect(fatal?.msg).toMatch(/could not start within STARTUP_TIMEOUT_MS/);
      expect(String(fatal?.step)).toContain(variable);
    });
  }
});

describe('a client trickling its request body', () => {
  for (const framework of frameworks) {
    it(`${framework}: is cut off once HTTP_REQUEST_TIMEOUT_MS has passed`, async () => {
      const server = await startTestServer(framework, { HTTP_REQUEST_TIMEOUT_MS: '1000' });
      cleanups.push(() => server.close());
      const url = new URL(server.url);
      const socket = connect(Number(url.port), url.hostname);
      let answer = '';
      socket.on('data', (chunk: Buffer) => {
        answer += chunk.toString('latin1');
      });
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.once('error', () => {});
      const body = JSON.stringify({ email: ADMIN.email, password: ADMIN.password });
      socket.write(
        `POST /auth/login HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      // One byte every 200 ms: the whole body would take far longer than the bound.
      let sent = 0;
      let open = true;
      void closed.then(() => {
        open = false;
      });
      while (open && sent < body.length) {
        socket.write(body[sent++] as string);
        await sleep(200);
      }
      await closed;
      expect(sent).toBeLessThan(body.length);
      expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
    });
  }
});
