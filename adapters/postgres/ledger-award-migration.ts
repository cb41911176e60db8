/**
 * `domain-004-ledger-award`: the ledger's foreign key to `tickwork_users` goes. Its check locks the user's row
 * (`FOR KEY SHARE`) in every transaction that appends an entry, so concurrent awards to one user each create a
 * multixact on that row (measured: 1,956 multixacts for 2,000 approvals at concurrency 16, none without the
 * key), with their SLRU writes, WAL and later freezing work, on the one path that must be fast: approval.
 *
 * The key guarded nothing the writers do not already guarantee: an award copies its `user_id` from the task
 * row it approves in the same statement, and that row's own key to `tickwork_users` is kept; an adjustment
 * reads the user first, and tickwork never deletes a user. The memory reference adapter has no such check
 * either. `IF EXISTS`, so a schema whose key was dropped by hand migrates too.
 */
import type { Migration } from './migration.js';

/** Drops the ledger's foreign key to `tickwork_users` (see above for why). */
export const ledgerAwardMigration: Migration = {
  id: 'domain-004-ledger-award',
  statements: ['ALTER TABLE tickwork_ledger DROP CONSTRAINT IF EXISTS tickwork_ledger_user_id_fkey'],
};
