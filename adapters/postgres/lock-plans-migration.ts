/**
 * `scheduler-004-lock-plans`: the lock's functions plan with sequential scans disabled. plpgsql caches a
 * generic plan per statement and session after five calls, and re-plans only when something invalidates it
 * (DDL, an `ANALYZE`). A pool connection that first ran the lock while its tick table was nearly empty (right
 * after the migration, or after a quiet spell) could cache a plan that scans the whole table, such as the
 * expired-row cleanup's `ctid = ANY (…)` as a sequential scan, and keep it while the table grew: every acquire
 * then read every row (`npm run bench -- postgres-lock`, concurrency 16: 2,619 acquire+complete per second
 * before the table grew by 40,000 rows, 810 after; 2,881 and 3,144 with this migration). Every statement in
 * these functions has an index that fits it, so with `enable_seqscan = off` in the function's own settings the
 * planner picks that index whatever the table's size when the plan was made; the setting applies inside the
 * function only.
 */
import { LOCK_FUNCTIONS } from './lock-migration.js';
import type { Migration } from './migration.js';

/** The migration; `migrate(db)` applies it after `scheduler-003-members`. */
export const lockPlansMigration: Migration = {
  id: 'scheduler-004-lock-plans',
  statements: LOCK_FUNCTIONS.map((signature) => `ALTER FUNCTION ${signature} SET enable_seqscan = off`),
};
