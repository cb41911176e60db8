import { ledgerAwardMigration } from './ledger-award-migration.js';
import { lockConsoleMigration } from './lock-console-migration.js';
import { lockMembersMigration } from './lock-members-migration.js';
import { lockMigration } from './lock-migration.js';
import { lockPlansMigration } from './lock-plans-migration.js';
import type { Migration } from './migration.js';

/** Every migration tickwork ships, in the order they apply. Append only; never edit a released one. */
export const migrations: readonly Migration[] = [
  {
    // Domain: users, sessions, apps, tasks and the points ledger. Unique constraints carry the invariants:
    // one account per email, one claim per (user, app), one ledger entry per idempotency key.
    id: 'domain-001-rewards',
    statements: [
      `CREATE TABLE tickwork_users (
        id text PRIMARY KEY,
        email text NOT NULL UNIQUE,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'user')),
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        version integer NOT NULL
      )`,
      `CREATE TABLE tickwork_sessions (
        token_hash text PRIMARY KEY,
        user_id text NOT NULL REFERENCES tickwork_users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      )`,
      'CREATE INDEX tickwork_sessions_expires ON tickwork_sessions (expires_at)',
      `CREATE TABLE tickwork_apps (
        id text PRIMARY KEY,
        name text NOT NULL,
        package_name text NOT NULL UNIQUE,
        store_url text NOT NULL,
        icon_url text,
        category text NOT NULL,
        sub_category text,
        points integer NOT NULL CHECK (points > 0),
        active boolean NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        version integer NOT NULL
      )`,
      `CREATE TABLE tickwork_tasks (
        id text PRIMARY KEY,
        user_id text NOT NULL REFERENCES tickwork_users (id),
        app_id text NOT NULL REFERENCES tickwork_apps (id),
        status text NOT NULL CHECK (status IN ('claimed', 'submitted', 'approved', 'rejected')),
        points integer NOT NULL CHECK (points > 0),
        proof jsonb,
        proof_sha256 text,
        submissions integer NOT NULL,
        reviewer_id text,
        reason text,
        claimed_at timestamptz NOT NULL,
        submitted_at timestamptz,
        reviewed_at timestamptz,
        updated_at timestamptz NOT NULL,
        version integer NOT NULL,
        CONSTRAINT tickwork_tasks_one_claim UNIQUE (user_id, app_id)
      )`,
      'CREATE INDEX tickwork_tasks_review ON tickwork_tasks (status, (coalesce(submitted_at, claimed_at)), claimed_at, id)',
      'CREATE INDEX tickwork_tasks_proof ON tickwork_tasks (proof_sha256) WHERE proof_sha256 IS NOT NULL',
      `CREATE TABLE tickwork_ledger (
        seq bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
        user_id text NOT NULL REFERENCES tickwork_users (id),
        amount bigint NOT NULL CHECK (amount <> 0),
        kind text NOT NULL CHECK (kind IN ('award', 'adjustment')),
        reason text NOT NULL,
        reference text,
        actor_id text,
        idempotency_key text NOT NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT tickwork_ledger_idempotency UNIQUE (idempotency_key)
      )`,
      'CREATE INDEX tickwork_ledger_user ON tickwork_ledger (user_id, seq DESC)',
    ],
  },
  {
    id: 'isin-001-snapshots',
    statements: [
      `CREATE TABLE IF NOT EXISTS tickwork_isin_snapshots (
        name text PRIMARY KEY,
        fence bigint NOT NULL DEFAULT 0,
        meta jsonb NOT NULL,
        data bytea NOT NULL,
        saved_at timestamptz NOT NULL DEFAULT now()
      )`,
    ],
  },
  {
    // Proof images, content-addressed: the key is the SHA-256 of the bytes, so one row per distinct image.
    id: 'domain-002-proofs',
    statements: [
      `CREATE TABLE tickwork_proofs (
        sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        bytes bytea NOT NULL,
        size integer NOT NULL CHECK (size = octet_length(bytes)),
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
    ],
  },
  {
    // Approval and award in one call (`TaskRepository.approve`). A function rather than one big statement: its
    // statements' plans are cached per connection, where a one-off CTE is planned on every call (measured: 0.23
    // of its 0.55 ms of server time). The award is a plain INSERT: an existing key raises, and the task update
    // goes with it. Tables resolve through the caller's search_path, like every other statement of the adapter.
    id: 'domain-003-approve-task',
    statements: [
      `CREATE FUNCTION tickwork_approve_task(
        p_task_id text, p_reviewer_id text, p_now timestamptz, p_from text[], p_expected_version integer,
        p_award_id text, p_kind text, p_reason text, p_actor_id text, p_key text,
        OUT moved_row json, OUT award_row json, OUT found_row json
      ) LANGUAGE plpgsql AS $fn$
      DECLARE
        moved tickwork_tasks;
        awarded tickwork_ledger;
      BEGIN
        UPDATE tickwork_tasks
           SET status = 'approved', reviewer_id = p_reviewer_id, reviewed_at = p_now, reason = NULL,
               updated_at = p_now, version = version + 1
         WHERE id = p_task_id AND status = ANY(p_from) AND user_id <> p_reviewer_id
           AND (p_expected_version IS NULL OR version = p_expected_version)
        RETURNING * INTO moved;
        IF FOUND THEN
          INSERT INTO tickwork_ledger (id, user_id, amount, kind, reason, reference, actor_id, idempotency_key, created_at)
          VALUES (p_award_id, moved.user_id, moved.points, p_kind, p_reason, moved.id, p_actor_id, p_key, p_now)
          RETURNING * INTO awarded;
          moved_row := row_to_json(moved);
          award_row := row_to_json(awarded);
        ELSE
          SELECT row_to_json(t) INTO found_row FROM tickwork_tasks t WHERE t.id = p_task_id;
        END IF;
      END
      $fn$`,
    ],
  },
  lockMigration,
  lockConsoleMigration,
  ledgerAwardMigration,
  lockMembersMigration,
  lockPlansMigration,
];
