/** Isolated PostgreSQL targets for adapter tests: a fresh schema on the real server, or a fresh PGlite. */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { ensureDatabase } from './ensure-database.js';
import { DATABASE_URL, randomSuffix } from './services.js';

/** Runs one statement on its own connection to `DATABASE_URL`, and always ends that connection. */
async function adminQuery(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/**
 * A pool whose every connection uses its own new schema; `close()` drops the schema and ends the pool. The
 * database of `DATABASE_URL` is created first when the server lacks it.
 */
export async function isolatedPool(max = 10): Promise<{ pool: pg.Pool; schema: string; close(): Promise<void> }> {
  await ensureDatabase(DATABASE_URL);
  const schema = `tw_test_${randomSuffix()}`;
  await adminQuery(`CREATE SCHEMA ${schema}`);
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max, options: `-c search_path=${schema}` });
  return {
    pool,
    schema,
    async close() {
      await pool.end();
      await adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    },
  };
}

/** A new in-process PGlite database. */
export async function freshPglite(): Promise<PGlite> {
  const db = new PGlite();
  await db.waitReady;
  return db;
}
