/**
 * Fleet measurements for the scheduler benchmark: N processes of `fleet-peer-worker.ts` on a private
 * `redis-server` (so `INFO commandstats` counts only the fleet's commands, not other users of a shared
 * Redis), a measured window between two IPC messages, and per fleet: CPU per process, tick-to-start delay,
 * Redis commands per tick, duplicate and missing ticks.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';

/** How a fleet runs its per-second job. */
export type FleetKind = 'tickwork' | 'tickwork-pg' | 'redlock' | 'bullmq';

/** What one fleet run measured. */
export interface FleetResult {
  readonly kind: FleetKind;
  readonly processes: number;
  /** Seconds in the measured window. */
  readonly seconds: number;
  /** CPU time per process, ms per minute of wall time: the median over processes. */
  readonly cpuMsPerMin: number;
  /** Tick-to-start delays, ms. */
  readonly p50: number;
  readonly p99: number;
  /**
   * Every command Redis executed (`INFO commandstats` calls, commands inside scripts included) per tick; for
   * `tickwork-pg`, every statement the processes sent (one per lock call).
   */
  readonly commandsPerTick: number;
  /** Script calls (`EVALSHA`/`EVAL`) per tick: round trips of the script-based locks. */
  readonly scriptsPerTick: number;
  /** Ticks started more than once, and ticks in the window that never started. */
  readonly duplicates: number;
  readonly missing: number;
}

const worker = resolve(import.meta.dirname, 'fleet-peer-worker.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A private `redis-server` (no persistence) on a free port; `stop()` kills it. */
export async function privateRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tickwork-bench-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    const up = await probe.connect().then(
      () => probe.ping().then(() => true),
      () => false,
    );
    probe.disconnect();
    if (up) break;
    if (i > 200) throw new Error('redis-server did not start');
    await sleep(50);
  }
  return {
    url,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Sum of the `calls` of every command in `INFO commandstats`, and of the script calls, minus INFO itself. */
async function commandCounts(redis: Redis): Promise<{ all: number; scripts: number }> {
  const text = await redis.info('commandstats');
  let all = 0;
  let scripts = 0;
  for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    const [, name, calls] = m;
    if (name === 'info' || name?.startsWith('config')) continue;
    all += Number(calls);
    if (name === 'evalsha' || name === 'eval') scripts += Number(calls);
  }
  return { all, scripts };
}

interface Report {
  cpuMs: number;
  ms: number;
  statements: number;
  starts: [number, number][];
}

const message = <T>(child: ChildProcess, pick: (m: unknown) => T | undefined): Promise<T> =>
  new Promise((done, fail) => {
    const onMessage = (m: unknown) => {
      const v = pick(m);
      if (v === undefined) return;
      child.off('message', onMessage);
      done(v);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => fail(new Error(`fleet worker exited with ${code}`)));
  });

/**
 * Runs `processes` workers of one kind on `redisUrl` for a window of `seconds` (after all are ready and two
 * seconds of settling), then collects their reports. `env` goes to the workers (the PostgreSQL kind's database).
 */
export async function runFleet(
  kind: FleetKind,
  processes: number,
  seconds: number,
  redisUrl: string,
  env: Record<string, string> = {},
) {
  const prefix = `bench:fleet:${kind}:${Date.now()}:`;
  const admin = new Redis(redisUrl);
  const children = Array.from({ length: processes }, () =>
    fork(worker, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, ...env, KIND: kind, REDIS_URL: redisUrl, PREFIX: prefix },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    }),
  );
  try {
    await Promise.all(children.map((c) => message(c, (m) => ((m as { ready?: boolean }).ready ? true : undefined))));
    await sleep(2000);
    // The window runs from a whole second + 500 ms to one: ticks in it are the whole seconds between.
    await sleep(1500 - (Date.now() % 1000));
    const before = await commandCounts(admin);
    const from = Date.now();
    for (const c of children) c.send({ cmd: 'mark' });
    await sleep(seconds * 1000);
    const reports = children.map((c) => message(c, (m) => ((m as Report).starts ? (m as Report) : undefined)));
    const to = Date.now();
    const after = await commandCounts(admin);
    for (const c of children) c.send({ cmd: 'report' });
    const all = await Promise.all(reports);
    const ticks = Math.floor((to - from) / 1000);
    // Ticks whose instant lies in the window and whose start was seen in it.
    const firstTick = Math.ceil(from / 1000) * 1000;
    const perTick = new Map<number, number>();
    const delays: number[] = [];
    for (const r of all) {
      for (const [tick, at] of r.starts) {
        if (tick < firstTick || tick >= to - 1000) continue;
        perTick.set(tick, (perTick.get(tick) ?? 0) + 1);
        delays.push(at - tick);
      }
    }
    delays.sort((a, b) => a - b);
    const expected = Math.floor((to - 1000 - firstTick) / 1000) + 1;
    const cpu = all.map((r) => (r.cpuMs / r.ms) * 60_000).sort((a, b) => a - b);
    return {
      kind,
      processes,
      seconds: (to - from) / 1000,
      cpuMsPerMin: quantile(cpu, 0.5),
      p50: quantile(delays, 0.5),
      p99: quantile(delays, 0.99),
      commandsPerTick:
        (kind === 'tickwork-pg' ? all.reduce((sum, r) => sum + r.statements, 0) : after.all - before.all) / ticks,
      scriptsPerTick: (after.scripts - before.scripts) / ticks,
      duplicates: [...perTick.values()].filter((n) => n > 1).length,
      missing: Math.max(0, expected - perTick.size),
    } satisfies FleetResult;
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    admin.disconnect();
  }
}
