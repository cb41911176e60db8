/**
 * The Redis lock on a private 3-master Redis Cluster started by the test: the conformance suite through an
 * ioredis `Cluster` and a node-redis `createCluster()` client, every key of a job in one slot on one node,
 * every script call sent straight to its slot's master, the start-up check, and a fleet of real processes
 * with one SIGKILLed mid-run. The fleet runs with `overlap: 'allow'`; FLEET_OVERLAP=skip runs it with the
 * default instead.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Cluster, Redis } from 'ioredis';
import { createCluster } from 'redis';
import { lockConformance } from 'tickwork/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { redisLock } from '../../../adapters/redis/lock.js';
import type { LockAdapter } from '../../../src/scheduler/lock-adapter.js';
import type { Logger } from '../../../src/types.js';
import { describeWithRedisCluster, type LocalRedisCluster, startRedisCluster } from '../../helpers/redis-cluster.js';
import { randomSuffix } from '../../helpers/services.js';
import type { FleetMessage } from './cluster-fleet-worker.js';

const prefix = `test:tickwork:cluster:${randomSuffix()}:`;
const worker = resolve(import.meta.dirname, 'cluster-fleet-worker.ts');
const PROCESSES = 4;
const LEASE_TTL = 1500;
const WORK_MS = 300;
const OVERLAP = process.env.FLEET_OVERLAP ?? 'allow';

type RunRecord = Extract<FleetMessage, { type: 'run' }>;

type NodeRedisCluster = ReturnType<typeof createCluster>;

/** `CLUSTER SLOTS` as a slot → owning master's port lookup. */
async function slotOwners(client: Cluster): Promise<(slot: number) => number> {
  const ranges = (await client.call('CLUSTER', 'SLOTS')) as [number, number, [string, number, ...unknown[]]][];
  return (slot) => {
    const range = ranges.find(([from, to]) => slot >= from && slot <= to);
    if (!range) throw new Error(`slot ${slot} has no owner`);
    return Number(range[2][1]);
  };
}

/** Sum of `rejected_calls` (MOVED/ASK redirections) of EVAL and EVALSHA over `INFO commandstats`. */
function rejectedScriptCalls(commandstats: string): number {
  let sum = 0;
  for (const m of commandstats.matchAll(/^cmdstat_(?:evalsha|eval):.*?rejected_calls=(\d+)/gm)) sum += Number(m[1]);
  return sum;
}

function byTick(records: RunRecord[]): Map<number, RunRecord[]> {
  const map = new Map<number, RunRecord[]>();
  for (const r of records) map.set(r.tick, [...(map.get(r.tick) ?? []), r]);
  return map;
}

/** A logger that keeps every line. */
function recordingLogger() {
  const lines: { level: keyof Logger; fields: Record<string, unknown>; message: string }[] = [];
  const at =
    (level: keyof Logger) =>
    (fields: Record<string, unknown>, message: string): void =>
      void lines.push({ level, fields, message });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { lines, logger, warnings: () => lines.filter((l) => l.level === 'warn') };
}

