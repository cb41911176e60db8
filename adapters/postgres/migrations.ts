import { lockMigration } from './lock-migration.js';
import type { Migration } from './migrate.js';

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
  lockMigration,
];
