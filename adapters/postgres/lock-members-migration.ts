/**
 * `scheduler-003-members`: membership for bounded attempts. One row per (job, instance) with the heartbeat's
 * expiry on the database clock; `postgresLock().members()` upserts its own row and reads the live ones in one
 * statement. A database without this migration answers `members()` with an error, and the scheduler then
 * attempts every tick, as without bounded attempts.
 */
import type { Migration } from './migration.js';

/** The migration; `migrate(db)` applies it after `scheduler-002-console`. */
export const lockMembersMigration: Migration = {
  id: 'scheduler-003-members',
  statements: [
    `CREATE TABLE tickwork_lock_members (
      job text NOT NULL,
      instance_id text NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (job, instance_id)
    )`,
  ],
};
