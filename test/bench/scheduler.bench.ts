/**
 * Scheduler benchmark (`npm run bench -- scheduler`):
 * 1. tick-to-start delay (p50/p99) for 1,000 every-second jobs due at the same instant, with the memory lock
 *    and with the Redis lock (ioredis), in one process;
 * 2. tick-to-start delay of one every-second job run by 8 processes on the Redis lock (the fleet case);
 * 3. lock acquire+complete operations/s on the same Redis, beside redis-semaphore's Mutex acquire+release and
 *    the floor of a lock judged by scripts at both ends, sequential and at concurrency 16, in interleaved rounds;
 * 4. a fleet of 6 processes with a per-second cron job, tickwork (from dist/, built first) against croner +
 *    redlock and BullMQ job schedulers (CPU per process, tick-to-start delay, Redis commands per tick);
 * 5. the same job on 6 and 24 tickwork processes, on the Redis lock (Redis commands per tick as the fleet grows)
 *    and on the PostgreSQL lock (statements per tick).
 * Sections: `SCHEDULER_BENCH=delay,fleet,ops,peers,scale` (default all); `FLEET_SECONDS`, `FLEET_ROUNDS`,
 * `LOCK_ROUNDS`, `LOCK_OPS` size them.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { Mutex } from 'redis-semaphore';
import { memoryLock } from '../../adapters/memory/lock.js';
import { migrate } from '../../adapters/postgres/migrate.js';
import { deadlines } from '../../adapters/redis/deadlines.js';
import { redisLock } from '../../adapters/redis/lock.js';
import { commandSender, luaScript } from '../../adapters/redis/redis-client.js';
import { createScheduler } from '../../src/scheduler/index.js';
import type { LockAdapter } from '../../src/scheduler/lock-adapter.js';
import { isolatedPool } from '../helpers/postgres.js';
import { DATABASE_URL } from '../helpers/services.js';
import { type FleetKind, type FleetResult, privateRedis, runFleet } from './fleet.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const JOBS = 1000;
const TICKS = 5;

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

async function tickToStart(label: string, lock: LockAdapter): Promise<void> {
  const s = createScheduler({ lock });
  const delays: number[] = [];
  let starts = 0;
  for (let i = 0; i < JOBS; i++) {
    s.add({ name: `bench-${randomUUID().slice(0, 8)}-${i}`, every: 1000, leaseTtl: 10_000, run: () => {} });
  }
  s.on('run:start', (e) => {
    // The first tick is skipped in the figures: it includes JIT warm-up and script loading.
    if (++starts > JOBS) delays.push(Date.now() - e.tick.getTime());
  });
  await s.start();
  await new Promise((r) => setTimeout(r, (TICKS + 1) * 1000));
  await s.stop({ grace: 5000 });
  delays.sort((a, b) => a - b);
  console.log(
    `  ${label.padEnd(36)} runs ${String(delays.length).padStart(5)}  p50 ${quantile(delays, 0.5).toFixed(0).padStart(4)} ms  p99 ${quantile(delays, 0.99).toFixed(0).padStart(4)} ms  max ${(delays.at(-1) ?? NaN).toFixed(0).padStart(4)} ms`,
  );
}

async function fleetTickToStart(redis: Redis, prefix: string): Promise<void> {
  const worker = resolve(import.meta.dirname, '../scheduler/fleet-worker.ts');
  const env = { ...process.env, REDIS_URL, PREFIX: `${prefix}fleet:`, JOB: 'fleet', LEASE_TTL: '5000', WORK_MS: '100' };
  let ready = 0;
  const children = Array.from({ length: 8 }, () => {
    const child = spawn(process.execPath, ['--import', 'tsx', worker], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) ready++;
    });
    return child;
  });
  while (ready < children.length) await new Promise((r) => setTimeout(r, 50));
  const from = Date.now() + 2000;
  await new Promise((r) => setTimeout(r, 22_000));
  const exits = children.map((c) => new Promise((r) => c.once('exit', r)));
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(exits);
  const records = (await redis.lrange(`${prefix}fleet:runs`, 0, -1)).map(
    (line) => JSON.parse(line) as { tick: number; phase: string; at: number },
  );
  const starts = records.filter((r) => r.phase === 'start' && r.tick >= from);
  const perTick = new Map<number, number>();
  for (const r of starts) perTick.set(r.tick, (perTick.get(r.tick) ?? 0) + 1);
  const delays = starts.map((r) => r.at - r.tick).sort((a, b) => a - b);
  const duplicates = [...perTick.values()].filter((n) => n > 1).length;
  console.log(
    `  ${'redisLock, 8 processes, 1 job'.padEnd(36)} runs ${String(delays.length).padStart(5)}  p50 ${quantile(delays, 0.5).toFixed(0).padStart(4)} ms  p99 ${quantile(delays, 0.99).toFixed(0).padStart(4)} ms  max ${(delays.at(-1) ?? NaN).toFixed(0).padStart(4)} ms  duplicate ticks ${duplicates}`,
  );
}

async function opsPerSecond(n: number, concurrency: number, op: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await op(next++);
    }),
  );
  return n / ((performance.now() - t0) / 1000);
}

/**
 * Lock acquire+complete against redis-semaphore's `Mutex` acquire+release on the same client: `ROUNDS`
 * interleaved rounds of `OPS` operations each (ours, then the peer, then ours…), medians of each side and the
 * median of the per-round ratios, so both sides see the same load on a shared machine.
 */
