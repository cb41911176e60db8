/**
 * A job's timer loop: at start the ticks missed since the lock's cursor go to the catch-up policy, then each
 * tick is slept to and dispatched (run on time, caught up, or reported missed after a late wake-up).
 */
import { publishLockError } from './channels.js';
import { firstOfSlot, pollControl } from './control-poll.js';
import { dispatchDue, type Track } from './dispatch.js';
import { waveOf } from './membership.js';
import { scheduledPlan, takeoverPlan } from './plan.js';
import { runTick } from './run-tick.js';
import type { JobRecord, Runtime } from './runtime.js';
import { delay, sleepUntil } from './sleep.js';
import { nextTick } from './ticks.js';

/** A job's loop ends when the scheduler stops or the job is removed. */
export function loopSignal(rt: Runtime, job: JobRecord): AbortSignal {
  return AbortSignal.any([rt.stopping.signal, job.removed.signal]);
}

/**
 * The lock's cursor (newest tick the fleet claimed) decides what was missed while no instance ran the job; a
 * lock that does not answer yet is asked again, so catch-up is never silently dropped. `undefined` when the
 * loop was stopped while waiting.
 */
async function lockCursor(rt: Runtime, job: JobRecord): Promise<number | null | undefined> {
  let wait = 100;
  for (;;) {
    try {
      return (await rt.lock.state(job.key)).cursor;
    } catch (error) {
      publishLockError(rt.instanceId, job.name, 'state', error);
      const level = wait === 100 ? 'warn' : 'debug';
      rt.logger[level]({ job: job.name, err: error }, 'could not read the lock cursor; catch-up waits for the lock');
      if (!(await delay(wait, loopSignal(rt, job), rt.unref))) return undefined;
      wait = Math.min(wait * 2, 5000);
    }
  }
}

/** Runs the job's timer loop until the scheduler stops or the job is removed; errors stop only this job. */
export async function jobLoop(rt: Runtime, job: JobRecord, track: Track): Promise<void> {
  const stop = loopSignal(rt, job);
  const pollFailing = { on: false };
  try {
    const startedAt = rt.clock.now();
    job.cursor = startedAt;
    const cursor = await lockCursor(rt, job);
    if (cursor === undefined) return;
    // The tick at the cursor was claimed before this instance started. If its holder died or froze, the instances
    // that could have taken it over may be gone (a rolling restart): one acquisition takes it over once the lease
    // has expired, waits while it is held, and is refused without a word once the tick is done or superseded.
    if (cursor !== null && cursor <= startedAt) {
      void track(runTick(rt, job, takeoverPlan(job, cursor, startedAt)));
      // Ticks after it passed while no instance ran them: all of them go to the catch-up policy.
      if (cursor < startedAt) await dispatchDue(rt, job, track, cursor, startedAt, -1);
    }
    job.cursor = Math.max(job.cursor, startedAt);
    // Planning an on-time tick computes the tick after it, which is the next one to sleep to: kept, so each
    // tick costs one schedule computation (a cron pattern's is the loop's largest piece of work), not two.
    let aheadFrom = Number.NaN;
    let ahead: number | null = null;
    while (!stop.aborted) {
      const next: number | null = aheadFrom === job.cursor ? ahead : nextTick(job.calc, job.cursor, job.name);
      if (next === null) {
        rt.logger.info({ job: job.name }, 'the pattern has no further ticks; the job is done');
        return;
      }
      if (!(await sleepUntil(rt.clock, next, stop, rt.unref))) return;
      const now = rt.clock.now();
      // The common case, one tick due and on time: `next` is the only tick in (cursor, now] when the tick
      // after it is still ahead, which is what dueTicks would find by walking back; this skips the walk.
      const after: number | null | undefined =
        now - next <= rt.lateness ? nextTick(job.calc, next, job.name) : undefined;
      if (after === null || (after !== undefined && after > now)) {
        const previous = job.cursor;
        job.cursor = next;
        aheadFrom = next;
        ahead = after;
        const plan = scheduledPlan(job, next, false, now, after);
        void track(runTick(rt, job, plan));
        // The first tick of a control interval: its candidates read the job's control, in the same turn as
        // their acquisition (both in flight at once), and the control loop leaves the interval alone.
        // Tracked: `stop()` waits for it, so a request taken while stopping is queued again before it resolves.
        if (firstOfSlot(rt, previous, next) && waveOf(rt.bounded, rt.instanceId, job.key, plan.key) === 'now') {
          void track(pollControl(rt, job, track, pollFailing));
        }
      } else {
        await dispatchDue(rt, job, track, job.cursor, now, rt.lateness);
      }
    }
  } catch (error) {
    job.error = error;
    rt.events.emit('job:error', { name: job.name, instanceId: rt.instanceId, error });
    rt.logger.error({ job: job.name, err: error }, 'job stopped scheduling');
  }
}
