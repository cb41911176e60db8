/**
 * `npm run bench -- examples`: requests/s and p99 latency of `GET /apps` (signed in, 20 apps listed) on the
 * Fastify and the Express example, each against the floor of the job in a bare app of the same framework (a
 * route that checks the bearer header and sends the same bytes, precomputed) and, as the earlier peer, a bare
 * route serialising the same JSON object; autocannon in the same process as the servers, round-robin rounds.
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

/** One server under test: where to send requests and with which headers. */
interface Target {
  url: string;
  headers?: Record<string, string>;
}

/** Round-robins the targets round by round, so drifting machine load hits all alike; medians of each. */
async function compare(targets: readonly Target[]): Promise<Figures[]> {
  for (const t of targets) {
    await autocannon({ url: t.url, connections: CONNECTIONS, duration: WARMUP_S, headers: t.headers });
  }
  const runs: AutocannonResult[][] = targets.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, t] of targets.entries()) runs[i]?.push(await once(t.url, t.headers));
  }
  return runs.map((rs) => ({
    rps: median(rs.map((r) => r.requests.average)),
    p50: median(rs.map((r) => r.latency.p50)),
    p99: median(rs.map((r) => r.latency.p99)),
  }));
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
  // The floor route sends these same bytes; the peer route serialises this same object on every request.
  const text = await answer.text();
  const sample: unknown = JSON.parse(text);
  return { server, token, text, sample };
}

/**
 * A bare app of the framework with two routes. `/floor` is the least any `GET /apps` must do: check
 * `Authorization: Bearer <token>` and send `text`, precomputed. `/bare` (the peer kept from earlier runs)
 * serialises `body`, the same object, with the framework's own JSON on every request.
 */
async function bareServer(
  framework: Framework,
  token: string,
  text: string,
  body: unknown,
): Promise<{ url: string; close(): Promise<void> }> {
  const bearer = `Bearer ${token}`;
  if (framework === 'fastify') {
    const app = Fastify();
    app.get('/floor', async (request, reply) => {
      if (request.headers.authorization !== bearer) return reply.code(401).send();
      return reply.type('application/json; charset=utf-8').send(text);
    });
    app.get('/bare', async () => body);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
  }
  const app = express();
  app.get('/floor', (request, response) => {
    if (request.headers.authorization !== bearer) {
      response.status(401).end();
      return;
    }
    response.type('json').send(text);
  });
  app.get('/bare', (_request, response) => {
    response.json(body);
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export default async function bench(): Promise<void> {
  console.log(
    `GET /apps (20 apps, bearer token, memory adapters, logs silent) vs the floor (a bare route that checks the` +
      ` bearer header and sends the same bytes, precomputed) and a bare route serialising the same JSON;` +
      ` autocannon ${CONNECTIONS} connections, ${WARMUP_S} s warm-up, then ${ROUNDS} round-robin rounds of` +
      ` ${DURATION_S} s each; medians`,
  );
  const rows: string[] = [];
  for (const framework of ['fastify', 'express'] as const) {
    const { server, token, text, sample } = await seededExample(framework);
    const bare = await bareServer(framework, token, text, sample);
    const headers = { authorization: `Bearer ${token}` };
    try {
      const [floor, peer, apps] = (await compare([
        { url: `${bare.url}/floor`, headers },
        { url: `${bare.url}/bare`, headers },
        { url: `${server.url}/apps`, headers },
      ])) as [Figures, Figures, Figures];
      const line = (name: string, r: Figures, ratio: string) =>
        `  ${name.padEnd(34)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${String(r.p50).padStart(3)} ms   p99 ${String(r.p99).padStart(3)} ms   ${ratio}`;
      const of = (r: Figures) => `${(r.rps / floor.rps).toFixed(2)}× of floor`;
      rows.push(
        line(`${framework} floor (bearer + bytes)`, floor, ''),
        line(`${framework} bare route (serialises)`, peer, of(peer)),
        line(`${framework} GET /apps`, apps, `${of(apps)}, ${(apps.rps / peer.rps).toFixed(2)}× of bare route`),
      );
      console.log(rows.slice(-3).join('\n'));
    } finally {
      await bare.close();
      await server.close();
    }
  }
  console.log(`\nSummary (node ${process.version}, ${process.platform}/${process.arch})\n${rows.join('\n')}`);
}
