/**
 * Fleet control: every `controlInterval` each job's control is read from the lock in one call (its paused
 * flag, and a queued manual run taken for this instance alone). The paused flag read here is only shown by
 * `jobs()`; the lock itself refuses paused ticks at acquisition, so a pause holds on every instance at once.
 */
import { publishLockError } from './channels.js';
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

/** Polls until the scheduler stops. */
export async function controlLoop(c: ControlLoop): Promise<void> {
  const { rt } = c;
  const stop = rt.stopping.signal;
  let failing = false;
  while (!stop.aborted) {
    await Promise.all(
      [...c.jobs()].map(async (job) => {
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
