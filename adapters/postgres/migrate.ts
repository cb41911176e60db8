import type { Migration } from './migration.js';
import { migrations } from './migrations.js';
import { translatePgError } from './pg-errors.js';
import type { SqlClient } from './sql-client.js';
import { withTransaction } from './sql-client.js';

/** What {@link migrate} did. */
export interface MigrateResult {
  /** Ids applied by this call, in order; empty when the schema was up to date. */
  readonly applied: readonly string[];
}

/** Applies `list` to the current schema (`search_path`), once each, safely from many processes at once. */
async function runMigrations(db: SqlClient, list: readonly Migration[]): Promise<MigrateResult> {
  try {
    return await withTransaction(db, async (tx) => {
      // One migrator per schema at a time; the others wait here, then find nothing left to do.
      await tx.query("SELECT pg_advisory_xact_lock(hashtext('tickwork:migrate:' || current_schema()))");
      await tx.query(
        'CREATE TABLE IF NOT EXISTS tickwork_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const done = new Set(
        ((await tx.query('SELECT id FROM tickwork_migrations')).rows as { id: string }[]).map((r) => r.id),
      );
      const applied: string[] = [];
      for (const migration of list) {
        if (done.has(migration.id)) continue;
        for (const statement of migration.statements) await tx.query(statement);
        await tx.query('INSERT INTO tickwork_migrations (id) VALUES ($1)', [migration.id]);
        applied.push(migration.id);
      }
      return { applied };
    });
  } catch (error) {
    throw translatePgError(error, 'Migration failed');
  }
}

/**
 * Creates or updates every table tickwork's PostgreSQL adapters use, in the current schema. Idempotent, and
 * safe when several processes migrate at once (an advisory lock serialises them).
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { migrate } from 'tickwork/postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await migrate(pool);
 * ```
 */
export function migrate(db: SqlClient): Promise<MigrateResult> {
  return runMigrations(db, migrations);
}
