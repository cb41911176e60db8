/**
 * Domain: approvals per second at concurrency 16 — each one a transaction that compare-and-sets the task and
 * appends the award — on the real PostgreSQL server, beside a bare single-row INSERT loop at the same
 * concurrency on the same pool, and on the memory adapter. Prints the ratios.
 */
import { performance } from 'node:perf_hooks';
import { memoryProofStore } from '../../adapters/memory/proof-store.js';
import { memoryRepositories } from '../../adapters/memory/repositories.js';
import { migrate } from '../../adapters/postgres/migrate.js';
import { postgresRepositories } from '../../adapters/postgres/repositories.js';
import { createServices } from '../../src/domain/create-services.js';
import type { Repositories } from '../../src/domain/repositories.js';
import { shot, TEST_SCRYPT } from '../domain/fixture.js';
import { isolatedPool } from '../helpers/postgres.js';
import { postgresUp } from '../helpers/services.js';
import { type BenchResult, printTable } from './measure.js';

const CONCURRENCY = 16;
const USERS = 40;
const APPS = 50; // USERS × APPS tasks to approve

async function inParallel<T>(items: readonly T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

/** Builds USERS × APPS submitted tasks, then times approving all of them at CONCURRENCY. */
async function approvals(repositories: Repositories): Promise<{ ms: number; count: number }> {
  const services = createServices({ repositories, proofs: memoryProofStore(), scrypt: TEST_SCRYPT });
  const run = Date.now().toString(36);
  const admin = await services.users.bootstrapAdmin({
    email: `bench-${run}@example.com`,
    password: 'bench secret 1',
    name: 'A',
  });
  const apps = await Promise.all(
    Array.from({ length: APPS }, (_, i) =>
      services.apps.create(admin, {
        name: `App ${i}`,
        packageName: `com.bench.r${run}.a${i}`,
        storeUrl: 'https://play.google.com/store/apps/details?id=com.bench',
        category: 'Bench',
        points: 10,
      }),
    ),
  );
  const users = await Promise.all(
    Array.from({ length: USERS }, (_, i) =>
      services.users.register({ email: `u${i}-${run}@example.com`, password: 'bench secret 1', name: `U${i}` }),
    ),
  );
  const pairs = users.flatMap((u) => apps.map((a) => [u, a] as const));
  const image = shot(1);
  const taskIds: string[] = [];
  await inParallel(pairs, CONCURRENCY, async ([u, a]) => {
    const task = await services.tasks.claim(u, a.id);
    await services.tasks.submitProof(u, task.id, image);
    taskIds.push(task.id);
  });
  const t0 = performance.now();
  await inParallel(taskIds, CONCURRENCY, (id) => services.tasks.approve(admin, id));
  const ms = performance.now() - t0;
  const total = await services.points.balance(admin, { userId: users[0]!.id });
  if (total !== APPS * 10) throw new Error(`Bench self-check failed: balance ${total}`);
  return { ms, count: taskIds.length };
}

export default async function bench(): Promise<void> {
  const memory = await approvals(memoryRepositories());
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
      const rows = Array.from({ length: USERS * APPS }, (_, i) => i);
      const t0 = performance.now();
      await inParallel(rows, CONCURRENCY, (i) =>
        pool.query('INSERT INTO bench_inserts (user_id, amount) VALUES ($1, $2)', [`u${i % USERS}`, 10]),
      );
      const insertMs = performance.now() - t0;
      results.push({
        name: `bare INSERT loop (PostgreSQL, c=${CONCURRENCY})`,
        ms: insertMs,
        perSecond: (rows.length / insertMs) * 1000,
      });
      const pg = await approvals(postgresRepositories({ db: pool }));
      results.push({
        name: `approve + award (PostgreSQL, c=${CONCURRENCY})`,
        ms: pg.ms,
        perSecond: (pg.count / pg.ms) * 1000,
      });
    } finally {
      await close();
    }
  }
  results.push({
    name: `approve + award (memory, c=${CONCURRENCY})`,
    ms: memory.ms,
    perSecond: (memory.count / memory.ms) * 1000,
  });
  printTable(`domain: ${USERS * APPS} operations each, ops/s and time ratio against the first row`, results, 'ops/s');
}
