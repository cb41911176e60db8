import { acquireTick } from './acquire-tick.js';
import { executeRun, type TickResult } from './execute-run.js';
import type { TickPlan } from './plan.js';
import type { JobRecord, Runtime } from './runtime.js';
import type { SkipReason, TickEvent } from './types.js';

export type { TickResult } from './execute-run.js';

/** Runs one tick end to end: acquire (waiting out early and held leases), run with retries, complete. */
export async function runTick(rt: Runtime, job: JobRecord, plan: TickPlan): Promise<TickResult> {
  const ev: TickEvent = { name: job.name, tick: new Date(plan.ms), tickId: plan.id, instanceId: rt.instanceId };
  const finish = (outcome: TickResult, error?: unknown): TickResult => {
    job.lastRun = { tick: ev.tick, tickId: plan.id, outcome, at: new Date(rt.clock.now()), error };
    return outcome;
  };
  const skip = (reason: SkipReason, error?: unknown): TickResult => {
    rt.events.emit('run:skipped', error === undefined ? { ...ev, reason } : { ...ev, reason, error });
    return finish(`skipped:${reason}`, error);
  };

  if (rt.stopping.signal.aborted) return skip('stopped');
  if (job.paused && !plan.manual) return skip('paused');
  if (job.exclusive && job.active.size > 0) return skip('overlap');

  const won = await acquireTick(rt, job, plan);
  if (!('token' in won)) return skip(won.reason, won.error);
  const running = executeRun(rt, job, plan, ev, won);
  job.active.add(running);
  try {
    const { outcome, error } = await running;
    return finish(outcome, error);
  } finally {
    job.active.delete(running);
  }
}
