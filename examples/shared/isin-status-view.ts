/**
 * Who sees what of `GET /isin/status`: anyone may see that the list is being kept (schedule, last outcome,
 * snapshot size and time); the source, the run's details and the fences are for admins, the people who can do
 * something about them.
 */
import type { PublicUser, Services } from 'tickwork';
import { optionalRequestToken, type SessionHeaders } from './browser-session.js';
import type { IsinStatus } from './isin-job.js';

/** What `GET /isin/status` answers to anyone but an admin. */
export interface IsinStatusSummary {
  /** The job name. */
  readonly job: string;
  /** Cron pattern and time zone. */
  readonly schedule: IsinStatus['schedule'];
  /** The next scheduled runs. */
  readonly nextRuns: readonly string[];
  /** Whether a run is in progress on this process. */
  readonly running: boolean;
  /** How the last tick ended here, or `null`. */
  readonly lastOutcome: string | null;
  /** Size and time of the stored snapshot, or `null` before the first successful sync. */
  readonly snapshot: { readonly size: number; readonly savedAt: string } | null;
}

/** The whole status for an admin, the {@link IsinStatusSummary} for anyone else (`actor` undefined: anonymous). */
export function isinStatusFor(status: IsinStatus, actor: PublicUser | undefined): IsinStatus | IsinStatusSummary {
  if (actor?.role === 'admin') return status;
  const { job, schedule, nextRuns, running, lastOutcome, snapshot } = status;
  return {
    job,
    schedule,
    nextRuns,
    running,
    lastOutcome,
    snapshot: snapshot ? { size: snapshot.size, savedAt: snapshot.savedAt } : null,
  };
}

/**
 * The signed-in user of a request to a route anyone may call, or `undefined` without a token. A token that does
 * not sign in is still a 401: the client learns its session ended rather than silently seeing less.
 */
export async function optionalActor(services: Services, headers: SessionHeaders): Promise<PublicUser | undefined> {
  const token = optionalRequestToken(headers);
  return token === undefined ? undefined : services.users.authenticate(token);
}
