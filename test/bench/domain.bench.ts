/**
 * Domain: approvals per second at concurrency 16 — each one `tasks.approve`, one call of a function that
 * compare-and-sets the task and appends the award — on the real PostgreSQL server, beside the floor of the job:
 * a single-row INSERT loop at the same concurrency on the same pool, each insert its own autocommit (a durable
 * commit per operation, like an approval). Rounds alternate the two (2,000
 * operations each, fresh tasks every round), so drifting machine load hits both alike; medians are printed
 * with the ratio. A third contender is the least any approval must write: one statement that bumps the
 * version of a submitted task's row by primary key (no indexed column changes, nothing returned) and inserts
 * one row into the bare table, one commit. The memory adapter is timed too, as context.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { memoryProofStore } from '../../adapters/memory/proof-store.js';
import { memoryRepositories } from '../../adapters/memory/repositories.js';
import { migrate } from '../../adapters/postgres/migrate.js';
import { postgresRepositories } from '../../adapters/postgres/repositories.js';
import type { Actor } from '../../src/domain/actor.js';
import { createServices, type Services } from '../../src/domain/create-services.js';
import type { Repositories } from '../../src/domain/repositories.js';
import { shot, TEST_SCRYPT } from '../domain/fixture.js';
import { isolatedPool } from '../helpers/postgres.js';
import { postgresUp } from '../helpers/services.js';
import { type BenchResult, printTable } from './measure.js';

const CONCURRENCY = 16;
const USERS = 40;
const APPS = 50; // USERS × APPS tasks to approve per round
const ROUNDS = 5;
const POINTS = 10;

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function inParallel<T>(items: readonly T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

/** An admin and USERS users on `repositories`; `submitted()` makes USERS × APPS fresh submitted tasks. */
async function stage(repositories: Repositories) {
  const services: Services = createServices({ repositories, proofs: memoryProofStore(), scrypt: TEST_SCRYPT });
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const admin = await services.users.bootstrapAdmin({
    email: `bench-${run}@example.com`,
    password: 'bench secret 1',
    name: 'A',
  });
  const users: Actor[] = await Promise.all(
    Array.from({ length: USERS }, (_, i) =>
      services.users.register({ email: `u${i}-${run}@example.com`, password: 'bench secret 1', name: `U${i}` }),
    ),
  );
  const image = shot(1);
  let round = 0;
  return {
    services,
    admin,
    users,
    async submitted(): Promise<string[]> {
      round++;
      const apps = await Promise.all(
        Array.from({ length: APPS }, (_, i) =>
          services.apps.create(admin, {
            name: `App ${round}.${i}`,
            packageName: `com.bench.r${run}.n${round}.a${i}`,
            storeUrl: 'https://play.google.com/store/apps/details?id=com.bench',
            category: 'Bench',
            points: POINTS,
          }),
        ),
      );
      const taskIds: string[] = [];
      await inParallel(
        users.flatMap((u) => apps.map((a) => [u, a] as const)),
        CONCURRENCY,
        async ([u, a]) => {
          const task = await services.tasks.claim(u, a.id);
          await services.tasks.submitProof(u, task.id, image);
          taskIds.push(task.id);
        },
      );
      return taskIds;
    },
  };
}

/** Runs `fn` on every item at CONCURRENCY; answers the wall time in ms. */
async function timed<T>(items: readonly T[], fn: (item: T) => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await inParallel(items, CONCURRENCY, fn);
  return performance.now() - t0;
}

/** Approves every task at CONCURRENCY; answers the wall time in ms. */
const approveAll = (s: Awaited<ReturnType<typeof stage>>, taskIds: readonly string[]): Promise<number> =>
  timed(taskIds, (id) => s.services.tasks.approve(s.admin, id));

/** Checks every approval paid once: each user holds APPS awards per round. */
async function selfCheck(s: Awaited<ReturnType<typeof stage>>, rounds: number): Promise<void> {
  const balance = await s.services.points.balance(s.admin, { userId: s.users[0]!.id });
  if (balance !== rounds * APPS * POINTS) throw new Error(`Bench self-check failed: balance ${balance}`);
}

