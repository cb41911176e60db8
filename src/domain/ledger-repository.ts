import type { LedgerEntry, PageRequest } from './ledger-entry.js';

/** What {@link LedgerRepository.append} resolves. */
export interface AppendResult {
  /** The stored entry with the key: this call's, or the earlier one. */
  readonly entry: LedgerEntry;
  /** Whether this call stored it. */
  readonly created: boolean;
}

/** The append-only points ledger. */
export interface LedgerRepository {
  /**
   * Appends `entry` unless its idempotency key exists. Resolves the stored entry with that key and whether this
   * call created it; a repeated or concurrent append with one key stores exactly one entry.
   */
  append(entry: LedgerEntry): Promise<AppendResult>;
  /** The entry with this idempotency key. */
  findByKey(idempotencyKey: string): Promise<LedgerEntry | undefined>;
  /** The sum of the user's entries (0 for none). */
  balance(userId: string): Promise<number>;
  /** The user's entries, newest first. */
  history(userId: string, page: PageRequest): Promise<LedgerEntry[]>;
  /**
   * Serialises balance-changing writes for one user until the surrounding transaction ends, so a balance read
   * after it stays true until commit. Meaningful only inside {@link Repositories.transaction}.
   */
  lockAccount(userId: string): Promise<void>;
}
