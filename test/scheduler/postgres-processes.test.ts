/**
 * Real processes on the PostgreSQL lock: 4 child processes run an every-second job for about 14 s; one is
 * killed with SIGKILL in the middle of a run. No tick completes twice, none is lost, the killed tick is taken
 * over by another process with a higher fence, and fences are unique. A lone holder killed mid-run, whose tick
 * the process started after it takes over. Then the fleet console on two processes:
 * pause, resume, trigger and the shared history (`fleet-console.ts`).
 */
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate } from '../../adapters/postgres/migrate.js';
import { isolatedPool } from '../helpers/postgres.js';
import { DATABASE_URL, describeWithPostgres } from '../helpers/services.js';
import { startWorker, stopWorkers } from '../helpers/spawn-worker.js';
import { fleetConsoleScenario, spawnConsolePair } from './fleet-console.js';

const PROCESSES = 4;
const LEASE_TTL = 1500;
const WORK_MS = 500;
const RUN_MS = 14_000;
const worker = resolve(import.meta.dirname, 'postgres-fleet-worker.ts');

interface RunRecord {
  tick: number;
  fence: number;
  pid: number;
  phase: 'start' | 'end';
  at: number;
}

describeWithPostgres('scheduler in real processes on the PostgreSQL lock', () => {
  let target: Awaited<ReturnType<typeof isolatedPool>>;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    target = await isolatedPool(2);
    await migrate(target.pool);
    await target.pool.query(
      'CREATE TABLE fleet_runs (tick bigint NOT NULL, fence bigint NOT NULL, pid int NOT NULL, phase text NOT NULL, at bigint NOT NULL)',
    );
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await target.close();
  });

  const runs = async (): Promise<RunRecord[]> =>
    (await target.pool.query('SELECT tick, fence, pid, phase, at FROM fleet_runs')).rows.map((r) => ({
      tick: Number(r.tick),
      fence: Number(r.fence),
      pid: Number(r.pid),
      phase: r.phase,
      at: Number(r.at),
    }));

  it('4 processes, one SIGKILLed mid-run: no tick twice, none lost, the killed tick taken over', async () => {
    const env = {
      DATABASE_URL,
      SCHEMA: target.schema,
      JOB: 'every-second',
      LEASE_TTL: String(LEASE_TTL),
      WORK_MS: String(WORK_MS),
    };
    await Promise.all(
      Array.from({ length: PROCESSES }, () => startWorker(worker, { env }, (child) => children.push(child))),
    );
    const readyAt = Date.now();

    // After a few ticks, kill a process that has just started a run.
    await sleep(4000);
    let victim: RunRecord | undefined;
    for (let tries = 0; !victim; tries++) {
      if (tries > 1000) throw new Error('no run in progress to kill');
      const all = await runs();
      const ended = new Set(all.filter((r) => r.phase === 'end').map((r) => `${r.pid}:${r.tick}`));
      victim = all.find((r) => r.phase === 'start' && !ended.has(`${r.pid}:${r.tick}`) && Date.now() - r.at < 200);
      if (victim) children.find((c) => c.pid === victim?.pid)?.kill('SIGKILL');
      else await sleep(20);
    }
    await sleep(Math.max(0, readyAt + RUN_MS - Date.now()));
    const stopAt = Date.now();
    await stopWorkers(children.filter((c) => c.pid !== victim?.pid));

    const all = await runs();
    const starts = all.filter((r) => r.phase === 'start');
    const ends = all.filter((r) => r.phase === 'end');
    const from = Math.ceil((readyAt + 1000) / 1000) * 1000;
    const to = Math.floor((stopAt - 2000) / 1000) * 1000;
    expect(to - from).toBeGreaterThanOrEqual(8000);

    const endsByTick = new Map<number, number>();
    for (const r of ends) endsByTick.set(r.tick, (endsByTick.get(r.tick) ?? 0) + 1);
    const lost: number[] = [];
    for (let t = from; t <= to; t += 1000) if (!endsByTick.has(t)) lost.push(t);
    expect([...endsByTick].filter(([, n]) => n > 1)).toEqual([]);
    expect(lost).toEqual([]);

    // The killed run was taken over by another process, with a higher fence, after its lease expired.
    const takeover = starts.find((r) => r.tick === victim?.tick && r.pid !== victim?.pid);
    expect(takeover).toBeDefined();
    expect(takeover && victim && takeover.fence > victim.fence).toBe(true);
    expect(ends.some((r) => r.tick === victim?.tick && r.pid === takeover?.pid)).toBe(true);
    if (takeover && victim) {
      console.info(
        `postgres fleet: takeover ${takeover.at - victim.at} ms after the killed start (lease ${LEASE_TTL} ms)`,
      );
    }
    // Only the killed tick started twice; fences are unique.
    const startsByTick = new Map<number, number>();
    for (const r of starts) startsByTick.set(r.tick, (startsByTick.get(r.tick) ?? 0) + 1);
    expect([...startsByTick].filter(([t, n]) => n > 1 && t !== victim?.tick)).toEqual([]);
    expect(new Set(starts.map((r) => r.fence)).size).toBe(starts.length);
  }, 120_000);

  it('a lone holder SIGKILLed mid-run: the replacement started afterwards takes its tick over', async () => {
    // A rolling restart of a one-process deployment: nobody else is up when the holder dies. Runs outlast the
    // lease, so the kill hits one.
    const env = { DATABASE_URL, SCHEMA: target.schema, JOB: 'lone', LEASE_TTL: String(LEASE_TTL), WORK_MS: '3000' };
    const first = await startWorker(worker, { env }, (child) => children.push(child));
    let victim: RunRecord | undefined;
    for (const since = Date.now(); !victim; ) {
      if (Date.now() - since > 60_000) throw new Error('no run to kill');
      victim = (await runs()).find((r) => r.pid === first.pid && r.phase === 'start');
      if (!victim) await sleep(20);
    }
    first.kill('SIGKILL');
    const replacement = await startWorker(worker, { env }, (child) => children.push(child));
    const ofTick = async (pid: number | undefined, phase: RunRecord['phase']) =>
      (await runs()).find((r) => r.pid === pid && r.tick === victim?.tick && r.phase === phase);
    // A safety net, not a budget.
    for (const since = Date.now(); !(await ofTick(replacement.pid, 'end')); await sleep(50)) {
      if (Date.now() - since > 60_000)
        throw new Error(`the killed tick was not taken over; runs: ${JSON.stringify(await runs())}`);
    }
    await stopWorkers([replacement]);
    const takeover = await ofTick(replacement.pid, 'start');
    expect(takeover && victim && takeover.fence > victim.fence).toBe(true);
    expect(await ofTick(first.pid, 'end')).toBeUndefined();
  }, 120_000);

  it('fleet console on 2 processes: pause skips everywhere, resume, trigger once, shared history', async () => {
    const own = await isolatedPool(2);
    await migrate(own.pool);
    await own.pool.query(
      'CREATE TABLE fleet_runs (tick bigint NOT NULL, fence bigint NOT NULL, pid int NOT NULL, phase text NOT NULL, at bigint NOT NULL)',
    );
    try {
      const pair = await spawnConsolePair(
        worker,
        { DATABASE_URL, SCHEMA: own.schema, JOB: 'console', LEASE_TTL: '2000', WORK_MS: '100' },
        children,
      );
      try {
        await fleetConsoleScenario(pair.a, pair.b);
      } finally {
        await pair.stop();
      }
    } finally {
      await own.close();
    }
  }, 120_000);
});
