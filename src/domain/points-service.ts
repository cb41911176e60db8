import { TickworkError } from '../errors.js';
import { type Actor, requireActor, requireAdmin } from './actor.js';
import type { ServiceContext } from './context.js';
import type { LedgerEntry, Page } from './ledger-entry.js';
import { type AdjustInput, AdjustInputSchema, type PointsQuery, PointsQuerySchema } from './points-inputs.js';
import { parseInput } from './validation.js';

/** What {@link PointsService.adjust} answers. */
export interface AdjustResult {
  /** The ledger entry. */
  readonly entry: LedgerEntry;
  /** `true` if this call wrote it, `false` if an earlier call with the same key did. */
  readonly created: boolean;
}

/** What {@link PointsService.statement} answers (the shape of `GET /me/points`). */
export interface Statement {
  /** The current balance. */
  readonly balance: number;
  /** A page of history, newest first. */
  readonly history: readonly LedgerEntry[];
  /** The offset of the next page, or `null`. */
  readonly nextOffset: number | null;
}

/** Points: balances, history and admin adjustments. A balance is always the sum of the ledger. */
export interface PointsService {
  /**
   * The balance of the actor (or, for an admin, of `userId`).
   *
   * @example
   * ```ts
   * const points = await services.points.balance(actor);
   * ```
   */
  balance(actor: Actor, options?: Pick<PointsQuery, 'userId'>): Promise<number>;
  /** A page of the ledger, newest first. */
  history(actor: Actor, options?: PointsQuery): Promise<Page<LedgerEntry>>;
  /** Balance and a page of history together. */
  statement(actor: Actor, options?: PointsQuery): Promise<Statement>;
  /**
   * An admin credits or debits points. Idempotent by key: the same key with the same payload answers the first
   * entry (`created: false`); with another payload it is `CONFLICT`. Deductions are serialised per user and never
   * take a balance below zero.
   *
   * @example
   * ```ts
   * await services.points.adjust(admin, { userId, amount: -20, reason: 'Refund', idempotencyKey: 'ticket-4711' });
   * ```
   */
  adjust(actor: Actor, input: AdjustInput): Promise<AdjustResult>;
}

const samePayload = (entry: LedgerEntry, input: AdjustInput) =>
  entry.userId === input.userId && entry.amount === input.amount && entry.reason === input.reason;

/** @internal */
export function createPointsService(ctx: ServiceContext): PointsService {
  const { repositories: repos } = ctx;

  function whose(actor: Actor, userId: string | undefined): string {
    const checked = requireActor(actor);
    if (userId === undefined || userId === checked.id) return checked.id;
    if (checked.role !== 'admin') throw new TickworkError('FORBIDDEN', "Only an admin may see another user's points");
    return userId;
  }

  async function history(actor: Actor, options: PointsQuery = {}): Promise<Page<LedgerEntry>> {
    const { userId: whom, limit, offset } = parseInput(PointsQuerySchema, options, 'points query');
    const userId = whose(actor, whom);
    const rows = await repos.ledger.history(userId, { limit: limit + 1, offset });
    return { items: rows.slice(0, limit), nextOffset: rows.length > limit ? offset + limit : null };
  }

  return {
    async balance(actor, options = {}) {
      const q = parseInput(PointsQuerySchema, options, 'points query');
      return repos.ledger.balance(whose(actor, q.userId));
    },

    history,

    async statement(actor, options = {}) {
      const page = await history(actor, options);
      const balance = await repos.ledger.balance(whose(actor, options.userId));
      return { balance, history: page.items, nextOffset: page.nextOffset };
    },

    async adjust(actor, input) {
      const admin = requireAdmin(actor);
      const data = parseInput(AdjustInputSchema, input, 'adjustment');
      // Namespaced, so a caller's key can never collide with an award's `task:<id>:award`.
      const key = `adjust:${data.idempotencyKey}`;
      const replay = (entry: LedgerEntry): AdjustResult => {
        if (!samePayload(entry, data)) {
          throw new TickworkError('CONFLICT', 'This idempotency key was used for another adjustment', {
            details: { idempotencyKey: data.idempotencyKey },
          });
        }
        return { entry, created: false };
      };
      const user = await repos.users.findById(data.userId);
      if (!user) throw new TickworkError('NOT_FOUND', 'User not found', { details: { id: data.userId } });
      const result = await repos.transaction(async (tx): Promise<AdjustResult> => {
        const earlier = await tx.ledger.findByKey(key);
        if (earlier) return replay(earlier);
        if (data.amount < 0) {
          // Serialised per user, so two deductions cannot both read the same balance.
          await tx.ledger.lockAccount(data.userId);
          const balance = await tx.ledger.balance(data.userId);
          if (balance + data.amount < 0) {
            throw new TickworkError('CONFLICT', 'The balance is too low for this deduction', {
              details: { balance, amount: data.amount },
            });
          }
        }
        const { entry, created } = await tx.ledger.append({
          id: ctx.ids(),
          userId: data.userId,
          amount: data.amount,
          kind: 'adjustment',
          reason: data.reason,
          reference: null,
          actorId: admin.id,
          idempotencyKey: key,
          createdAt: ctx.now(),
        });
        return created ? { entry, created } : replay(entry);
      });
      // After the commit, and only for the call that wrote the entry (a replay changed nothing).
      if (result.created) {
        const { entry } = result;
        ctx.publish({
          type: 'points:adjusted',
          entryId: entry.id,
          userId: entry.userId,
          amount: entry.amount,
          actorId: admin.id,
        });
      }
      return result;
    },
  };
}
