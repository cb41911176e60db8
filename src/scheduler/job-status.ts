/** `scheduler.jobs()`: one job's fleet state from one lock call, with its next ticks computed here. */

import type { JobRecord, Runtime } from './runtime.js';
import { nextTick, tickIdOf } from './ticks.js';
import type { JobStatus, RunningTick } from './types.js';

/** The next (up to `count`) ticks of `job` after `fromMs`; none for a job whose next tick does not advance. */
export function nextRunsOf(job: JobRecord, fromMs: number, count = 5): Date[] {
  const runs: Date[] = [];
  try {
    let t = fromMs;
    for (let i = 0; i < count; i++) {
      const n = nextTick(job.calc, t, job.name);
      if (n === null) break;
      runs.push(new Date(n));
      t = n;
    }
  } catch {
    // A job whose next tick does not advance reports its error in its status, with no next runs.
  }
  return runs;
}

/** The tick id of a lock tick key: UTC milliseconds, or `manual-<uuid>`. */
export function tickIdOfKey(name: string, tick: string): string {
  return tick.startsWith('manual-') ? `${name}@manual:${tick.slice('manual-'.length)}` : tickIdOf(name, Number(tick));
}

/** The fleet status of `job`: paused, running where, last outcome, next ticks, schedule. */
export async function jobStatus(rt: Runtime, job: JobRecord): Promise<JobStatus> {
  const fleet = await rt.lock.status(job.key);
  job.paused = fleet.paused;
  const running: RunningTick[] = fleet.running.map((r) => ({
    instanceId: r.instanceId,
    tickId: tickIdOfKey(job.name, r.tick),
    leaseTtlMs: r.ttlMs,
  }));
  const status: JobStatus = {
    name: job.name,
    key: job.key,
    schedule: 'every' in job.schedule ? { every: job.schedule.every } : { cron: job.schedule.cron },
    timezone: job.timezone,
    paused: fleet.paused,
    running,
    pendingTriggers: fleet.pendingRequests,
    nextRuns: nextRunsOf(job, Math.max(job.cursor, rt.clock.now())),
    lastRun: fleet.last,
    lastRunHere: job.lastRun,
  };
  if (job.error !== undefined) status.error = job.error;
  return status;
}
