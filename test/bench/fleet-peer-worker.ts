/**
 * One process of a benchmark fleet running a per-second cron job on Redis, in one of three ways (env `KIND`):
 * - `tickwork`: `createScheduler` on `redisLock`, from the built package (`dist/`);
 * - `redlock`: croner fires the job in every process and redlock (v5) takes a key per tick (never released, so
 *   the tick stays taken for its TTL);
 * - `bullmq`: every process upserts one BullMQ job scheduler (`pattern`) and runs a Worker on its queue.
 *
 * The handler does nothing but note when it started. Over IPC the parent sends `mark` (start of the measured
 * window: the CPU baseline) and `report` (the process answers with its CPU since `mark` and its starts, then
 * exits). Nothing is written to Redis by the benchmark itself, so Redis command counts are the library's own.
 * - `tickwork-pg`: `createScheduler` on `postgresLock` (env DATABASE_URL, SCHEMA: a migrated schema), counting
 *   the statements it sends from `mark` on (PostgreSQL has no per-window command count of its own that is exact).
 * Env: KIND, REDIS_URL, PREFIX; CANDIDATES (tickwork's `candidates`, `0` for every process attempting every tick).
 */
import { Queue, Worker } from 'bullmq';
import { Cron } from 'croner';
import { Redis } from 'ioredis';
import pg from 'pg';
// @ts-expect-error redlock 5 ships types that its package.json "exports" does not name (invisible under NodeNext)
import RedlockUntyped from 'redlock';

// tickwork as users run it: the built package (the scheduler benchmark builds dist/ first), not the TypeScript
// sources through the tsx loader, whose transpiled modules cost CPU and garbage the peers, shipped as
// JavaScript, do not pay. Types come from the sources.
const dist = new URL('../../dist/', import.meta.url);
const { createScheduler } = (await import(new URL('index.js', dist).href)) as typeof import('../../src/index.js');
const { redisLock } = (await import(new URL('redis.js', dist).href)) as typeof import('../../adapters/redis/index.js');
const { postgresLock } = (await import(
  new URL('postgres.js', dist).href
)) as typeof import('../../adapters/postgres/index.js');

/** The part of redlock 5 the benchmark uses. */
interface RedlockLike {
  on(event: 'error', listener: (error: unknown) => void): void;
  acquire(resources: string[], ttlMs: number): Promise<unknown>;
}
const Redlock = RedlockUntyped as new (clients: Redis[], settings: { retryCount: number }) => RedlockLike;

const kind = process.env.KIND ?? 'tickwork';
const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = process.env.PREFIX ?? 'bench:fleet:';
const PATTERN = '* * * * * *';

/** Starts of the job in this process: [tick instant, start time] in ms. */
const starts: [number, number][] = [];
const started = (tick: number) => void starts.push([tick, Date.now()]);

/** Statements sent to PostgreSQL since `mark` (kind `tickwork-pg`). */
let statements = 0;
let counting = false;

async function tickworkPostgres(): Promise<() => Promise<void>> {
  const db = new pg.Pool({
    connectionString: process.env.DATABASE_URL,
    max: 2,
    options: `-c search_path=${process.env.SCHEMA}`,
  });
  // Every statement goes through a connection's `query`, the pool's own `query` included.
  db.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      if (counting) statements++;
      return query(...args);
    };
  });
  const scheduler = await tickworkOn(postgresLock({ db }));
  return async () => {
    await scheduler.stop({ grace: 2000 });
    await db.end();
  };
}

async function tickworkOn(lock: Parameters<typeof createScheduler>[0]['lock']) {
  const candidates = process.env.CANDIDATES;
  const scheduler = createScheduler({ lock, ...(candidates === undefined ? {} : { candidates: Number(candidates) }) });
  scheduler.add({ name: 'per-second', cron: PATTERN, run: ({ tick }) => started(tick.getTime()) });
  await scheduler.start();
  return scheduler;
}

async function tickwork(): Promise<() => Promise<void>> {
  const client = new Redis(url.href, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  await new Promise((r) => client.once('ready', r));
  const scheduler = await tickworkOn(redisLock({ client, prefix }));
  return async () => {
    await scheduler.stop({ grace: 2000 });
    client.disconnect();
  };
}

async function redlock(): Promise<() => Promise<void>> {
  const client = new Redis(url.href, { maxRetriesPerRequest: 1 });
  await new Promise((r) => client.once('ready', r));
  const locks = new Redlock([client], { retryCount: 0 });
  locks.on('error', () => {}); // a lost race is an error event in redlock; expected on every tick but one
  const job = new Cron(PATTERN, { utcOffset: 0 }, async () => {
    const tick = Math.floor(Date.now() / 1000) * 1000;
    try {
      await locks.acquire([`${prefix}tick:${tick}`], 5000);
    } catch {
      return; // another process has this tick
    }
    started(tick);
  });
  return async () => {
    job.stop();
    client.disconnect();
  };
}

async function bullmq(): Promise<() => Promise<void>> {
  const connection = { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null };
  const name = `${prefix.replaceAll(':', '-')}queue`;
  const queue = new Queue(name, { connection });
  try {
    await queue.upsertJobScheduler('per-second', { pattern: PATTERN }, { name: 'per-second' });
  } catch (error) {
    // Processes starting together race to create the scheduler's first job; the loser's is already there.
    if (!String(error).includes('already exists')) throw error;
  }
  const worker = new Worker(
    name,
    async (job) => {
      // The instant the scheduler planned this run for (the job id is `repeat:<scheduler>:<millis>`).
      const planned = Number(job.id?.split(':').at(-1));
      started(planned);
    },
    { connection, concurrency: 1 },
  );
  await worker.waitUntilReady();
  return async () => {
    await worker.close();
    await queue.close();
  };
}

const kinds: Record<string, () => Promise<() => Promise<void>>> = {
  tickwork,
  'tickwork-pg': tickworkPostgres,
  redlock,
  bullmq,
};
const stop = await (kinds[kind] ?? tickwork)();
let cpu = process.cpuUsage();
let from = 0;
process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'mark') {
    cpu = process.cpuUsage();
    from = Date.now();
    counting = true;
  } else if (m.cmd === 'report') {
    const used = process.cpuUsage(cpu);
    const ms = Date.now() - from;
    process.send?.(
      { cpuMs: (used.user + used.system) / 1000, ms, statements, starts: starts.filter(([, at]) => at >= from) },
      () => void stop().finally(() => process.exit(0)),
    );
  }
});
process.send?.({ ready: true });
