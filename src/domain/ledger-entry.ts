/** One line of the points ledger. The ledger is append-only; a balance is the sum of its lines. */
export interface LedgerEntry {
  /** Opaque id. */
  readonly id: string;
  /** Whose points. */
  readonly userId: string;
  /** Signed whole points: positive credits, negative debits; never zero. */
  readonly amount: number;
  /** `award` for an approved task, `adjustment` for an admin's correction. */
  readonly kind: 'award' | 'adjustment';
  /** Why, for humans. */
  readonly reason: string;
  /** What caused it: the task id of an award, `null` for an adjustment. */
  readonly reference: string | null;
  /** The admin who approved or adjusted. */
  readonly actorId: string | null;
  /** Unique: `task:<id>:award` for awards, `adjust:<key>` for adjustments. A second write with it is refused. */
  readonly idempotencyKey: string;
  /** When it was written. */
  readonly createdAt: Date;
}

/** A page of a list. */
export interface Page<T> {
  /** The items of this page. */
  readonly items: readonly T[];
  /** The offset of the next page, or `null` when this is the last. */
  readonly nextOffset: number | null;
}

/** Which page to read. */
export interface PageRequest {
  /** How many items at most. */
  readonly limit: number;
  /** How many to skip. */
  readonly offset: number;
}
