/**
 * `scheduler-002-console`: fleet control and run history for the PostgreSQL lock. The job row gets a
 * `paused` flag, each lease its holder's instance id (`tickwork_lock_acquire` is recreated with a
 * `p_instance` argument, the paused refusal and a `first` column), and two tables: queued manual run requests
 * and the bounded run history (`tickwork_lock_record` adds an entry and trims by count and age in one call).
 */
import { acquireFunction, epochMs, FUNCTION } from './lock-migration.js';
import type { Migration } from './migration.js';

const RECORD = `CREATE FUNCTION tickwork_lock_record(
  p_job text, p_id text, p_ended_ms bigint, p_entry jsonb, p_limit integer, p_max_age_ms bigint
) RETURNS boolean ${FUNCTION}
DECLARE now_ms bigint := ${epochMs('clock_timestamp()')};
BEGIN
  INSERT INTO tickwork_lock_history (job, id, ended_ms, entry) VALUES (p_job, p_id, p_ended_ms, p_entry)
  ON CONFLICT (job, id) DO NOTHING;
  IF NOT FOUND THEN RETURN false; END IF;
  DELETE FROM tickwork_lock_history h WHERE h.job = p_job AND (h.ended_ms < now_ms - p_max_age_ms OR h.seq IN (
    SELECT x.seq FROM tickwork_lock_history x WHERE x.job = p_job ORDER BY x.ended_ms DESC, x.seq DESC OFFSET p_limit));
  RETURN true;
END $$`;

/** The migration; `migrate(db)` applies it after `scheduler-001-lock`. */
export const lockConsoleMigration: Migration = {
  id: 'scheduler-002-console',
  statements: [
    'ALTER TABLE tickwork_lock_jobs ADD COLUMN paused boolean NOT NULL DEFAULT false',
    'ALTER TABLE tickwork_lock_ticks ADD COLUMN lease_holder text',
    `CREATE TABLE tickwork_lock_requests (
      seq bigserial PRIMARY KEY,
      job text NOT NULL,
      request jsonb NOT NULL,
      expires_at timestamptz NOT NULL
    )`,
    'CREATE INDEX tickwork_lock_requests_job ON tickwork_lock_requests (job, seq)',
    `CREATE TABLE tickwork_lock_history (
      seq bigserial NOT NULL,
      job text NOT NULL,
      id text NOT NULL,
      ended_ms bigint NOT NULL,
      entry jsonb NOT NULL,
      PRIMARY KEY (job, id)
    )`,
    'CREATE INDEX tickwork_lock_history_order ON tickwork_lock_history (job, ended_ms DESC, seq DESC)',
    'DROP FUNCTION tickwork_lock_acquire(text, text, bigint, text, bigint, bigint, bigint, text, boolean, boolean, bigint, bigint, boolean)',
    acquireFunction(true),
    RECORD,
  ],
};
