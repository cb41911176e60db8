/**
 * The inputs of the task service as zod schemas: what the service parses, and what an HTTP layer may hand to its
 * validator as they are, so the two cannot disagree on a limit.
 */
import { z } from 'zod';
import type { PageRequest } from './ledger-entry.js';
import { type TaskStatus, TaskStatusSchema } from './task.js';
import { PAGE_FIELDS, plainText } from './validation.js';

/**
 * The longest rejection reason, in characters (after trimming).
 *
 * @example
 * ```ts
 * import { MAX_REASON_LENGTH } from 'tickwork';
 *
 * const fits = (reason: string) => reason.trim().length <= MAX_REASON_LENGTH; // what a form may check first
 * ```
 */
export const MAX_REASON_LENGTH = 1000;

const expectedVersion = z
  .number()
  .int()
  .nonnegative()
  .optional()
  .describe('Refuse with CONFLICT unless the task is still at this version');

/** Options of {@link TaskService.approve}. */
export interface ApproveInput {
  /** Refuse with `CONFLICT` unless the task is still at this version. */
  readonly expectedVersion?: number;
}

/**
 * Validates {@link ApproveInput}; unknown fields are rejected.
 *
 * @example
 * ```ts
 * import { ApproveInputSchema } from 'tickwork';
 *
 * ApproveInputSchema.parse({ expectedVersion: 2 });
 * ApproveInputSchema.safeParse({ points: 10 }).success; // false: unknown field
 * ```
 */
export const ApproveInputSchema: z.ZodType<ApproveInput, ApproveInput> = z.strictObject({ expectedVersion });

/** Input of {@link TaskService.reject}. */
export interface RejectInput {
  /** Why the proof was rejected, shown to the user: 1–1000 characters after trimming; line breaks allowed. */
  readonly reason: string;
  /** Refuse with `CONFLICT` unless the task is still at this version. */
  readonly expectedVersion?: number;
}

/**
 * Validates {@link RejectInput}; unknown fields are rejected.
 *
 * @example
 * ```ts
 * import { RejectInputSchema } from 'tickwork';
 *
 * RejectInputSchema.parse({ reason: ' The screenshot shows another app ' }).reason; // trimmed
 * RejectInputSchema.safeParse({ reason: 'x'.repeat(1001) }).success; // false: at most 1000 characters
 * ```
 */
export const RejectInputSchema: z.ZodType<RejectInput, RejectInput> = z.strictObject({
  reason: plainText(true)
    .trim()
    .min(1)
    .max(MAX_REASON_LENGTH)
    .describe('Why the proof was rejected; shown to the user'),
  expectedVersion,
});

/** Options of {@link TaskService.listForReview}. */
export interface ReviewQuery {
  /** Which tasks. @default 'submitted' */
  readonly status?: TaskStatus;
  /** Page size, 1–200 (a number or a decimal string). @default 50 */
  readonly limit?: number | string;
  /** Tasks to skip, 0–10^9 (a number or a decimal string). @default 0 */
  readonly offset?: number | string;
}

/**
 * Validates {@link ReviewQuery} and fills in its defaults; unknown fields are rejected.
 *
 * @example
 * ```ts
 * import { ReviewQuerySchema } from 'tickwork';
 *
 * ReviewQuerySchema.parse({ limit: '20' }); // { status: 'submitted', limit: 20, offset: 0 }
 * ```
 */
export const ReviewQuerySchema: z.ZodType<PageRequest & Required<Pick<ReviewQuery, 'status'>>, ReviewQuery> =
  z.strictObject({
    status: TaskStatusSchema.default('submitted'),
    ...PAGE_FIELDS,
  });

/** Options of {@link TaskService.listMine}. */
export interface MyTasksQuery {
  /** Only the tasks in this status. @default every status */
  readonly status?: TaskStatus;
}

/**
 * Validates {@link MyTasksQuery}; unknown fields are rejected.
 *
 * @example
 * ```ts
 * import { MyTasksQuerySchema } from 'tickwork';
 *
 * MyTasksQuerySchema.parse({ status: 'rejected' });
 * ```
 */
export const MyTasksQuerySchema: z.ZodType<MyTasksQuery, MyTasksQuery> = z.strictObject({
  status: TaskStatusSchema.optional(),
});
