/**
 * `npm run bench -- examples`: requests/s and p99 latency of `GET /apps` (signed in, 20 apps listed) on the
 * Fastify and the Express example, each beside a bare app of the same framework whose one route serialises the
 * same JSON object, with autocannon (in the same process as the servers), one after the other in one run.
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { type Framework, startTestServer } from '../../examples/test/harness.js';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
}) => Promise<AutocannonResult>;

// autocannon ships CommonJS without types; this is the part of its API used here.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const CONNECTIONS = 10;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 3);
const ROUNDS = 5;
const WARMUP_S = 1;

interface Figures {
  /** Median requests/s over the rounds. */
  rps: number;
  /** Median p50 latency, ms. */
  p50: number;
  /** Median p99 latency, ms. */
  p99: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function once(url: string, headers?: Record<string, string>): Promise<AutocannonResult> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors`);
  }
  return result;
}

/** Alternates the two targets round by round, so drifting machine load hits both alike; medians of each. */
async function compare(
  a: { url: string; headers?: Record<string, string> },
  b: { url: string; headers?: Record<string, string> },
): Promise<[Figures, Figures]> {
  await autocannon({ url: a.url, connections: CONNECTIONS, duration: WARMUP_S, headers: a.headers });
  await autocannon({ url: b.url, connections: CONNECTIONS, duration: WARMUP_S, headers: b.headers });
  const runs: [AutocannonResult[], AutocannonResult[]] = [[], []];
  for (let round = 0; round < ROUNDS; round++) {
    runs[0].push(await once(a.url, a.headers));
    runs[1].push(await once(b.url, b.headers));
  }
  const figures = (rs: AutocannonResult[]): Figures => ({
    rps: median(rs.map((r) => r.requests.average)),
    p50: median(rs.map((r) => r.latency.p50)),
    p99: median(rs.map((r) => r.latency.p99)),
  });
  return [figures(runs[0]), figures(runs[1])];
}

async function seededExample(framework: Framework) {
  const server = await startTestServer(framework, { LOG_LEVEL: 'silent', LOGIN_RATE_LIMIT: '1000' });
  const post = async (path: string, body: unknown, token?: string) => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return (await response.json()) as { token: string };
  };
  const { token: admin } = await post('/auth/login', {
    email: 'admin@example.com',
    password: 'admin-password-for-tests',
  });
  for (let i = 0; i < 20; i++) {
    await post(
      '/apps',
      {
        name: `App ${i}`,
        packageName: `com.example.app${i}`,
        storeUrl: `https://play.google.com/store/apps/details?id=com.example.app${i}`,
        category: 'Tools',
        points: 10 + i,
      },
      admin,
    );
  }
  await post('/auth/register', { email: 'bench@example.com', password: 'bench-password-1', name: 'Bench' });
  const { token } = await post('/auth/login', { email: 'bench@example.com', password: 'bench-password-1' });
  const answer = await fetch(`${server.url}/apps`, { headers: { authorization: `Bearer ${token}` } });
  // The bare route serialises this same object on every request, so both sides pay for the JSON.
  const sample: unknown = await answer.json();
  return { server, token, sample };
}

/** A bare app of the framework whose one route answers `body` (the same object), serialised by the framework. */
async function bareServer(framework: Framework, body: unknown): Promise<{ url: string; close(): Promise<void> }> {
  if (framework === 'fastify') {
    const app = Fastify();
    app.get('/bare', async () => body);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}/bare`, close: () => app.close() };
  }
  const app = express();
  app.get('/bare', (_request, response) => {
    response.json(body);
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/bare`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export default async function bench(): Promise<void> {
  console.log(
    `GET /apps (20 apps, bearer token, memory adapters, logs silent) vs a bare route serialising the same JSON;` +
      ` autocannon ${CONNECTIONS} connections, ${WARMUP_S} s warm-up, then ${ROUNDS} alternating rounds of` +
      ` ${DURATION_S} s each; medians`,
  );
  const rows: string[] = [];
  for (const framework of ['fastify', 'express'] as const) {
    const { server, token, sample } = await seededExample(framework);
    const bare = await bareServer(framework, sample);
    try {
      const [base, apps] = await compare(
        { url: bare.url },
        { url: `${server.url}/apps`, headers: { authorization: `Bearer ${token}` } },
      );
      const line = (name: string, r: Figures) =>
        `  ${name.padEnd(28)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${String(r.p50).padStart(3)} ms   p99 ${String(r.p99).padStart(3)} ms`;
      rows.push(
        line(`${framework} bare route`, base),
        `${line(`${framework} GET /apps`, apps)}   ${(apps.rps / base.rps).toFixed(2)}× of bare`,
      );
      console.log(rows.slice(-2).join('\n'));
    } finally {
      await bare.close();
      await server.close();
    }
  }
  console.log(`\nSummary (node ${process.version}, ${process.platform}/${process.arch})\n${rows.join('\n')}`);
}
