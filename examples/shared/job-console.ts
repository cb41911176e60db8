/**
 * The operator console's jobs, as both servers' `/admin/jobs…` routes call it: the fleet-wide state of every
 * job, a job's run history, pause, resume and Run now, each for admins only. The scheduler keeps the state in
 * its lock, so every instance of a fleet answers the same; an unknown job is the scheduler's `NOT_FOUND`.
 */

import type { JobStatus, PublicUser, RunRecord, Scheduler } from 'tickwork';
import { ERROR_STATUS, TickworkError } from 'tickwork';
import { assertAdmin } from './admin-only.js';
import type { JobView, RunView } from './job-schemas.js';

/** What the console's routes call. */
export interface JobConsole {
  /** Every job of this server's scheduler. */
  list(actor: PublicUser): Promise<{ items: JobView[] }>;
  /** A page of one job's runs, newest first; `nextBefore` fetches the next page. */
  history(
    actor: PublicUser,
    name: string,
    query: { readonly limit: number; readonly before?: string | undefined },
  ): Promise<{ items: RunView[]; nextBefore: string | null }>;
  /** Pauses a job fleet-wide; answers its state. */
  pause(actor: PublicUser, name: string): Promise<JobView>;
  /** Resumes a job fleet-wide; answers its state. */
  resume(actor: PublicUser, name: string): Promise<JobView>;
  /** Asks the fleet to run a job once now; answers the manual run's tick id. */
  trigger(actor: PublicUser, name: string): Promise<{ tickId: string }>;
}

/** What {@link createJobConsole} needs. */
export interface JobConsoleOptions {
  /** The scheduler whose jobs are shown. */
  readonly scheduler: Scheduler;
  /**
   * Removes from an error message what must not leave the server (the ISIN source's credentials, say). A
   * message of an error without a tickwork code is never shown: it may be a driver's or a library's text.
   */
  readonly redact: (message: string) => string;
}

/** Shown instead of an error message that may carry a driver's text. */
const MESSAGE_IN_LOG = 'See the server log for the details.';

/** Creates the console over `options.scheduler`. */
export function createJobConsole(options: JobConsoleOptions): JobConsole {
  const { scheduler, redact } = options;

  const runView = (run: RunRecord): RunView => ({
    tickId: run.tickId,
    tick: new Date(run.tickAt).toISOString(),
    instanceId: run.instanceId,
    startedAt: run.startedAt === null ? null : new Date(run.startedAt).toISOString(),
    endedAt: new Date(run.endedAt).toISOString(),
    durationMs: run.startedAt === null ? null : Math.max(0, run.endedAt - run.startedAt),
    outcome: run.outcome,
    ...(run.reason !== undefined ? { reason: run.reason } : {}),
    attempts: run.attempts,
    fence: run.fence,
    catchUp: run.catchUp,
    manual: run.manual,
    error:
      run.errorCode === undefined && run.errorMessage === undefined
        ? null
        : {
            code: run.errorCode ?? 'INTERNAL',
            message:
              run.errorCode !== undefined && run.errorCode in ERROR_STATUS && run.errorMessage !== undefined
                ? redact(run.errorMessage)
                : MESSAGE_IN_LOG,
          },
  });

  const jobView = (job: JobStatus): JobView => ({
    name: job.name,
    key: job.key,
    schedule: job.schedule.cron !== undefined ? { cron: job.schedule.cron } : { everyMs: job.schedule.every },
    timezone: job.timezone,
    paused: job.paused,
    running: job.running.map(({ instanceId, tickId }) => ({ instanceId, tickId })),
    pendingTriggers: job.pendingTriggers,
    nextRuns: job.nextRuns.map((d) => d.toISOString()),
    lastRun: job.lastRun ? runView(job.lastRun) : null,
  });

  const one = async (name: string): Promise<JobView> => {
    const job = (await scheduler.jobs()).find((j) => j.name === name);
    if (!job) throw new TickworkError('NOT_FOUND', `No job named "${name}".`, { details: { name } });
    return jobView(job);
  };

  return {
    async list(actor) {
      assertAdmin(actor);
      return { items: (await scheduler.jobs()).map(jobView) };
    },
    async history(actor, name, query) {
      assertAdmin(actor);
      const runs = await scheduler.history(name, {
        limit: query.limit,
        ...(query.before !== undefined ? { before: new Date(query.before) } : {}),
      });
      const last = runs.at(-1);
      return {
        items: runs.map(runView),
        nextBefore: runs.length === query.limit && last ? new Date(last.endedAt).toISOString() : null,
      };
    },
    async pause(actor, name) {
      assertAdmin(actor);
      await scheduler.pause(name);
      return one(name);
    },
    async resume(actor, name) {
      assertAdmin(actor);
      await scheduler.resume(name);
      return one(name);
    },
    async trigger(actor, name) {
      assertAdmin(actor);
      const { tickId } = await scheduler.trigger(name);
      return { tickId };
    },
  };
}
