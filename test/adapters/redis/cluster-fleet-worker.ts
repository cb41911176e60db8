/**
 * One scheduler process for the Redis Cluster fleet test: an every-second job on the Redis lock through an
 * ioredis `Cluster` client. Every start and end is sent to the parent over IPC (not stored in the cluster
 * under test). Stops gracefully on SIGTERM.
 * Env: CLUSTER_NODES (`host:port,host:port,…`), PREFIX, JOB, LEASE_TTL, WORK_MS, OVERLAP (`skip` | `allow`).
 */
import { Cluster } from 'ioredis';
import { redisLock } from '../../../adapters/redis/lock.js';
import { createScheduler } from '../../../src/scheduler/index.js';
import { requiredEnv as env, exitOnSigterm } from '../../helpers/worker-env.js';

/** One message to the parent: a run's start or end, or `ready` once the scheduler has started. */
export type FleetMessage =
  | { readonly type: 'ready'; readonly pid: number }
  | {
      readonly type: 'run';
      readonly phase: 'start' | 'end';
      readonly tick: number;
      readonly fence: number;
      readonly pid: number;
      readonly at: number;
    };

const send = (message: FleetMessage) =>
  new Promise<void>((resolve, reject) => {
    if (!process.send) throw new Error('cluster-fleet-worker must be spawned with an IPC channel');
    process.send(message, (error: Error | null) => (error ? reject(error) : resolve()));
  });

const nodes = env('CLUSTER_NODES')
  .split(',')
  .map((address) => {
    const [host = '', port = ''] = address.split(':');
    return { host, port: Number(port) };
  });
// Fail fast while disconnected, as the adapter guide recommends: a tick is skipped rather than queued.
const client = new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: 1 } });
const workMs = Number(env('WORK_MS'));
const overlap = env('OVERLAP');
if (overlap !== 'skip' && overlap !== 'allow') throw new Error(`OVERLAP must be skip or allow, was ${overlap}`);

const scheduler = createScheduler({
  lock: redisLock({ client, prefix: env('PREFIX') }),
  instanceId: String(process.pid),
});
scheduler.add({
  name: env('JOB'),
  every: 1000,
  leaseTtl: Number(env('LEASE_TTL')),
  overlap,
  run: async ({ tick, fence, signal }) => {
    const record = (phase: 'start' | 'end') =>
      send({ type: 'run', phase, tick: +tick, fence, pid: process.pid, at: Date.now() });
    await record('start');
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, workMs);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason);
      });
    });
    await record('end');
  },
});

exitOnSigterm(scheduler, 3000, () => client.disconnect());

await scheduler.start();
await send({ type: 'ready', pid: process.pid });
