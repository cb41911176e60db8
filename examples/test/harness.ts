/**
 * Starts an example server in-process on an ephemeral port, in memory mode or against real PostgreSQL and
 * Redis, and gives the tests a small fetch client. Used by the one API suite for both frameworks.
 */
import { startExpressServer } from '../express/server.js';
import { startFastifyServer } from '../fastify/server.js';
import { loadConfig } from '../shared/config.js';
import { type Container, createContainer } from '../shared/container.js';
import { createLogger } from '../shared/logger.js';
import type { ServerHandle } from '../shared/server-handle.js';

/** The two examples under test. */
export const FRAMEWORKS = {
  fastify: startFastifyServer,
  express: startExpressServer,
} as const;

/** A framework name. */
export type Framework = keyof typeof FRAMEWORKS;

/** The bootstrap admin every test server gets. */
export const ADMIN = { email: 'admin@example.com', password: 'admin-password-for-tests' } as const;

/** The upload cap of test servers, small so the 413 test sends little. */
export const UPLOAD_MAX_BYTES = 64 * 1024;

/** A clock the test moves forward to expire sessions. */
export interface TestClock {
  /** Milliseconds added to the system time. */
  offsetMs: number;
  /** The clock's time. */
  now(): number;
}

/** A running test server. */
export interface TestServer extends ServerHandle {
  /** The services' clock. */
  readonly clock: TestClock;
  /** Where the metrics are served (`METRICS_PORT` set), else `undefined`. */
  readonly metricsUrl: string | undefined;
}

/**
 * Starts `framework` with `env` on top of the test defaults (port 0, silent logs, known admin). `wrap` may
 * replace parts of the container before the server is built (a service that fails, for example).
 */
export async function startTestServer(
  framework: Framework,
  env: Record<string, string> = {},
  wrap: (container: Container) => Container = (container) => container,
): Promise<TestServer> {
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    UPLOAD_MAX_BYTES: String(UPLOAD_MAX_BYTES),
    LOGIN_RATE_LIMIT: '15',
    REGISTER_RATE_LIMIT: '100',
    SHUTDOWN_GRACE_MS: '2000',
    ...env,
  });
  const clock: TestClock = {
    offsetMs: 0,
    now() {
      return Date.now() + this.offsetMs;
    },
  };
  const container = wrap(await createContainer(config, createLogger(config), { clock }));
  const server = await FRAMEWORKS[framework](container, config.host, config.port);
  await container.start();
  return { url: server.url, close: () => server.close(), clock, metricsUrl: container.metricsUrl() };
}

/** A decoded answer. */
// biome-ignore lint/suspicious/noExplicitAny: tests read response JSON by shape and let expect() check it.
export interface Answer<T = any> {
  /** HTTP status. */
  status: number;
  /** Response headers. */
  headers: Headers;
  /** Parsed JSON body (or `undefined` for a non-JSON answer). */
  body: T;
  /** Raw body bytes. */
  bytes: Buffer;
}

/** A minimal client: JSON in, JSON out, with an optional bearer token. */
export function client(baseUrl: string) {
  async function send(
    method: string,
    path: string,
    init: { token?: string; json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    let body = init.body;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const bytes = Buffer.from(await response.arrayBuffer());
    const type = response.headers.get('content-type') ?? '';
    const parsed =
      type.includes('application/json') && bytes.length > 0 ? JSON.parse(bytes.toString('utf8')) : undefined;
    return { status: response.status, headers: response.headers, body: parsed, bytes };
  }
  return {
    send,
    get: (path: string, token?: string) => send('GET', path, { token }),
    post: (path: string, json?: unknown, token?: string) => send('POST', path, { token, json }),
    patch: (path: string, json: unknown, token?: string) => send('PATCH', path, { token, json }),
    /** Uploads `bytes` as multipart field `field` (default `screenshot`). */
    upload(
      path: string,
      bytes: Uint8Array,
      token: string,
      options: { field?: string; filename?: string; type?: string } = {},
    ) {
      const form = new FormData();
      form.append(
        options.field ?? 'screenshot',
        new Blob([new Uint8Array(bytes)], { type: options.type ?? 'image/png' }),
        options.filename ?? 'shot.png',
      );
      return send('POST', path, { token, body: form });
    },
    /** Registers and signs in a new user; answers the token and the user. */
    async signUp(email: string, name = 'Test User'): Promise<{ token: string; user: { id: string } }> {
      const password = `password-of-${email}`;
      const registered = await send('POST', '/auth/register', { json: { email, password, name } });
      if (registered.status !== 201)
        throw new Error(`register ${registered.status} ${JSON.stringify(registered.body)}`);
      const login = await send('POST', '/auth/login', { json: { email, password } });
      if (login.status !== 200) throw new Error(`login ${login.status} ${JSON.stringify(login.body)}`);
      return login.body;
    },
  };
}

/** `url` with `search_path` set to `schema`, so the example's own pool works in the test's schema. */
export function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}
