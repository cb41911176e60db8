/** Isolated PostgreSQL targets for adapter tests: a fresh schema on the real server, or a fresh PGlite. */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { DATABASE_URL, randomSuffix } from './services.js';

/** A pool whose every connection uses its own new schema; `close()` drops the schema and ends the pool. */
export async function isolatedPool(max = 10): Promise<{ pool: pg.Pool; schema: string; close(): Promise<void> }> {
  const schema = `tw_test_${randomSuffix()}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max, options: `-c search_path=${schema}` });
  return {
    pool,
    schema,
    async close() {
      await pool.end();
      const c = new pg.Client({ connectionString: DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}

/** A new in-process PGlite database. */
export async function freshPglite(): Promise<PGlite> {
  const db = new PGlite();
  await db.waitReady;
  return db;
}
