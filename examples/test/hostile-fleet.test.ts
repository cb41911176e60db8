/**
 * Both examples on PostgreSQL and Redis against hostile users: an account registered under `ADMIN_EMAIL`
 * before the operator's first start, a banner that must say only what is true on every restart, NUL bytes
 * that PostgreSQL refuses in text, and rate limits that a fleet shares through Redis.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { isTickworkError } from 'tickwork';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedPool } from '../../test/helpers/postgres.js';
import {
  DATABASE_URL,
  describeWithPostgres,
  describeWithRedis,
  REDIS_URL,
  randomSuffix,
} from '../../test/helpers/services.js';
import { bannerLines } from '../shared/banner.js';
import { loadConfig } from '../shared/config.js';
import { createContainer } from '../shared/container.js';
import { createLogger } from '../shared/logger.js';
import { ADMIN, client, FRAMEWORKS, type Framework, startTestServer, withSearchPath } from './harness.js';
import { nulAttempts, setUpNulTargets } from './nul-attempts.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const frameworks = Object.keys(FRAMEWORKS) as Framework[];
const OPS = 'ops@example.com';

/** Runs an example's `main.ts` until it exits (bounded), answering its exit code and output. */
async function runMain(framework: Framework, env: Record<string, string>): Promise<{ code: number; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', `examples/${framework}/main.ts`], {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  // A start that succeeded by mistake would run forever: stop it, and the assertions below fail.
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [code] = await once(child, 'exit');
  clearTimeout(guard);
  return { code: code ?? -1, output };
}

describeWithPostgres('examples on PostgreSQL against hostile users', () => {
  describeWithRedis('and Redis', () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });

    async function database(): Promise<string> {
      const isolated = await isolatedPool(1);
      cleanups.push(() => isolated.close());
      return withSearchPath(DATABASE_URL, isolated.schema);
    }

    it('never makes an account registered under ADMIN_EMAIL an admin: the start fails, exit code 1', async () => {
      const url = await database();
      const first = await startTestServer('fastify', { DATABASE_URL: url });
      const squatter = { email: OPS, password: 'squatter password 1' };
      try {
        expect((await client(first.url).post('/auth/register', { ...squatter, name: 'Squatter' })).status).toBe(201);
      } finally {
        await first.close();
      }

      const env = { DATABASE_URL: url, ADMIN_EMAIL: OPS, ADMIN_PASSWORD: 'operator password 1', LOG_LEVEL: 'silent' };
      const config = loadConfig({ ...env, PORT: '0' });
      const refused = await createContainer(config, createLogger(config)).catch((error: unknown) => error);
      expect(isTickworkError(refused, 'CONFLICT')).toBe(true);
      expect((refused as Error).message).toContain('is not an admin');

      for (const framework of frameworks) {
        const run = await runMain(framework, { ...env, LOG_LEVEL: 'info' });
        expect(run.code).toBe(1);
        expect(run.output).toContain('is not an admin');
        expect(run.output).not.toContain('listening on');
      }

      // The squatter is still an ordinary user; the operator's password signs in to nothing.
      const again = await startTestServer('express', { DATABASE_URL: url });
      try {
        const http = client(again.url);
        expect((await http.post('/auth/login', squatter)).body.user.role).toBe('user');
        expect((await http.post('/auth/login', { email: OPS, password: env.ADMIN_PASSWORD })).status).toBe(401);
      } finally {
        await again.close();
      }
      // Two child processes (each compiling the example with tsx) and three servers: minutes on a loaded machine.
    }, 180_000);

    it('prints only what is true about the admin password, on the first start and on restarts', async () => {
      const url = await database();
      const start = async (adminPassword?: string) => {
        const config = loadConfig({
          DATABASE_URL: url,
          ADMIN_EMAIL: 'boss@example.com',
          LOG_LEVEL: 'silent',
          ...(adminPassword ? { ADMIN_PASSWORD: adminPassword } : {}),
        });
        const container = await createContainer(config, createLogger(config));
        await container.close();
        return { admin: container.admin, banner: bannerLines('fastify', 'http://x', container).join('\n') };
      };
      const generated = await start();
      expect(generated.admin.passwordSource).toBe('generated');
      expect(generated.banner).toContain(generated.admin.generatedPassword);

      const restart = await start();
      expect(restart.admin).toMatchObject({ passwordSource: 'unchanged', generatedPassword: undefined });
      expect(restart.banner).toContain('unchanged');
      expect(restart.banner).not.toContain('from ADMIN_PASSWORD');

      const otherPassword = await start('a different password 1');
      expect(otherPassword.admin.passwordSource).toBe('unchanged');
      expect(otherPassword.banner).toContain('ADMIN_PASSWORD does not sign in');

      // The generated password still signs in: the restarts changed nothing.
      const server = await startTestServer('fastify', { DATABASE_URL: url, ADMIN_EMAIL: 'boss@example.com' });
      try {
        const login = await client(server.url).post('/auth/login', {
          email: 'boss@example.com',
          password: generated.admin.generatedPassword,
        });
        expect(login.body.user.role).toBe('admin');
      } finally {
        await server.close();
      }
    }, 120_000);

    for (const framework of frameworks) {
      describe(`${framework}`, () => {
        it('refuses NUL and control characters with 400, never an SQL error', async () => {
          const server = await startTestServer(framework, { DATABASE_URL: await database() });
          try {
            const http = client(server.url);
            const admin = (await http.post('/auth/login', ADMIN)).body.token;
            const targets = await setUpNulTargets(http, admin, `pg${framework}`);
            for (const attempt of nulAttempts(targets)) {
              const answer = await http.send(attempt.method, attempt.path, {
                token: attempt.token,
                json: attempt.json,
              });
              expect({ attempt: attempt.label, status: answer.status, code: answer.body?.error?.code }).toEqual({
                attempt: attempt.label,
                status: 400,
                code: 'VALIDATION',
              });
              expect(JSON.stringify(answer.body)).not.toMatch(/sqlState|22021|SQL/);
            }
          } finally {
            await server.close();
          }
        });

        describe('two processes sharing Redis', () => {
          const servers: Awaited<ReturnType<typeof startTestServer>>[] = [];
          beforeAll(async () => {
            const env = {
              DATABASE_URL: await database(),
              REDIS_URL,
              REDIS_PREFIX: `tw-hostile-${randomSuffix()}:`,
              REGISTER_RATE_LIMIT: '3',
              LOGIN_RATE_LIMIT: '4',
            };
            servers.push(await startTestServer(framework, env), await startTestServer(framework, env));
          });
          afterAll(async () => {
            for (const server of servers) await server.close();
          });

          it('share one registration and one login budget per address', async () => {
            const register = (i: number) =>
              client(servers[i % 2]!.url).post('/auth/register', {
                email: `fleet${i}-${framework}@example.com`,
                password: 'fleet password 1',
                name: 'Fleet',
              });
            const registered = [];
            for (let i = 0; i < 4; i++) registered.push((await register(i)).status);
            // Three across the fleet, not three per process.
            expect(registered).toEqual([201, 201, 201, 429]);

            const logins = [];
            for (let i = 0; i < 5; i++) {
              logins.push((await client(servers[i % 2]!.url).post('/auth/login', ADMIN)).status);
            }
            expect(logins).toEqual([200, 200, 200, 200, 429]);
          });
        });
      });
    }
  });
});
