/**
 * One scheduler process for the PostgreSQL real-process test: an every-second job on the PostgreSQL lock that
 * records each start and end in the table `fleet_runs` of the test's schema. Stops gracefully on SIGTERM.
 * Env: DATABASE_URL, SCHEMA, JOB, LEASE_TTL, WORK_MS.
 */
import pg from 'pg';
import { postgresLock } from '../../adapters/postgres/lock.js';
import { createScheduler } from '../../src/scheduler/index.js';
import { requiredEnv as env, exitOnSigterm } from '../helpers/worker-env.js';
import { serveControl } from './worker-control.js';

const db = new pg.Pool({
  connectionString: env('DATABASE_URL'),
  max: 4,
  options: `-c search_path=${env('SCHEMA')}`,
  connectionTimeoutMillis: 5000,
});
db.on('error', () => {});
const workMs = Number(env('WORK_MS'));

const scheduler = createScheduler({ lock: postgresLock({ db }), instanceId: String(process.pid) });
scheduler.add({
  name: env('JOB'),
  every: 1000,
  leaseTtl: Number(env('LEASE_TTL')),
  overlap: 'allow',
  run: async ({ tick, fence, signal }) => {
    const record = (phase: string) =>
      db.query('INSERT INTO fleet_runs (tick, fence, pid, phase, at) VALUES ($1, $2, $3, $4, $5)', [
        +tick,
        fence,
        process.pid,
        phase,
        Date.now(),
      ]);
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

exitOnSigterm(scheduler, 3000, () => db.end());

serveControl(scheduler, env('JOB'));
await scheduler.start();
process.stdout.write('ready\n');