async function lockOps(redis: Redis, prefix: string): Promise<void> {
  const lock = redisLock({ client: redis, prefix });
  const memory = memoryLock();
  const ours = (l: LockAdapter, job: string) => async (i: number) => {
    const token = randomUUID();
    const r = await l.acquire({
      job,
      tick: String(i),
      tickMs: i,
      token,
      ttlMs: 10_000,
      earlyToleranceMs: null,
      maxLateMs: null,
      kind: 'scheduled',
      exclusive: false,
      atMostOnce: false,
      retentionMs: 60_000,
    });
    if (!r.acquired) throw new Error('benchmark lock was not acquired');
    await l.complete({
      job,
      tick: String(i),
      token,
      tickMs: i,
      outcome: { status: 'succeeded', fence: r.fence, at: Date.now() },
      retentionMs: 60_000,
      advanceHighWaterMark: true,
    });
  };
  const peer = (key: string) => async (i: number) => {
    const mutex = new Mutex(redis, `${key}:${i}`, { lockTimeout: 10_000, refreshInterval: 0 });
    await mutex.acquire();
    await mutex.release();
  };
  // The floor of any lock that judges a tick on Redis server time at both ends: two scripts of the least work
  // (acquire: TIME, GET, SET; complete: GET, SET), through the same command path as the lock. A mutex acquires
  // with a plain SET NX, which can read neither a clock nor a cursor.
  const send = commandSender(redis);
  const replies = deadlines(2000);
  const floorAcquire = luaScript(
    send,
    'floor acquire',
    `local t = redis.call('TIME')
if redis.call('GET', KEYS[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. t[1], 'PX', ARGV[2])
return 1`,
    replies,
  );
  const floorComplete = luaScript(
    send,
    'floor complete',
    `local v = redis.call('GET', KEYS[1])
if (not v) or string.sub(v, 1, #ARGV[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], 'd' .. ARGV[2], 'PX', ARGV[3])
return 1`,
    replies,
  );
  const floor = (key: string) => async (i: number) => {
    const token = randomUUID();
    await floorAcquire.run([`${key}:${i}`], [token, 10_000]);
    await floorComplete.run([`${key}:${i}`], [token, JSON.stringify({ status: 'succeeded', at: Date.now() }), 60_000]);
  };
  const ROUNDS = Number(process.env.LOCK_ROUNDS ?? 9);
  const OPS = Number(process.env.LOCK_OPS ?? 2000);
  for (const concurrency of [1, 16]) {
    // Warm-up (script cache, JIT), then measure.
    await opsPerSecond(500, concurrency, ours(lock, `warm-${randomUUID()}`));
    await opsPerSecond(500, concurrency, peer(`${prefix}warm-${randomUUID()}`));
    await opsPerSecond(500, concurrency, floor(`${prefix}warm-floor-${randomUUID()}`));
    const a: number[] = [];
    const b: number[] = [];
    const f: number[] = [];
    const ratios: number[] = [];
    const floorRatios: number[] = [];
    // Each round runs on a fresh job (distinct ticks from 0), and alternates the order of the contenders.
    for (let round = 0; round < ROUNDS; round++) {
      const runs = [
        () => opsPerSecond(OPS, concurrency, ours(lock, `ops-${randomUUID()}`)),
        () => opsPerSecond(OPS, concurrency, peer(`${prefix}sem-${randomUUID()}`)),
        () => opsPerSecond(OPS, concurrency, floor(`${prefix}floor-${randomUUID()}`)),
      ];
      const order = round % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
      const got: number[] = [];
      for (const i of order) got[i] = await (runs[i] as () => Promise<number>)();
      const [x, y, z] = got as [number, number, number];
      a.push(x);
      b.push(y);
      f.push(z);
      ratios.push(x / y);
      floorRatios.push(z / y);
    }
    const m = await opsPerSecond(OPS, concurrency, ours(memory, `mem-${randomUUID()}`));
    console.log(
      `\n  acquire+complete, concurrency ${concurrency}, ${ROUNDS} interleaved rounds of ${OPS} ops, medians`,
    );
    console.log(
      `    tickwork redisLock (acquire+complete)   ${median(a).toFixed(0).padStart(8)} ops/s  ${median(ratios).toFixed(2)}× redis-semaphore (per-round ratios ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
    );
    console.log(`    redis-semaphore Mutex (acquire+release) ${median(b).toFixed(0).padStart(8)} ops/s  1.00×`);
    console.log(
      `    floor: two least scripts (TIME+GET+SET, GET+SET) ${median(f).toFixed(0).padStart(8)} ops/s  ${median(floorRatios).toFixed(2)}× redis-semaphore; tickwork ${(median(a) / median(f)).toFixed(2)}× the floor`,
    );
    console.log(`    tickwork memoryLock (context)           ${m.toFixed(0).padStart(8)} ops/s`);
  }
}

async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = nextCursor;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const FLEET_SECONDS = Number(process.env.FLEET_SECONDS ?? 20);
const FLEET_ROUNDS = Number(process.env.FLEET_ROUNDS ?? 3);

const fleetLine = (label: string, rs: FleetResult[]) => {
  const m = (f: (r: FleetResult) => number) => median(rs.map(f));
  return `  ${label.padEnd(24)} CPU ${m((r) => r.cpuMsPerMin)
    .toFixed(0)
    .padStart(4)} ms/min  p50 ${m((r) => r.p50)
    .toFixed(0)
    .padStart(3)} ms  p99 ${m((r) => r.p99)
    .toFixed(0)
    .padStart(4)} ms  commands/tick ${m((r) => r.commandsPerTick)
    .toFixed(1)
    .padStart(5)}  scripts/tick ${m((r) => r.scriptsPerTick)
    .toFixed(1)
    .padStart(
      4,
    )}  duplicates ${rs.reduce((a, r) => a + r.duplicates, 0)}  missing ${rs.reduce((a, r) => a + r.missing, 0)}`;
};
const ratioLine = (label: string, values: number[]) =>
  `    ${label.padEnd(40)} ${median(values).toFixed(2)}× (rounds ${values.map((v) => v.toFixed(2)).join(', ')})`;

/**
 * Six processes run a per-second cron job for `FLEET_SECONDS` (default 20 s, scaled down from a minute),
 * three ways on one private Redis: tickwork, croner + redlock (a key per tick) and BullMQ job schedulers. The
 * kinds take turns within each of `FLEET_ROUNDS` rounds (the order rotates); medians over rounds, and the
 * per-round ratios.
 */
async function fleetPeers(redisUrl: string): Promise<void> {
  const kinds: FleetKind[] = ['tickwork', 'redlock', 'bullmq'];
  const by = new Map<FleetKind, FleetResult[]>(kinds.map((k) => [k, []]));
  for (let round = 0; round < FLEET_ROUNDS; round++) {
    for (let i = 0; i < kinds.length; i++) {
      const kind = kinds[(i + round) % kinds.length] as FleetKind;
      by.get(kind)?.push(await runFleet(kind, 6, FLEET_SECONDS, redisUrl));
    }
  }
  const t = by.get('tickwork') ?? [];
  const r = by.get('redlock') ?? [];
  const b = by.get('bullmq') ?? [];
  console.log(
    `\nfleet: 6 processes, per-second cron, ${FLEET_SECONDS} s windows, ${FLEET_ROUNDS} interleaved rounds, medians`,
  );
  console.log(fleetLine('tickwork redisLock', t));
  console.log(fleetLine('croner + redlock', r));
  console.log(fleetLine('BullMQ job scheduler', b));
  console.log(
    ratioLine(
      'CPU, tickwork / redlock',
      t.map((x, i) => x.cpuMsPerMin / (r[i]?.cpuMsPerMin ?? NaN)),
    ),
  );
  console.log(
    ratioLine(
      'p50, tickwork / redlock',
      t.map((x, i) => x.p50 / (r[i]?.p50 ?? NaN)),
    ),
  );
  console.log(
    ratioLine(
      'commands per tick, tickwork / BullMQ',
      t.map((x, i) => x.commandsPerTick / (b[i]?.commandsPerTick ?? NaN)),
    ),
  );
}

/**
 * The same per-second job on 6 and on 24 tickwork processes: lock calls per tick as the fleet grows, on the
 * Redis lock (commands Redis executed) and on the PostgreSQL lock (statements sent, in a migrated schema of
 * its own).
 */
async function fleetScale(redisUrl: string): Promise<void> {
  const pgTarget = await isolatedPool(1);
  try {
    await migrate(pgTarget.pool);
    const pgEnv = { DATABASE_URL, SCHEMA: pgTarget.schema };
    for (const [kind, lock, calls, env] of [
      ['tickwork', 'Redis lock', 'commands', {}],
      ['tickwork-pg', 'PostgreSQL lock', 'statements', pgEnv],
    ] as const) {
      const six: FleetResult[] = [];
      const many: FleetResult[] = [];
      for (let round = 0; round < Math.max(1, FLEET_ROUNDS - 1); round++) {
        six.push(await runFleet(kind, 6, FLEET_SECONDS, redisUrl, env));
        many.push(await runFleet(kind, 24, FLEET_SECONDS, redisUrl, env));
      }
      console.log(
        `\nfleet size (${lock}, ${calls} per tick): tickwork on 6 and 24 processes, per-second cron, ${FLEET_SECONDS} s windows, medians`,
      );
      console.log(fleetLine('6 processes', six));
      console.log(fleetLine('24 processes', many));
      console.log(
        ratioLine(
          `${calls} per tick, 24 / 6 processes`,
          many.map((x, i) => x.commandsPerTick / (six[i]?.commandsPerTick ?? NaN)),
        ),
      );
    }
  } finally {
    await pgTarget.close();
  }
}

/** `SCHEDULER_BENCH=ops,peers` runs only the named sections (default: all of them). */
const sections = new Set((process.env.SCHEDULER_BENCH ?? 'delay,fleet,ops,peers,scale').split(','));

export default async function bench(): Promise<void> {
  const redis = new Redis(REDIS_URL);
  const prefix = `bench:tickwork:${randomUUID().slice(0, 8)}:`;
  try {
    if (sections.has('delay')) {
      console.log(`\ntick-to-start delay, ${JOBS} every-second jobs due at the same instant, ${TICKS} ticks measured`);
      await tickToStart('memoryLock', memoryLock());
      await tickToStart('redisLock (ioredis, one process)', redisLock({ client: redis, prefix }));
    }
    if (sections.has('fleet')) await fleetTickToStart(redis, prefix);
    if (sections.has('ops')) await lockOps(redis, prefix);
    if (sections.has('peers') || sections.has('scale')) {
      // The fleet workers load tickwork from dist/, as users run it.
      execFileSync('npm', ['run', 'build'], { cwd: resolve(import.meta.dirname, '../..'), stdio: 'ignore' });
      // A private redis-server, so INFO commandstats counts only the fleet's commands.
      const own = await privateRedis();
      try {
        if (sections.has('peers')) await fleetPeers(own.url);
        if (sections.has('scale')) await fleetScale(own.url);
      } finally {
        await own.stop();
      }
    }
  } finally {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  }
}
