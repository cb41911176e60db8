/**
 * Real processes: 8 child processes run an every-second job on the Redis lock for over 20 s; one is killed
 * with SIGKILL in the middle of a run. No tick completes twice, none is lost, the killed tick is taken over
 * within lease ttl + 1 s, and fences grow strictly. Then the fleet console on two processes: pause, resume,
 * trigger and the shared history (`fleet-console.ts`).
 */
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, expect, it } from 'vitest';
import { deletePrefix, ioredisClient } from '../adapters/redis/redis-clients.js';
import { describeWithRedis, REDIS_URL, randomSuffix } from '../helpers/services.js';
import { startWorker, stopWorkers } from '../helpers/spawn-worker.js';
import { fleetConsoleScenario, spawnConsolePair } from './fleet-console.js';
import { until } from './helpers.js';

const PROCESSES = 8;
const LEASE_TTL = 2000;
const WORK_MS = 600;
const worker = resolve(import.meta.dirname, 'fleet-worker.ts');

interface RunRecord {
  tick: number;
  fence: number;
  pid: number;
  phase: 'start' | 'end';
  at: number;
}

describeWithRedis('scheduler in real processes on the Redis lock', () => {
  const prefix = `test:tickwork:procs:${randomSuffix()}:`;
  const redis = ioredisClient();
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('8 processes, one SIGKILLed mid-run: no tick twice, none lost, takeover within ttl + 1 s', async () => {
    const env = {
      REDIS_URL,
      PREFIX: prefix,
      JOB: 'every-second',
      LEASE_TTL: String(LEASE_TTL),
      WORK_MS: String(WORK_MS),
    };
    await Promise.all(
      Array.from({ length: PROCESSES }, () => startWorker(worker, { env }, (child) => children.push(child))),
    );
    const readyAt = Date.now();
    const runs = async () => (await redis.lrange(`${prefix}runs`, 0, -1)).map((s) => JSON.parse(s) as RunRecord);

    // Wait ~8 s, then kill a process that is in the middle of a run.
    await sleep(8000);
    let victim: { pid: number; tick: number } | undefined;
    await until(
      () => {
        void runs().then((all) => {
          const ended = new Set(all.filter((r) => r.phase === 'end').map((r) => `${r.pid}:${r.tick}`));
          const open = all.filter(
            (r) => r.phase === 'start' && !ended.has(`${r.pid}:${r.tick}`) && Date.now() - r.at < 300,
          );
          if (open[0] && !victim) {
            victim = { pid: open[0].pid, tick: open[0].tick };
            children.find((c) => c.pid === open[0]?.pid)?.kill('SIGKILL');
          }
        });
        return victim !== undefined;
      },
      10_000,
      'a run in progress to kill',
    );
    await sleep(Math.max(0, readyAt + 22_000 - Date.now()));
    const stopAt = Date.now();
    await stopWorkers(children.filter((c) => c.pid !== victim?.pid));

    const all = await runs();
    const starts = all.filter((r) => r.phase === 'start');
    const ends = all.filter((r) => r.phase === 'end');
    const from = Math.ceil((readyAt + 1000) / 1000) * 1000;
    const to = Math.floor((stopAt - 2000) / 1000) * 1000;
    expect(to - from).toBeGreaterThanOrEqual(15_000);

    const endsByTick = new Map<number, number>();
    for (const r of ends) endsByTick.set(r.tick, (endsByTick.get(r.tick) ?? 0) + 1);
    const lost: number[] = [];
    const twice: number[] = [];
    for (let t = from; t <= to; t += 1000) {
      const n = endsByTick.get(t) ?? 0;
      if (n === 0) lost.push(t);
      if (n > 1) twice.push(t);
    }
    expect(twice).toEqual([]);
    expect(lost).toEqual([]);
    expect([...endsByTick.values()].every((n) => n === 1)).toBe(true);

    // The killed run was taken over by another process, with a higher fence, within ttl + 1 s.
    const killed = starts.find((r) => r.pid === victim?.pid && r.tick === victim?.tick);
    const takeover = starts.find((r) => r.tick === victim?.tick && r.pid !== victim?.pid);
    expect(killed).toBeDefined();
    expect(takeover).toBeDefined();
    if (killed && takeover) {
      expect(takeover.fence).toBeGreaterThan(killed.fence);
      expect(takeover.at - killed.at).toBeLessThanOrEqual(LEASE_TTL + 1000);
      console.info(`takeover ${takeover.at - killed.at} ms after the killed start (lease ttl ${LEASE_TTL} ms)`);
    }
    // Only the killed tick started twice.
    const startsByTick = new Map<number, number>();
    for (const r of starts) startsByTick.set(r.tick, (startsByTick.get(r.tick) ?? 0) + 1);
    expect([...startsByTick].filter(([t, n]) => n > 1 && t !== victim?.tick)).toEqual([]);
    // Fences are unique and grow with the tick (the takeover's fence is the newest when it was issued).
    const fences = starts.map((r) => r.fence);
    expect(new Set(fences).size).toBe(fences.length);
    const firstStarts = [...new Map(starts.map((r) => [r.tick, r] as const)).values()].filter((r) => r !== takeover);
    const byTick = starts.filter((r) => r !== takeover).sort((a, b) => a.tick - b.tick);
    for (let i = 1; i < byTick.length; i++) expect(byTick[i]?.fence).toBeGreaterThan(byTick[i - 1]?.fence ?? Infinity);
    expect(firstStarts.length).toBeGreaterThan(15);
  }, 120_000);

  it('fleet console on 2 processes: pause skips everywhere, resume, trigger once, shared history', async () => {
    const consolePrefix = `${prefix}console:`;
    const pair = await spawnConsolePair(
      worker,
      { REDIS_URL, PREFIX: consolePrefix, JOB: 'console', LEASE_TTL: '2000', WORK_MS: '100' },
      children,
    );
    try {
      await fleetConsoleScenario(pair.a, pair.b);
    } finally {
      await pair.stop();
      await deletePrefix(redis, consolePrefix);
    }
  }, 120_000);
});
