/**
 * Fleet control: every `controlInterval` each job's control is read from the lock in one call (its paused
 * flag, and a queued manual run taken for this instance alone). The paused flag read here is only shown by
 * `jobs()`; the lock itself refuses paused ticks at acquisition, so a pause holds on every instance at once.
 *
 * With bounded attempts the loop also sends each job's membership heartbeat every `heartbeatInterval`, and
 * only the job's `candidates` top-ranked members of the current interval read its queue: a request is taken
 * within an interval or two however large the fleet, for a bounded number of lock calls.
 */
import { publishLockError } from './channels.js';
import { keepView, waveOf } from './membership.js';
import { manualPlan } from './plan.js';
import type { JobRecord, Runtime } from './runtime.js';
import { delay } from './sleep.js';

/** What the loop needs from the scheduler. */
export interface ControlLoop {
  readonly rt: Runtime;
  /** The jobs of this scheduler now (jobs come and go). */
  readonly jobs: () => Iterable<JobRecord>;
  /** Milliseconds between two polls of each job. */
  readonly intervalMs: number;
  /** Runs a taken manual request (tracked, so `stop()` waits for it). */
  readonly runManual: (job: JobRecord, plan: ReturnType<typeof manualPlan>) => void;
}

/**
 * Sends the job's heartbeat (the caller checks that one is due); a failure keeps the old view, which expires after its TTL. The
 * heartbeat also measures this instance's clock against the lock's: an instance out of sync sends a zero TTL
 * (it leaves at once), and one that comes back in sync beats again at once to rejoin.
 */
async function heartbeat(rt: Runtime, job: JobRecord, due: Map<string, number>): Promise<void> {
  const bounded = rt.bounded;
  const members = rt.lock.members?.bind(rt.lock);
  if (!bounded || !members) return;
  due.set(job.key, performance.now() + bounded.heartbeatMs);
  let inSync = false;
  const beat = async (ttlMs: number) => {
    const before = rt.clock.now();
    const view = await members({ job: job.key, instanceId: rt.instanceId, ttlMs });
    inSync = Math.abs((before + rt.clock.now()) / 2 - view.serverTime) <= bounded.skewBoundMs;
    return view;
  };
  try {
    let view = await beat(bounded.inSync ? bounded.ttlMs : 0);
    if (inSync !== bounded.inSync) view = await beat(inSync ? bounded.ttlMs : 0);
    bounded.inSync = inSync;
    keepView(bounded, job.key, view);
  } catch (error) {
    publishLockError(rt.instanceId, job.name, 'members', error);
    rt.logger.debug({ job: job.name, err: error }, 'could not send the membership heartbeat');
  }
}

/** Polls until the scheduler stops. */
export async function controlLoop(c: ControlLoop): Promise<void> {
  const { rt } = c;
  const stop = rt.stopping.signal;
  const beats = new Map<string, number>();
  let failing = false;
  while (!stop.aborted) {
    const slot = String(Math.floor(rt.clock.now() / c.intervalMs));
    await Promise.all(
      [...c.jobs()].map(async (job) => {
        if (rt.bounded && performance.now() >= (beats.get(job.key) ?? Number.NEGATIVE_INFINITY)) {
          await heartbeat(rt, job, beats);
        }
        // The interval's pollers are ranked like a tick's candidates (the second wave does not poll).
        if (waveOf(rt.bounded, rt.instanceId, job.key, `control:${slot}`) !== 'now') return;
        try {
          const { paused, request } = await rt.lock.poll(job.key);
          if (paused !== undefined) job.paused = paused;
          failing = false;
          if (!request) return;
          if (stop.aborted || job.removed.signal.aborted) {
            // Taken but not runnable here any more: queue it again for another instance.
            await rt.lock.requestRun(job.key, request);
            return;
          }
          rt.logger.info({ job: job.name, requestedBy: request.requestedBy }, 'running a requested manual run');
          c.runManual(job, manualPlan(job, request.id, rt.clock.now(), true));
        } catch (error) {
          publishLockError(rt.instanceId, job.name, 'poll', error);
          rt.logger[failing ? 'debug' : 'warn']({ job: job.name, err: error }, 'could not read the job control');
          failing = true;
        }
      }),
    );
    if (!(await delay(c.intervalMs, stop, rt.unref))) return;
  }
}
