/**
 * Reading one job's fleet control (its paused flag, and a queued manual run taken for this instance alone), and
 * who does it when. In an interval of `controlInterval` that holds a scheduled tick of the job, the candidates of
 * the interval's first tick read it together with their acquisition (sent in the same turn of the event loop,
 * so both are in flight at once): no timer and no round trip of its own. In an interval without
 * a tick the control loop's pollers read it.
 */
import { publishLockError } from './channels.js';
import type { Track } from './dispatch.js';
import { manualPlan } from './plan.js';
import { runTick } from './run-tick.js';
import type { JobRecord, Runtime } from './runtime.js';
import { nextTick } from './ticks.js';

/**
 * Reads the job's control once and acts on it: a taken manual run starts under `track` (so `stop()` waits for
 * it); `failing` keeps the warning to one per outage.
 */
export async function pollControl(rt: Runtime, job: JobRecord, track: Track, failing: { on: boolean }): Promise<void> {
  try {
    const { paused, request } = await rt.lock.poll(job.key);
    if (paused !== undefined) job.paused = paused;
    failing.on = false;
    if (!request) return;
    if (rt.stopping.signal.aborted || job.removed.signal.aborted) {
      // Taken but not runnable here any more: queue it again for another instance.
      await rt.lock.requestRun(job.key, request);
      return;
    }
    rt.logger.info({ job: job.name, requestedBy: request.requestedBy }, 'running a requested manual run');
    void track(runTick(rt, job, manualPlan(job, request.id, rt.clock.now(), true)));
  } catch (error) {
    publishLockError(rt.instanceId, job.name, 'poll', error);
    rt.logger[failing.on ? 'debug' : 'warn']({ job: job.name, err: error }, 'could not read the job control');
    failing.on = true;
  }
}

/** Each job's last answer of its schedule: `next` is its first tick after `from`. */
const known = new WeakMap<JobRecord, { from: number; next: number | null }>();

/**
 * The job's first tick after `after`. The last answer is reused while it still holds (no tick lies between its
 * `from` and its `next`), so walking the slots of a sparse schedule costs one computation per tick, not per
 * slot.
 */
function firstTickAfter(job: JobRecord, after: number): number | null {
  const last = known.get(job);
  if (last && last.from <= after && (last.next === null || last.next > after)) return last.next;
  const next = nextTick(job.calc, after, job.name);
  known.set(job, { from: after, next });
  return next;
}

/** Whether the control interval `slot` holds a scheduled tick of the job (whose candidates then read the control). */
export function slotHasTick(rt: Runtime, job: JobRecord, slot: number): boolean {
  const first = firstTickAfter(job, slot * rt.controlIntervalMs - 1);
  return first !== null && first < (slot + 1) * rt.controlIntervalMs;
}

/** Whether `tick` is the first scheduled tick of its control interval, `previous` being the tick before it. */
export function firstOfSlot(rt: Runtime, previous: number, tick: number): boolean {
  return Math.floor(previous / rt.controlIntervalMs) < Math.floor(tick / rt.controlIntervalMs);
}
