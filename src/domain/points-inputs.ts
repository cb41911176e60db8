/**
 * The inputs of the points service as zod schemas: what the service parses, and what an HTTP layer may hand to
 * its validator as they are.
 */
import { z } from 'zod';
import type { PageRequest } from './ledger-entry.js';
import { IdSchema, PAGE_FIELDS, type PageQuery, plainText } from './validation.js';

/** Options of the reading calls: whose points (admins only for others) and which page. */
export interface PointsQuery extends PageQuery {
  /** Another user's points (admins only). @default the actor */
  readonly userId?: string;
}

/**
 * Validates {@link PointsQuery} and fills in its page defaults; unknown fields are rejected.
 *
 * @example
 * ```ts
 * import { PointsQuerySchema } from 'tickwork';
 *
 * PointsQuerySchema.parse({ userId: 'u1', offset: 50 }); // { userId: 'u1', limit: 50, offset: 50 }
 * ```
 */
export const PointsQuerySchema: z.ZodType<PageRequest & Pick<PointsQuery, 'userId'>, PointsQuery> = z.strictObject({
  userId: IdSchema.optional(),
  ...PAGE_FIELDS,
});

/** Input of {@link PointsService.adjust}. */
export interface AdjustInput {
  /** Whose balance. */
  readonly userId: string;
  /** Signed whole points, not zero. A deduction that would take the balance below zero is `CONFLICT`. */
  readonly amount: number;
  /** Why, shown in the user's history: 1–500 characters after trimming. */
  readonly reason: string;
  /** The caller's key for this adjustment: a retry with the same key and payload answers the first result. */
  readonly idempotencyKey: string;
}

/**
 * Validates {@link AdjustInput}; unknown fields are rejected.
 *
 * @example
 * ```ts
 * import { AdjustInputSchema } from 'tickwork';
 *
 * AdjustInputSchema.safeParse({ userId: 'u1', amount: 0, reason: 'Refund', idempotencyKey: 'k' }).success; // false
 * ```
 */
export const AdjustInputSchema: z.ZodType<AdjustInput, AdjustInput> = z.strictObject({
  userId: IdSchema,
  amount: z
    .number()
    .int()
    .min(-1_000_000_000)
    .max(1_000_000_000)
    .refine((n) => n !== 0, 'Must not be zero'),
  reason: plainText().trim().min(1).max(500),
  idempotencyKey: IdSchema,
});
