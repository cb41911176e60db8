import { acquireTick } from './acquire-tick.js';
import { errorCodeOf, publish } from './channels.js';
import { executeRun, type RunReport, type TickResult } from './execute-run.js';
import { errorFields, recordHistory } from './history-writer.js';
import { waveDelayMs, waveOf } from './membership.js';
import type { TickPlan } from './plan.js';
import type { JobRecord, Runtime } from './runtime.js';
import { sleepUntil } from './sleep.js';
import type { SkipReason, TickEvent } from './types.js';

export type { TickResult } from './execute-run.js';

/**
 * Runs one tick end to end: acquire (waiting out early and held leases), run with retries, complete. A run
 * that held the lease is recorded in the fleet's history by this instance; a skip only when the whole fleet
 * skipped the tick (`paused`, by the one instance whose refusal moved the cursor) or when a manual run, which
 * one instance alone attempts, could not start.
 */
export async function runTick(rt: Runtime, job: JobRecord, plan: TickPlan): Promise<TickResult> {
  const ev: TickEvent = { name: job.name, tick: new Date(plan.ms), tickId: plan.id, instanceId: rt.instanceId };
  const finish = (outcome: TickResult, error?: unknown): TickResult => {
    job.lastRun = { tick: ev.tick, tickId: plan.id, outcome, at: new Date(rt.clock.now()), error };
    return outcome;
  };
  const entry = (token: string) => ({
    id: token,
    job: job.name,
    tickAt: plan.ms,
    tickId: plan.id,
    instanceId: rt.instanceId,
    catchUp: plan.catchUp,
    manual: plan.manual,
  });
  const skip = (reason: SkipReason, error?: unknown, recordIt = false): TickResult => {
    // A tick claimed before this instance started is its holder's to report, unless this instance took it over.
    if (plan.takeoverOnly) return `skipped:${reason}`;
    rt.events.emit('run:skipped', error === undefined ? { ...ev, reason } : { ...ev, reason, error });
    publish('tickwork:run:skipped', () => ({ job: job.name, tickId: plan.id, instanceId: rt.instanceId, reason }));
    if (recordIt) {
      const at = rt.clock.now();
      recordHistory(rt, job, {
        ...entry(`${plan.id}:skipped`),
        startedAt: null,
        endedAt: at,
        outcome: 'skipped',
        reason,
        attempts: 0,
        fence: null,
      });
    }
    return finish(`skipped:${reason}`, error);
  };

  if (rt.stopping.signal.aborted) return skip('stopped');
  // A tick that meets this instance's own run of the job is skipped at once; a queued manual run waits for it in
  // `acquireTick`, as it waits for a run elsewhere, because nobody else would run it.
  if (job.exclusive && job.active.size > 0 && !plan.queued) return skip('overlap', undefined, plan.manual);

  if (!plan.manual && !plan.catchUp) {
    const wave = waveOf(rt.bounded, rt.instanceId, job.key, plan.key);
    if (wave === 'delegated') return skip('delegated');
    // The second wave looks once the candidates had their chance: a refusal if one of them claimed the tick,
    // a takeover wait if it is held, the run itself if every candidate died since the last heartbeat.
    if (wave === 'later') {
      const at = plan.ms + waveDelayMs(rt.lateness, plan.period);
      if (!(await sleepUntil(rt.clock, at, rt.stopping.signal, rt.unref))) return skip('stopped');
    }
  }

  const won = await acquireTick(rt, job, plan);
  // A manual run that could not start is recorded, so the operator who asked for it sees why.
  if (!('token' in won))
    return skip(won.reason, won.error, plan.manual || (won.reason === 'paused' && won.first === true));
  const running = executeRun(rt, job, plan, ev, won);
  job.active.add(running);
  let report: RunReport;
  try {
    report = await running;
  } finally {
    job.active.delete(running);
  }
  const { outcome, error, attempts, durationMs, startedAt } = report;
  publish('tickwork:run:end', () => {
    const message = { job: job.name, tickId: plan.id, instanceId: rt.instanceId, outcome, durationMs, attempts };
    const errorCode = outcome === 'succeeded' ? undefined : errorCodeOf(error);
    return errorCode === undefined ? message : { ...message, errorCode };
  });
  recordHistory(rt, job, {
    ...entry(won.token),
    startedAt,
    endedAt: rt.clock.now(),
    outcome,
    attempts,
    fence: won.fence,
    ...(outcome === 'succeeded' ? {} : errorFields(error)),
  });
  return finish(outcome, error);
}
