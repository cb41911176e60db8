/**
 * The ISIN sync job of the examples: `createIsinSync` from the library, scheduled daily (catch-up `latest`)
 * on the container's scheduler, with its last result kept for `GET /isin/status`.
 */
import {
  createIsinSync,
  ERROR_STATUS,
  type IsinSnapshotStore,
  type IsinSyncResult,
  type JobContext,
  type PublicUser,
  type Scheduler,
  TickworkError,
  type TickworkErrorCode,
} from 'tickwork';
import type { ExampleConfig } from './config.js';
import type { ExampleLogger } from './logger.js';
import { redactSource, redactSourceIn } from './redact-source.js';
import { withDeadline } from './timeouts.js';

/** The job name: the scheduler's lock keys and the snapshot name derive from it. */
export const ISIN_JOB = 'isin-sync';

/** One finished run of the job, as this process saw it. */
export interface IsinRun {
  /** The scheduler's tick id (`isin-sync@<instant>` or `isin-sync@manual:<id>`). */
  readonly tickId: string;
  /** The fencing token the run wrote with. */
  readonly fence: number;
  /** When the run ended. */
  readonly finishedAt: string;
  /** What the library's sync reported. */
  readonly result: IsinSyncResult;
}

/** What `GET /isin/status` answers. */
export interface IsinStatus {
  /** The job name. */
  readonly job: string;
  /** The list it syncs, redacted: a URL without user info or query string, or a file's name without its path. */
  readonly source: string;
  /** Cron pattern and time zone. */
  readonly schedule: { readonly cron: string; readonly timezone: string };
  /** The next scheduled runs. */
  readonly nextRuns: readonly string[];
  /** Whether a run is in progress anywhere in the fleet. */
  readonly running: boolean;
  /** How the last tick ended here (`succeeded`, `failed`, `skipped:<reason>`, `missed`), or `null`. */
  readonly lastOutcome: string | null;
  /** The last run that finished on this process, or `null` (another instance of the fleet may have run it). */
  readonly lastRun: IsinRun | null;
  /** The stored snapshot, whichever process wrote it, or `null` before the first successful sync. */
  readonly snapshot: {
    /** Unique ISINs in it. */
    readonly size: number;
    /** When it was saved. */
    readonly savedAt: string;
    /** The fencing token of the run that saved it. */
    readonly fence: number;
    /** Hex SHA-256 of the list it was parsed from. */
    readonly sha256: string | null;
  } | null;
}

/** The job as the routes see it. */
export interface IsinJob {
  /** The job's schedule and last result. */
  status(): Promise<IsinStatus>;
  /**
   * Runs the job now (admins only) through the scheduler, so it is fenced like a scheduled run. `CONFLICT` when
   * a run of the job is in progress somewhere in the fleet; `TIMEOUT` when it has not finished (the lock
   * included) within `ISIN_SYNC_TIMEOUT_MS`.
   */
  sync(actor: PublicUser): Promise<IsinStatus>;
  /** Runs the job once when no snapshot is stored yet, so a fresh server has a list before the first tick. */
  syncIfEmpty(): Promise<void>;
}

/** What {@link createIsinJob} needs. */
export interface IsinJobOptions {
  /** The scheduler to register the job on. */
  readonly scheduler: Scheduler;
  /** Where snapshots go. */
  readonly store: IsinSnapshotStore;
  /** Source, schedule and time zone. */
  readonly config: Pick<ExampleConfig, 'isinSource' | 'isinCron' | 'isinTimezone' | 'timeouts'>;
  /** Where runs are reported. */
  readonly logger: ExampleLogger;
}

/** Registers the ISIN sync job on the scheduler and returns its status and trigger. */
export function createIsinJob(options: IsinJobOptions): IsinJob {
  const { scheduler, store, config, logger } = options;
  const sync = createIsinSync({ name: ISIN_JOB, source: config.isinSource, store });
  let lastRun: IsinRun | null = null;

  scheduler.add({
    name: ISIN_JOB,
    cron: config.isinCron,
    timezone: config.isinTimezone,
    catchUp: 'latest',
    // The run's own deadline (`ISIN_SYNC_TIMEOUT_MS`): its signal aborts the download and the store write.
    timeout: config.timeouts.isinSyncMs,
    async run(ctx: JobContext) {
      const result = await sync(ctx);
      lastRun = { tickId: ctx.tickId, fence: ctx.fence, finishedAt: new Date().toISOString(), result };
      // One line per run: operators (and the fleet test) count runs per tick from these.
      logger.info(
        { job: ISIN_JOB, tickId: ctx.tickId, fence: ctx.fence, status: result.status, code: result.code },
        'isin sync finished',
      );
      // The sync reports a broken download or store as a result rather than throwing; the scheduler should
      // still record the tick as failed. A rejected list is the gates doing their job: a success.
      if (result.status === 'failed') {
        const code =
          result.code !== undefined && result.code in ERROR_STATUS ? (result.code as TickworkErrorCode) : 'INTERNAL';
        throw new TickworkError(code, result.reason ?? 'ISIN sync failed', { details: { name: result.name } });
      }
      return result;
    },
  });

  async function status(): Promise<IsinStatus> {
    const job = (await scheduler.jobs()).find((j) => j.name === ISIN_JOB);
    const stored = await store.load(ISIN_JOB);
    return {
      job: ISIN_JOB,
      // Never the raw setting: it may carry credentials, a token or the server's directories.
      source: redactSource(config.isinSource),
      schedule: { cron: config.isinCron, timezone: config.isinTimezone },
      nextRuns: (job?.nextRuns ?? []).map((d) => d.toISOString()),
      running: (job?.running.length ?? 0) > 0,
      lastOutcome: job?.lastRunHere?.outcome ?? null,
      // A failed fetch's reason quotes the source as configured, credentials and all.
      lastRun: lastRun?.result.reason
        ? {
            ...lastRun,
            result: { ...lastRun.result, reason: redactSourceIn(lastRun.result.reason, config.isinSource) },
          }
        : lastRun,
      snapshot: stored
        ? { size: stored.set.size, savedAt: stored.savedAt, fence: stored.fence, sha256: stored.meta.sha256 ?? null }
        : null,
    };
  }

  return {
    status,
    async sync(actor) {
      if (actor.role !== 'admin') throw new TickworkError('FORBIDDEN', 'Only an admin may run the ISIN sync');
      // The scheduler keeps retrying an unreachable lock until the job's next tick; the request waits no longer
      // than the sync's own deadline.
      // `here`: this request runs it and waits for its outcome (a plain trigger would only queue it for the fleet).
      const { outcome } = await withDeadline(
        scheduler.trigger(ISIN_JOB, { here: true }),
        config.timeouts.isinSyncMs,
        () =>
          new TickworkError('TIMEOUT', 'The ISIN sync did not finish within ISIN_SYNC_TIMEOUT_MS', {
            details: { timeoutMs: config.timeouts.isinSyncMs },
          }),
      );
      if (outcome.startsWith('skipped:')) {
        throw new TickworkError('CONFLICT', 'The ISIN sync is running already; try again when it has finished', {
          details: { outcome },
        });
      }
      return status();
    },
    async syncIfEmpty() {
      if (await store.load(ISIN_JOB)) return;
      const { outcome } = await scheduler.trigger(ISIN_JOB, { here: true });
      logger.info({ job: ISIN_JOB, outcome }, 'initial isin sync');
    },
  };
}
