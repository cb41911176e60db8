/**
 * Dispatching the ticks of a window (since the lock's cursor at start, or since this instance's last tick
 * after a late wake-up): the on-time tick runs, late ones go to the catch-up policy, the rest are reported
 * missed, once per tick in the fleet's history.
 */
import { dueTicks } from './catch-up.js';
import { publish } from './channels.js';
import { recordHistory } from './history-writer.js';
import { scheduledPlan } from './plan.js';
import { runTick } from './run-tick.js';
import type { JobRecord, Runtime } from './runtime.js';
import { tickIdOf } from './ticks.js';

/** Tracks a promise in flight until it settles, so `stop()` waits for it. */
export type Track = <T>(p: Promise<T>) => Promise<T>;

function reportMissed(rt: Runtime, job: JobRecord, ticks: readonly number[], more: boolean): void {
  for (const ms of ticks) {
    const tickId = tickIdOf(job.name, ms);
    const at = rt.clock.now();
    const ev = { name: job.name, tick: new Date(ms), tickId, instanceId: rt.instanceId };
    rt.events.emit('tick:missed', ev);
    publish('tickwork:tick:missed', () => ({ job: job.name, tickId, instanceId: rt.instanceId }));
    job.lastRun = { ...ev, outcome: 'missed', at: new Date(at) };
    // Keyed by the tick: instances that start together and find the same tick missed record it once.
    recordHistory(rt, job, {
      id: `${tickId}:missed`,
      job: job.name,
      tickAt: ms,
      tickId,
      instanceId: rt.instanceId,
      startedAt: null,
      endedAt: at,
      outcome: 'missed',
      attempts: 0,
      fence: null,
      catchUp: false,
      manual: false,
    });
  }
  if (ticks.length > 0)
    rt.logger.warn({ job: job.name, missed: more ? `>${ticks.length}` : ticks.length }, 'ticks missed');
}

// Late ticks are claimed oldest first, so the lock's cursor lets each of them through before a newer tick
// moves it. With `overlap: 'allow'` they all start at once (their acquisitions go out in order); with
// `'skip'` they run one after another and an on-time tick due at the same moment queues behind them.
function runLate(rt: Runtime, job: JobRecord, track: Track, ticks: readonly number[], onTime: number | undefined) {
  const now = rt.clock.now();
  if (!job.exclusive) {
    for (const ms of ticks) void track(runTick(rt, job, scheduledPlan(job, ms, true, now)));
    if (onTime !== undefined) void track(runTick(rt, job, scheduledPlan(job, onTime, false, now)));
    return;
  }
  void track(
    (async () => {
      for (const ms of ticks) await runTick(rt, job, scheduledPlan(job, ms, true, rt.clock.now()));
      if (onTime !== undefined) await runTick(rt, job, scheduledPlan(job, onTime, true, rt.clock.now()));
    })(),
  );
}

/** Sorts the ticks in `(fromMs, now]` by the job's catch-up policy and starts or reports each of them. */
export async function dispatchDue(
  rt: Runtime,
  job: JobRecord,
  track: Track,
  fromMs: number,
  now: number,
  lateness: number,
): Promise<void> {
  const due = await dueTicks(job, fromMs, now, lateness);
  if (due.newest !== undefined) job.cursor = Math.max(job.cursor, due.newest);
  reportMissed(rt, job, due.missed, due.moreMissed);
  if (due.catchUp.length > 0) runLate(rt, job, track, due.catchUp, due.onTime);
  else if (due.onTime !== undefined) void track(runTick(rt, job, scheduledPlan(job, due.onTime, false, now)));
}