export default async function bench(): Promise<void> {
  const n = USERS * APPS;
  const perSecond = (ms: number) => (n / ms) * 1000;
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const memory = await stage(memoryRepositories());
  const memoryMs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) memoryMs.push(await approveAll(memory, await memory.submitted()));
  await selfCheck(memory, ROUNDS);
  const results: BenchResult[] = [];
  if (!postgresUp) {
    console.log('PostgreSQL is not reachable: only the memory figure is printed.');
  } else {
    const { pool, close } = await isolatedPool(CONCURRENCY);
    try {
      await migrate(pool);
      await pool.query(
        'CREATE TABLE bench_inserts (id bigserial PRIMARY KEY, user_id text NOT NULL, amount bigint NOT NULL)',
      );
      const pg = await stage(postgresRepositories({ db: pool }));
      const rows = Array.from({ length: n }, (_, i) => i);
      const insertMs: number[] = [];
      const approveMs: number[] = [];
      const leastMs: number[] = [];
      const leastAll = (taskIds: readonly string[]) =>
        timed(taskIds, (id) =>
          pool.query(
            `WITH t AS (UPDATE tickwork_tasks SET version = version + 1 WHERE id = $1 RETURNING user_id)
             INSERT INTO bench_inserts (user_id, amount) SELECT user_id, $2 FROM t`,
            [id, POINTS],
          ),
        );
      const insertAll = () =>
        timed(rows, (i) =>
          pool.query('INSERT INTO bench_inserts (user_id, amount) VALUES ($1, $2)', [`u${i % USERS}`, POINTS]),
        );
      // One untimed round of each warms the pool, the plans and the JIT.
      await insertAll();
      await approveAll(pg, await pg.submitted());
      await leastAll(await pg.submitted());
      for (let r = 0; r < ROUNDS; r++) {
        const taskIds = await pg.submitted();
        const leastIds = await pg.submitted();
        // Rotate which goes first, so none always meets a freshly vacuumed or a busier server.
        const contenders = [
          async () => insertMs.push(await insertAll()),
          async () => approveMs.push(await approveAll(pg, taskIds)),
          async () => leastMs.push(await leastAll(leastIds)),
        ];
        for (let k = 0; k < contenders.length; k++) await contenders[(r + k) % contenders.length]!();
      }
      await selfCheck(pg, ROUNDS + 1);
      const leastRows = await pool.query<{ n: string }>('SELECT count(*) AS n FROM bench_inserts WHERE amount = $1', [
        POINTS,
      ]);
      // Every insert-loop row and every least-approval row carries POINTS: a least approval that matched no task
      // would insert nothing and look fast.
      const expected = (ROUNDS + 1) * n * 2;
      if (Number(leastRows.rows[0]?.n) !== expected)
        throw new Error(`Bench self-check failed: ${leastRows.rows[0]?.n} rows, expected ${expected}`);
      results.push(
        {
          name: `bare INSERT loop (PostgreSQL, c=${CONCURRENCY})`,
          ms: median(insertMs),
          perSecond: perSecond(median(insertMs)),
        },
        {
          name: `approve + award (PostgreSQL, c=${CONCURRENCY})`,
          ms: median(approveMs),
          perSecond: perSecond(median(approveMs)),
        },
        {
          name: `floor: least approval (PostgreSQL, c=${CONCURRENCY})`,
          ms: median(leastMs),
          perSecond: perSecond(median(leastMs)),
        },
      );
      console.log(
        `  rounds, ops/s: INSERT ${insertMs.map((ms) => perSecond(ms).toFixed(0)).join(' ')}; approve ${approveMs
          .map((ms) => perSecond(ms).toFixed(0))
          .join(' ')}; least approval ${leastMs.map((ms) => perSecond(ms).toFixed(0)).join(' ')}`,
      );
      console.log(
        `  approve + award is ${(median(leastMs) / median(approveMs)).toFixed(2)}× the least approval's ops/s`,
      );
    } finally {
      await close();
    }
  }
  results.push({
    name: `approve + award (memory, c=${CONCURRENCY})`,
    ms: median(memoryMs),
    perSecond: perSecond(median(memoryMs)),
  });
  printTable(
    `domain: ${n} operations each, ${ROUNDS} alternating rounds, medians; ops/s and ratio against the first row (load average ${load})`,
    results,
    'ops/s',
  );
}
