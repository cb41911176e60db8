/**
 * Bounded attempts with real processes on the Redis lock: a fleet where only the candidates (and the second
 * wave) attempt each tick, the candidates of a tick SIGKILLed just before it (the second wave runs it), and
 * members joining and leaving (no tick twice, none lost). Periods are one second and heartbeats 200 ms, so
 * each scenario takes seconds; attempts are counted from what the workers' locks were asked, not timed.
 */
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, expect, it } from 'vitest';
import { rankOf } from '../../src/scheduler/membership.js';
import { deletePrefix, ioredisClient } from '../adapters/redis/redis-clients.js';
import { describeWithRedis, REDIS_URL, randomSuffix } from '../helpers/services.js';
import { useWorkers } from '../helpers/spawn-worker.js';

const worker = resolve(import.meta.dirname, 'bounded-worker.ts');
const K = 2;

interface Noted {
  type: 'attempt' | 'start' | 'delegated';
  tick: number;
  pid: number;
  job: string;
}

describeWithRedis('bounded attempts in real processes (Redis lock)', () => {
  const redis = ioredisClient();
  const prefixes: string[] = [];
  const startWorker = useWorkers();
  afterAll(async () => {
    for (const p of prefixes) await deletePrefix(redis, p);
    redis.disconnect();
  });

  function fleet() {
    const prefix = `test:tickwork:bounded:${randomSuffix()}:`;
    prefixes.push(prefix);
    const spawnOne = () => startWorker(worker, { env: { REDIS_URL, PREFIX: prefix, CANDIDATES: String(K) } });
    const events = async () => (await redis.lrange(`${prefix}events`, 0, -1)).map((s) => JSON.parse(s) as Noted);
    return { spawnOne, events };
  }

  const byTick = (events: Noted[], type: Noted['type']) => {
    const out = new Map<number, Set<number>>();
    for (const e of events) {
      if (e.type !== type) continue;
      const pids = out.get(e.tick) ?? new Set<number>();
      pids.add(e.pid);
      out.set(e.tick, pids);
    }
    return out;
  };
  const startsPerTick = (events: Noted[]) => {
    const out = new Map<number, number>();
    for (const e of events) if (e.type === 'start') out.set(e.tick, (out.get(e.tick) ?? 0) + 1);
    return out;
  };
  const ticksBetween = (from: number, to: number) => {
    const out: number[] = [];
    for (let t = Math.ceil(from / 1000) * 1000; t <= to; t += 1000) out.push(t);
    return out;
  };

  it('six processes: at most 2K of them attempt a tick, the others skip it as delegated, each tick runs once', async () => {
    const f = fleet();
    const procs = await Promise.all(Array.from({ length: 6 }, () => f.spawnOne()));
    // Two heartbeats and a few ticks, so every view holds all six members.
    await sleep(2000);
    const from = Date.now();
    await sleep(6000);
    const to = Date.now() - 2000;
    const events = await f.events();
    const ticks = ticksBetween(from, to);
    const attempts = byTick(events, 'attempt');
    const delegated = byTick(events, 'delegated');
    const starts = startsPerTick(events);
    for (const t of ticks) {
      expect(starts.get(t), `tick ${t} starts`).toBe(1);
      const tried = attempts.get(t)?.size ?? 0;
      expect(tried, `tick ${t} attempting processes`).toBeGreaterThanOrEqual(1);
      expect(tried, `tick ${t} attempting processes`).toBeLessThanOrEqual(2 * K);
      expect((delegated.get(t)?.size ?? 0) + tried, `tick ${t} decided by every process`).toBe(procs.length);
    }
    // The first wave is exactly the K members ranked first for the tick: all of them attempted it.
    const job = events.find((e) => e.type === 'attempt')?.job ?? '';
    const pids = procs.map((c) => String(c.pid));
    for (const t of ticks) {
      const first = pids.filter((p) => rankOf(p, pids, `${job}\u0000${t}`) < K).map(Number);
      for (const p of first) expect(attempts.get(t)?.has(p), `candidate ${p} of ${t}`).toBe(true);
    }
  });

  it('the candidates of a tick SIGKILLed just before it: the second wave runs it, no tick lost or run twice', async () => {
    const f = fleet();
    const procs = await Promise.all(Array.from({ length: 6 }, () => f.spawnOne()));
    await sleep(2000);
    const from = Date.now();
    let job = '';
    for (let i = 0; i < 100 && !job; i++) {
      job = (await f.events()).find((e) => e.type === 'attempt')?.job ?? '';
      if (!job) await sleep(100);
    }
    const pids = procs.map((c) => String(c.pid));
    const target = Math.ceil((Date.now() + 2500) / 1000) * 1000;
    const doomed = procs.filter((c) => rankOf(String(c.pid), pids, `${job}\u0000${target}`) < K);
    expect(doomed).toHaveLength(K);
    await sleep(target - 300 - Date.now());
    for (const c of doomed) c.kill('SIGKILL');
    await sleep(5000);
    const to = Date.now() - 2000;
    const events = await f.events();
    const starts = startsPerTick(events);
    for (const t of ticksBetween(from, to)) expect(starts.get(t), `tick ${t} starts`).toBe(1);
    const ran = events.find((e) => e.type === 'start' && e.tick === target);
    expect(doomed.map((c) => c.pid)).not.toContain(ran?.pid);
  });

  it('members joining and leaving: no tick runs twice, none is lost', async () => {
    const f = fleet();
    const first = await Promise.all(Array.from({ length: 4 }, () => f.spawnOne()));
    await sleep(1500);
    const from = Date.now();
    await Promise.all([f.spawnOne(), f.spawnOne()]);
    await sleep(1500);
    const [leaving, killed] = first;
    const left = new Promise((r) => leaving?.once('exit', r));
    leaving?.kill('SIGTERM');
    await left;
    killed?.kill('SIGKILL');
    await sleep(1500);
    await f.spawnOne();
    await sleep(2500);
    const to = Date.now() - 2000;
    const starts = startsPerTick(await f.events());
    for (const t of ticksBetween(from, to)) expect(starts.get(t), `tick ${t} starts`).toBe(1);
  });
});
