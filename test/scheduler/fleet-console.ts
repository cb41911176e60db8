/**
 * The fleet console in real processes, shared by the Redis and PostgreSQL process tests: two fleet workers
 * (spawned with an IPC channel, see `worker-control.ts`) run one every-second job; pause in one makes the
 * other skip with `paused`, resume runs it again, a trigger runs exactly once in the fleet, and the history
 * read from either process shows both processes' runs.
 */
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import type { JobStatus, RunRecord } from '../../src/scheduler/index.js';
import { startWorker, stopWorkers } from '../helpers/spawn-worker.js';
import { until } from './helpers.js';
import type { ControlCommand, WorkerReport } from './worker-control.js';

/** A fleet worker the test can command. */
export interface ConsoleWorker {
  readonly instanceId: string;
  readonly reports: WorkerReport[];
  call(op: ControlCommand['op'], limit?: number): Promise<unknown>;
}

let nextId = 0;

/** Wraps a worker spawned with `stdio: [..., 'ipc']`. */
export function consoleWorker(child: ChildProcess): ConsoleWorker {
  const reports: WorkerReport[] = [];
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (message: WorkerReport) => {
    if (message.type !== 'reply') return void reports.push(message);
    const pending = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error !== undefined) pending?.reject(new Error(message.error));
    else pending?.resolve(message.value);
  });
  return {
    instanceId: String(child.pid),
    reports,
    call(op, limit = 100) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        child.send(op === 'history' ? { id, op, limit } : { id, op });
      });
    },
  };
}

/**
 * Spawns two fleet workers (`worker`, with `env` added) with an IPC channel, and waits until both are ready.
 * `children` gets them at once, so the caller's cleanup kills them even if they never get ready.
 */
export async function spawnConsolePair(
  worker: string,
  env: Record<string, string>,
  children: ChildProcess[],
): Promise<{ a: ConsoleWorker; b: ConsoleWorker; stop(): Promise<void> }> {
  const spawned = await Promise.all(
    [0, 1].map(() => startWorker(worker, { env, ipc: true }, (child) => children.push(child))),
  );
  const [a, b] = spawned.map(consoleWorker);
  if (!a || !b) throw new Error('two workers expected');
  return {
    a,
    b,
    stop: () => stopWorkers(spawned),
  };
}

const tickOf = (tickId: string) => Date.parse(tickId.slice(tickId.indexOf('@') + 1));
const ended = (workers: ConsoleWorker[]) =>
  workers.flatMap((w) => w.reports.flatMap((r) => (r.type === 'ended' ? [{ ...r, by: w.instanceId }] : [])));

/** Runs the scenario on two ready workers of one job; every wait is on a condition, bounded generously. */
export async function fleetConsoleScenario(a: ConsoleWorker, b: ConsoleWorker): Promise<void> {
  const both = [a, b];
  // A run on each instance, so the history has both for sure.
  for (const w of both) expect(await w.call('trigger-here')).toMatchObject({ outcome: 'succeeded' });

  // Pause in A: B skips its next ticks with `paused`, and no tick after the pause runs anywhere.
  await a.call('pause');
  const pausedAt = Date.now();
  await until(
    () => b.reports.some((r) => r.type === 'skipped' && r.reason === 'paused' && tickOf(r.tickId) > pausedAt),
    20_000,
    'B to skip a tick with reason paused',
  );
  await until(() => a.reports.some((r) => r.type === 'skipped' && r.reason === 'paused'), 20_000, 'A to skip too');
  await sleep(3000);
  const [bJobs] = (await b.call('jobs')) as JobStatus[];
  expect(bJobs?.paused).toBe(true);

  // Resume in B: ticks run again.
  await b.call('resume');
  const resumedAt = Date.now();
  const runsWhilePaused = ended(both).filter(
    (r) => !r.tickId.includes('@manual:') && tickOf(r.tickId) >= pausedAt + 1000 && tickOf(r.tickId) < resumedAt - 1500,
  );
  expect(runsWhilePaused).toEqual([]);
  await until(
    () => ended(both).some((r) => !r.tickId.includes('@manual:') && tickOf(r.tickId) > resumedAt),
    20_000,
    'a scheduled run after resume',
  );

  // Trigger in A: one instance of the fleet runs it, once.
  const { tickId } = (await a.call('trigger')) as { tickId: string };
  expect(tickId).toMatch(/@manual:[0-9a-f-]{36}$/);
  await until(() => ended(both).some((r) => r.tickId === tickId), 20_000, 'the triggered run');
  const endedAt = Date.now();
  await until(
    () => ended(both).some((r) => !r.tickId.includes('@manual:') && tickOf(r.tickId) > endedAt + 1000),
    20_000,
    'two more ticks after the triggered run',
  );
  expect(ended(both).filter((r) => r.tickId === tickId)).toHaveLength(1);

  // The history, read from B, has both instances' runs, the paused skips once per tick and the trigger once.
  const history = (await b.call('history', 200)) as RunRecord[];
  const instances = new Set(history.filter((h) => h.outcome === 'succeeded').map((h) => h.instanceId));
  expect(instances).toEqual(new Set([a.instanceId, b.instanceId]));
  const skips = history.filter((h) => h.outcome === 'skipped');
  expect(skips.length).toBeGreaterThan(0);
  expect(skips.every((h) => h.reason === 'paused')).toBe(true);
  expect(new Set(skips.map((h) => h.tickId)).size).toBe(skips.length);
  expect(history.filter((h) => h.tickId === tickId)).toEqual([
    expect.objectContaining({ outcome: 'succeeded', manual: true, attempts: 1 }),
  ]);
  const ends = history.map((h) => h.endedAt);
  expect(ends).toEqual([...ends].sort((x, y) => y - x));
  const [aJobs] = (await a.call('jobs')) as JobStatus[];
  expect(aJobs).toMatchObject({ paused: false, schedule: { every: 1000 }, timezone: 'UTC' });
  expect(aJobs?.lastRun).not.toBeNull();
}