describeWithRedisCluster('redisLock on a 3-master Redis Cluster', () => {
  let cluster: LocalRedisCluster;
  let io: Cluster;
  let node: NodeRedisCluster;
  let nodeClients: Redis[] = [];
  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    io = new Cluster([...cluster.nodes], { redisOptions: { maxRetriesPerRequest: 1 } });
    node = createCluster({ rootNodes: cluster.nodes.map((n) => ({ url: `redis://${n.host}:${n.port}` })) });
    node.on('error', () => {});
    await node.connect();
    // One plain client per node, to look at each node on its own.
    nodeClients = cluster.nodes.map((n) => new Redis(n.port, n.host, { maxRetriesPerRequest: 1 }));
  });
  afterAll(async () => {
    io?.disconnect();
    for (const c of nodeClients) c.disconnect();
    await node?.close().catch(() => {});
    await cluster?.stop();
  });

  describe('conformance with an ioredis Cluster client', () => {
    lockConformance((bounds) => redisLock({ client: io, prefix, ...bounds }));
  });

  describe('conformance with a node-redis cluster client', () => {
    lockConformance((bounds) => redisLock({ client: node, prefix, ...bounds }));
  });

  it('keeps every key of a job in one slot on one node, for jobs on every master', async () => {
    const owner = await slotOwners(io);
    // Pick job names until each of the three masters owns at least one of them.
    const jobs = new Map<number, string>();
    for (let i = 0; jobs.size < 3 && i < 1000; i++) {
      const job = `slot-${randomSuffix()}`;
      const slot = Number(await io.call('CLUSTER', 'KEYSLOT', `{${job}}`));
      if (!jobs.has(owner(slot))) jobs.set(owner(slot), job);
    }
    expect(jobs.size).toBe(3);
    for (const [port, job] of jobs) {
      const lock: LockAdapter = redisLock({ client: io, prefix });
      const r = {
        job,
        tick: '1000',
        tickMs: 1000,
        token: 't',
        ttlMs: 5000,
        earlyToleranceMs: null,
        maxLateMs: null,
        kind: 'scheduled',
        exclusive: true,
        atMostOnce: false,
        retentionMs: 60_000,
      } as const;
      const a = await lock.acquire(r);
      if (!a.acquired) throw new Error(`refused: ${a.reason}`);
      await lock.complete({
        ...r,
        outcome: { status: 'succeeded', fence: a.fence, at: 1 },
        advanceHighWaterMark: true,
      });
      await lock.acquire({ ...r, tick: '2000', tickMs: 2000 });
      const perNode = await Promise.all(nodeClients.map((c) => c.keys(`${prefix}{${job}}*`)));
      const holders = cluster.nodes.filter((_, i) => (perNode[i]?.length ?? 0) > 0).map((n) => n.port);
      expect(holders).toEqual([port]);
      const keys = perNode.flat();
      // The two tick keys (the done tick and the running one), the job's state hash, running.
      expect(keys.length).toBeGreaterThanOrEqual(4);
      const slots = new Set(await Promise.all(keys.map((k) => io.call('CLUSTER', 'KEYSLOT', k))));
      expect(slots.size).toBe(1);
    }
  });

  it('sends every script call straight to the master of its slot: no MOVED redirection', async () => {
    const stats = async () =>
      Promise.all(nodeClients.map(async (c) => rejectedScriptCalls(String(await c.call('INFO', 'commandstats')))));
    // Both clients ran the conformance suite above; a misrouted EVALSHA would have been redirected (and
    // counted) before ioredis or node-redis followed the MOVED reply.
    expect(await stats()).toEqual([0, 0, 0]);
    // The counter does count a misrouted call: send one to a node that does not own the key.
    const owner = await slotOwners(io);
    const key = `${prefix}{moved}`;
    const slot = Number(await io.call('CLUSTER', 'KEYSLOT', key));
    const misrouted = cluster.nodes.findIndex((n) => n.port !== owner(slot));
    await expect(nodeClients[misrouted]?.call('EVAL', 'return 1', 1, key)).rejects.toThrow(/MOVED/);
    expect((await stats()).reduce((a, b) => a + b)).toBe(1);
  });

  describe('start-up check (what scheduler.start() runs through lock.prepare())', () => {
    it('waits for an ioredis Cluster that is still connecting; a healthy cluster passes quietly', async () => {
      // With the offline queue off, the cluster client refuses commands until it has loaded the slot map.
      const late = new Cluster([...cluster.nodes], {
        enableOfflineQueue: false,
        redisOptions: { maxRetriesPerRequest: 1 },
      });
      try {
        for (const client of [late, node]) {
          const { logger, warnings } = recordingLogger();
          await expect(redisLock({ client, prefix }).prepare?.({ logger })).resolves.toBeUndefined();
          expect(warnings()).toEqual([]);
        }
      } finally {
        late.disconnect();
      }
    });

    it('reads maxmemory-policy on every master and names the node that can evict lock keys', async () => {
      const target = cluster.nodes[2];
      const admin = nodeClients[2];
      if (!target || !admin) throw new Error('three nodes expected');
      await admin.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
      try {
        for (const client of [io, node]) {
          const { logger, warnings } = recordingLogger();
          await redisLock({ client, prefix }).prepare?.({ logger });
          expect(warnings()).toHaveLength(1);
          expect(warnings()[0]?.fields).toEqual({ maxmemoryPolicy: 'allkeys-lru', node: `127.0.0.1:${target.port}` });
          expect(warnings()[0]?.message).toContain(`on 127.0.0.1:${target.port} is "allkeys-lru"`);
        }
      } finally {
        await admin.call('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
      }
    });

    it('refuses a cluster with one master too old for the scripts, naming it', async () => {
      const old = cluster.nodes[1];
      if (!old) throw new Error('three nodes expected');
      // The real cluster client, with one master answering INFO the way Redis 4 does.
      const client = {
        call: (command: string, ...args: (string | number)[]) => io.call(command, ...args),
        nodes: (role: 'master') =>
          io.nodes(role).map((n) =>
            n.options.port !== old.port
              ? n
              : {
                  options: n.options,
                  call: (command: string, ...args: (string | number)[]) =>
                    command === 'INFO'
                      ? Promise.resolve('# Server\r\nredis_version:4.0.14\r\n')
                      : n.call(command, ...args),
                },
          ),
      };
      const { logger } = recordingLogger();
      const error = await redisLock({ client, prefix })
        .prepare?.({ logger })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'UNAVAILABLE',
        message: `Redis 4.0.14 on 127.0.0.1:${old.port} is too old for the lock: it needs Redis 5 or newer`,
        details: { version: '4.0.14', node: `127.0.0.1:${old.port}` },
      });
    });
  });

  it(`${PROCESSES} processes on a per-second job, one SIGKILLed mid-run: no tick twice, none lost, takeover`, async () => {
    const records: RunRecord[] = [];
    const children: ChildProcess[] = [];
    let ready = 0;
    let armed = false;
    let victim: RunRecord | undefined;
    for (let i = 0; i < PROCESSES; i++) {
      const child = spawn(process.execPath, ['--import', 'tsx', worker], {
        env: {
          ...process.env,
          CLUSTER_NODES: cluster.nodes.map((n) => `${n.host}:${n.port}`).join(','),
          PREFIX: `${prefix}fleet:`,
          JOB: 'every-second',
          LEASE_TTL: String(LEASE_TTL),
          WORK_MS: String(WORK_MS),
          OVERLAP,
        },
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      child.on('message', (m: FleetMessage) => {
        if (m.type === 'ready') {
          ready++;
          return;
        }
        records.push(m);
        // Kill the first process seen starting a run once armed: it dies holding that tick's lease.
        if (armed && !victim && m.phase === 'start') {
          victim = m;
          child.kill('SIGKILL');
        }
      });
      children.push(child);
    }
    const alive = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;
    try {
      await vi.waitUntil(() => ready === PROCESSES, { timeout: 60_000, interval: 20 });
      const readyAt = Date.now();
      // Let the fleet settle into its rhythm for two ticks before the kill.
      await sleep(2000);
      armed = true;
      await vi.waitUntil(() => victim, { timeout: 10_000, interval: 5 });
      const killed = victim as RunRecord;
      // Another process finishes the killed tick once its lease has expired.
      await vi.waitUntil(
        () => records.some((r) => r.tick === killed.tick && r.pid !== killed.pid && r.phase === 'end'),
        { timeout: 30_000, interval: 20 },
      );
      // Run on to ~10 s in all, and at least 3 more ticks after the takeover.
      await sleep(Math.max(3000, readyAt + 10_000 - Date.now()));
      const stopAt = Date.now();
      const survivors = children.filter(alive);
      const exits = survivors.map((c) => new Promise((r) => c.once('exit', r)));
      for (const c of survivors) c.kill('SIGTERM');
      await Promise.all(exits);

      const starts = records.filter((r) => r.phase === 'start');
      const startsByTick = byTick(starts);
      const endsByTick = byTick(records.filter((r) => r.phase === 'end'));
      const from = Math.ceil((readyAt + 1000) / 1000) * 1000;
      const to = Math.floor((stopAt - 2000) / 1000) * 1000;
      expect(to - from).toBeGreaterThanOrEqual(6000);
      const lost: number[] = [];
      for (let t = from; t <= to; t += 1000) if (!endsByTick.has(t)) lost.push(t);
      expect(lost).toEqual([]);
      expect([...endsByTick].filter(([, ends]) => ends.length > 1)).toEqual([]);
      // Only the killed tick started twice; its second start came from another process with a higher fence.
      expect([...startsByTick].filter(([t, s]) => s.length > 1 && t !== killed.tick)).toEqual([]);
      const takeover = startsByTick.get(killed.tick)?.find((r) => r.pid !== killed.pid);
      expect(takeover?.fence).toBeGreaterThan(killed.fence);
      expect(endsByTick.get(killed.tick)?.map((r) => r.pid)).toEqual([takeover?.pid]);
      const fences = starts.map((r) => r.fence);
      expect(new Set(fences).size).toBe(fences.length);
      console.info(
        `cluster fleet: ${endsByTick.size} ticks ran once each; the killed tick was taken over ` +
          `${(takeover?.at ?? 0) - killed.at} ms after its start (lease ttl ${LEASE_TTL} ms, overlap ${OVERLAP})`,
      );
    } finally {
      for (const c of children) if (alive(c)) c.kill('SIGKILL');
    }
  }, 120_000);
});
