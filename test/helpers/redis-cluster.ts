/**
 * A private Redis Cluster for tests: N masters (`redis-server --cluster-enabled yes`, no persistence) on free
 * loopback ports, joined with `redis-cli --cluster create`, torn down (processes killed, directory removed) by
 * `stop()` — also when start-up fails half way, and when the test process exits without calling `stop()`.
 * Needs `redis-server` and `redis-cli` 5 or newer on PATH: in CI a missing binary fails, elsewhere the suite
 * is skipped loudly (see {@link describeWithRedisCluster}).
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describeWithService } from './services.js';

const run = promisify(execFile);

/** The cluster bus listens on port + 10000, so a node's port must leave room for it below 65536. */
const MAX_PORT = 55_535;

function binaryMajor(binary: string): number | undefined {
  const out = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (out.status !== 0) return undefined;
  const version = /v=(\d+)\.|(\d+)\.\d+\.\d+/.exec(out.stdout);
  return Number(version?.[1] ?? version?.[2]);
}

/** Whether `redis-server` and `redis-cli` (both ≥ 5, which has `--cluster create`) are on PATH. */
export const redisClusterBinaries = [binaryMajor('redis-server'), binaryMajor('redis-cli')].every(
  (major) => major !== undefined && major >= 5,
);

/** `describe` that needs `redis-server` and `redis-cli` to start a private Redis Cluster. */
export const describeWithRedisCluster = describeWithService(
  'Redis Cluster (redis-server and redis-cli ≥ 5)',
  redisClusterBinaries,
  'PATH',
);

/** A running private cluster. */
export interface LocalRedisCluster {
  /** Loopback addresses of the masters, for a cluster client's start-up nodes. */
  readonly nodes: readonly { readonly host: string; readonly port: number }[];
  /** Kills every node and removes the directory; safe to call twice. */
  stop(): Promise<void>;
}

/** Binds 127.0.0.1:port (0 = any), closes, and resolves the port; `undefined` if it is taken. */
function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : undefined));
    });
  });
}

/** A free port below {@link MAX_PORT} whose bus port (+10000) is free too. */
async function freeNodePort(taken: ReadonlySet<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = await tryListen(0);
    if (port === undefined || port >= MAX_PORT || taken.has(port) || taken.has(port + 10_000)) continue;
    if ((await tryListen(port + 10_000)) !== undefined) return port;
  }
  throw new Error('No free loopback port pair (port, port + 10000) found');
}

const cli = async (port: number, ...args: string[]) =>
  (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 })).stdout;

/** Polls `check` every 100 ms until it resolves true; a failing check counts as false until the bound. */
async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`, { cause: last });
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts `masters` cluster nodes, creates the cluster (slots split evenly, no replicas) and resolves once
 * every node reports `cluster_state:ok` and knows every other node.
 */
export async function startRedisCluster(masters = 3): Promise<LocalRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'tickwork-cluster-'));
  const children: ChildProcess[] = [];
  const killAll = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  };
  // A test process that exits without `stop()` must not leave redis-servers or their files behind.
  const onExit = () => {
    killAll();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const exits = children
      .filter((c) => c.exitCode === null && c.signalCode === null)
      .map((c) => new Promise((r) => c.once('exit', r)));
    killAll();
    await Promise.all(exits);
    process.removeListener('exit', onExit);
    rmSync(dir, { recursive: true, force: true });
  };
  const logTail = (port: number) => {
    const log = join(dir, `redis-${port}.log`);
    return existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-8).join('\n') : '(no log)';
  };

  const startNode = async (taken: Set<number>): Promise<number> => {
    // Another process may grab the port between the probe and redis-server's bind: then try a new one.
    for (let attempt = 1; ; attempt++) {
      const port = await freeNodePort(taken);
      taken.add(port);
      const child = spawn(
        'redis-server',
        [
          ...['--port', String(port), '--bind', '127.0.0.1'],
          ...['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`)],
          ...['--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', join(dir, `redis-${port}.log`)],
        ],
        { stdio: 'ignore' },
      );
      children.push(child);
      let exited = false;
      child.once('exit', () => {
        exited = true;
      });
      try {
        await waitFor(`redis-server on port ${port}`, 15_000, async () => {
          if (exited) throw new Error(`redis-server on port ${port} exited:\n${logTail(port)}`);
          return (await cli(port, 'PING')).trim() === 'PONG';
        });
        return port;
      } catch (error) {
        if (!exited || attempt >= 3) throw error;
      }
    }
  };

  try {
    const taken = new Set<number>();
    const ports: number[] = [];
    for (let i = 0; i < masters; i++) ports.push(await startNode(taken));
    await run(
      'redis-cli',
      ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'],
      { timeout: 60_000 },
    );
    await waitFor('cluster_state:ok on every node', 60_000, async () => {
      const infos = await Promise.all(ports.map((p) => cli(p, 'CLUSTER', 'INFO')));
      return infos.every(
        (info) =>
          info.includes('cluster_state:ok') &&
          info.includes('cluster_slots_ok:16384') &&
          info.includes(`cluster_known_nodes:${masters}`),
      );
    });
    return { nodes: ports.map((port) => ({ host: '127.0.0.1', port })), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
