/**
 * The shapes of the admin jobs API (`/admin/jobs…`): the path and query schemas both servers validate with,
 * and the answers' schemas `GET /openapi.json` documents (strict, so the conformance test catches a field that
 * leaks or goes missing).
 */
import { z } from 'zod';

/**
 * Path parameter `:name`: a job name as the scheduler accepts it (no whitespace, braces or `~`), and no
 * control characters or slashes, which a name in a URL path cannot carry anyway.
 */
export const jobNameParams = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[^\s{}~/\\\p{Cc}]+$/u, 'Not a job name')
    .describe('Job name (as registered with scheduler.add)'),
});

/** Runs one history page shows at most (the scheduler's own bound is 1000; a page needs far fewer). */
export const MAX_HISTORY_LIMIT = 200;

/** `GET /admin/jobs/:name/history` query. */
export const jobHistoryQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_HISTORY_LIMIT).default(20).describe('Page size, newest first'),
  before: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('Only runs that ended before this instant (`nextBefore` of the previous page)'),
});

const instant = z.iso.datetime({ offset: true });
const outcome = z.enum(['succeeded', 'failed', 'skipped', 'abandoned', 'missed']);

/** One run of a job as the API answers it. */
export const runViewSchema = z.strictObject({
  tickId: z.string().describe('`<name>@<ISO instant>`, or `<name>@manual:<uuid>` for Run now'),
  tick: instant.describe('The scheduled tick (for a manual run, when it was started)'),
  instanceId: z.string().describe('The instance that ran, skipped or missed it'),
  startedAt: instant.nullable().describe('When the first attempt started; null when nothing ran'),
  endedAt: instant.describe('When it ended, or when the skip or miss was decided'),
  durationMs: z.number().nullable().describe('From the first attempt to the end; null when nothing ran'),
  outcome,
  reason: z.string().optional().describe('For `skipped`: why (`paused`, `overlap`, …)'),
  attempts: z.number().int(),
  fence: z.number().int().nullable(),
  catchUp: z.boolean(),
  manual: z.boolean(),
  error: z
    .strictObject({ code: z.string(), message: z.string() })
    .nullable()
    .describe('For failed and abandoned runs: the error code and a message safe to show'),
});

/** One job's fleet-wide state as the API answers it. */
export const jobViewSchema = z.strictObject({
  name: z.string(),
  key: z.string().describe("The lock's name for the job"),
  schedule: z
    .strictObject({ cron: z.string().optional(), everyMs: z.number().optional() })
    .describe('A cron pattern, or an interval in milliseconds'),
  timezone: z.string().describe('IANA time zone of the cron pattern'),
  paused: z.boolean().describe('Paused fleet-wide: its ticks are skipped with reason `paused`'),
  running: z.array(z.strictObject({ instanceId: z.string(), tickId: z.string() })),
  pendingTriggers: z.number().int().describe('Run now requests no instance has taken yet'),
  nextRuns: z.array(instant).describe('The next ticks'),
  lastRun: runViewSchema.nullable().describe('The newest entry of the fleet-wide history'),
});

/** `GET /admin/jobs` answer. */
export const jobListSchema = z.strictObject({ items: z.array(jobViewSchema) });

/** `GET /admin/jobs/:name/history` answer. */
export const jobHistorySchema = z.strictObject({
  items: z.array(runViewSchema),
  nextBefore: instant.nullable().describe('Pass as `before` for the next page; null on the last page'),
});

/** `POST /admin/jobs/:name/trigger` answer. */
export const triggerReceiptSchema = z.strictObject({
  tickId: z.string().describe('The manual run’s tick id: it shows in the history once an instance ran it'),
});

/** A run as answered. */
export type RunView = z.infer<typeof runViewSchema>;
/** A job as answered. */
export type JobView = z.infer<typeof jobViewSchema>;
