/**
 * Real Redis and PostgreSQL for adapter tests. In CI (`CI=true`) a missing server fails the suite; elsewhere
 * the suite is skipped with a loud notice, so a laptop without services can still run everything else.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { describe, it } from 'vitest';

/** `REDIS_URL`, default the local service. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** `DATABASE_URL`, default the local service. */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether this run is CI (`CI=true`), where a missing server or browser fails instead of skipping. */
export const inCi = process.env.CI === 'true' || process.env.CI === '1';

/** Resolves whether a TCP server answers at host:port within `timeoutMs`. */
export function tcpReachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function hostPort(url: string, defaultPort: number): [string, number] {
  const u = new URL(url);
  return [u.hostname.replace(/^\[|\]$/g, ''), Number(u.port || defaultPort)];
}

const [redisHost, redisPort] = hostPort(REDIS_URL, 6379);
const [pgHost, pgPort] = hostPort(DATABASE_URL, 5432);

/** Whether the Redis server answers (checked once, at module load). */
export const redisUp = await tcpReachable(redisHost, redisPort);
/** Whether the PostgreSQL server answers (checked once, at module load). */
export const postgresUp = await tcpReachable(pgHost, pgPort);

/**
 * A `describe` for suites that need something outside the project (a server, a browser): runs when `up`; in CI
 * a missing dependency fails with a test that says so; elsewhere the suite is skipped with a loud notice.
 */
export function describeWithService(service: string, up: boolean, url: string) {
  return (name: string, body: () => void): void => {
    if (up) {
      describe(name, body);
    } else if (inCi) {
      describe(name, () => {
        it(`needs ${service} at ${url}`, () => {
          throw new Error(`${service} is not available at ${url}; CI must provide it (see .ci/run).`);
        });
      });
    } else {
      console.warn(`\n!!! ${service} is not available at ${url}: SKIPPING "${name}". CI will fail without it.\n`);
      // Skipped only outside CI, where the dependency is missing; the reason is printed above.
      describe.skip(name, body);
    }
  };
}

/** `describe` that needs a real Redis server. */
export const describeWithRedis = describeWithService('Redis', redisUp, REDIS_URL);
/** `describe` that needs a real PostgreSQL server. */
export const describeWithPostgres = describeWithService('PostgreSQL', postgresUp, DATABASE_URL);

/** A random suffix for keys, schemas and prefixes, so concurrent suites never collide. */
export function randomSuffix(bytes = 6): string {
  return randomBytes(bytes).toString('hex');
}
