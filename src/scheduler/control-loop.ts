/**
 * Fleet control: each job's control is read from the lock in one call (its paused flag, and a queued manual run
 * taken for this instance alone), once per `controlInterval` slot: by the candidates of the slot's first tick
 * when it holds one (see `control-poll.ts`), otherwise here, by the slot's pollers. The paused flag read here is
 * only shown by `jobs()`; the lock itself refuses paused ticks at acquisition, so a pause holds on every
 * instance at once.
 *
 * With bounded attempts the loop also sends each job's membership heartbeat every `heartbeatInterval`, and only
 * the job's `candidates` top-ranked members of a slot read its queue: a request is taken within an interval or
 * two however large the fleet, for a bounded number of lock calls. An instance sleeps until the next slot it
 * polls in (or the next heartbeat), not through every slot: an idle member of a large fleet wakes a few times
 * per heartbeat, not every interval.
 */
import { publishLockError } from './channels.js';
import { pollControl, slotHasTick } from './control-poll.js';
import type { Track } from './dispatch.js';
import { keepView, waveOf } from './membership.js';
import type { JobRecord, Runtime } from './runtime.js';
import { delay } from './sleep.js';

/** What the loop needs from the scheduler. */
export interface ControlLoop {
  readonly rt: Runtime;
  /** The jobs of this scheduler now (jobs come and go). */
  readonly jobs: () => Iterable<JobRecord>;
  /** Tracks a taken manual run, so `stop()` waits for it. */
  readonly track: Track;
  /** Set by the loop: ends its sleep at once, or skips the next one (the scheduler calls it when a job is added). */
  wake?: () => void;
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

/**
 * Leaves the membership of `jobs` (a zero-TTL heartbeat each), so the rest of the fleet stops ranking this
 * instance at its next heartbeat rather than after the heartbeat TTL; until then the ticks it ranks first wait
 * for the second wave. Never rejects: a failure only leaves the membership to expire.
 */
export async function leaveMembership(rt: Runtime, jobs: Iterable<JobRecord>): Promise<void> {
  const members = rt.lock.members?.bind(rt.lock);
  if (!rt.bounded || !members) return;
  await Promise.allSettled([...jobs].map((job) => members({ job: job.key, instanceId: rt.instanceId, ttlMs: 0 })));
}

/**
 * Whether this instance reads the job's queue in `slot`: not in a slot that holds a tick of the job (its
 * candidates read it), otherwise when ranked among the slot's pollers like a tick's candidates (the second wave
 * does not poll).
 */
function pollsIn(rt: Runtime, job: JobRecord, slot: number): boolean {
  return !slotHasTick(rt, job, slot) && waveOf(rt.bounded, rt.instanceId, job.key, `control:${slot}`) === 'now';
}

/**
 * The first slot from `from` in which this instance polls the job, looking no further than `horizon` slots
 * ahead (the view it ranks on is refreshed by then; the loop looks again at the horizon).
 */
function nextPollSlot(rt: Runtime, job: JobRecord, from: number, horizon: number): number {
  for (let slot = from; slot < from + horizon; slot++) if (pollsIn(rt, job, slot)) return slot;
  return from + horizon;
}

/**
 * Polls until the scheduler stops. A job is looked at in the middle of its slots (away from the whole seconds
 * most cron ticks fall on); a job added meanwhile wakes the loop at once.
 */
export async function controlLoop(c: ControlLoop): Promise<void> {
  const { rt } = c;
  const intervalMs = rt.controlIntervalMs;
  const stop = rt.stopping.signal;
  const beats = new Map<string, number>();
  /** Each job's next slot to look at. */
  const slots = new Map<string, number>();
  const horizon = Math.max(1, Math.ceil((rt.bounded?.heartbeatMs ?? intervalMs) / intervalMs));
  const failing = { on: false };
  let woken = new AbortController();
  c.wake = () => woken.abort();
  while (!stop.aborted) {
    // A job added from here on (during this pass too) cuts the coming sleep short.
    woken = new AbortController();
    const slot = Math.floor(rt.clock.now() / intervalMs);
    const jobs = [...c.jobs()];
    const live = new Set(jobs.map((job) => job.key));
    for (const seen of [slots, beats]) for (const key of seen.keys()) if (!live.has(key)) seen.delete(key);
    await Promise.all(
      jobs.map(async (job) => {
        if (rt.bounded && performance.now() >= (beats.get(job.key) ?? Number.NEGATIVE_INFINITY)) {
          await heartbeat(rt, job, beats);
          slots.delete(job.key); // a new view: the ranking of the slots ahead may have changed
        }
        if ((slots.get(job.key) ?? slot) > slot) return;
        if (pollsIn(rt, job, slot)) await pollControl(rt, job, c.track, failing);
        slots.set(job.key, nextPollSlot(rt, job, slot + 1, horizon));
      }),
    );
    const wallNow = rt.clock.now();
    const monoNow = performance.now();
    let wait = horizon * intervalMs;
    for (const next of slots.values()) wait = Math.min(wait, next * intervalMs + intervalMs / 2 - wallNow);
    for (const due of beats.values()) wait = Math.min(wait, due - monoNow);
    if (!woken.signal.aborted) await delay(Math.max(1, wait), AbortSignal.any([stop, woken.signal]), rt.unref);
  }
}
