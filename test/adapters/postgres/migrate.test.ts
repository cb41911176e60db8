import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../../adapters/postgres/migrate.js';
import type { SqlClient } from '../../../adapters/postgres/sql-client.js';
import { withTransaction } from '../../../adapters/postgres/sql-client.js';
import { isTickworkError } from '../../../src/errors.js';
import { freshPglite, isolatedPool } from '../../helpers/postgres.js';
import { DATABASE_URL, describeWithPostgres } from '../../helpers/services.js';

const list = [
  { id: 't-001', statements: ['CREATE TABLE t_items (id int PRIMARY KEY, n int NOT NULL)'] },
  { id: 't-002', statements: ['ALTER TABLE t_items ADD COLUMN note text', 'CREATE INDEX t_items_n ON t_items (n)'] },
];

function suite(name: string, open: () => Promise<{ db: SqlClient; close(): Promise<void> }>) {
  describe(`migrations and transactions on ${name}`, () => {
    let db: SqlClient;
    let close: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      ({ db, close } = await open());
    });
    // After a failed set-up there is nothing to close, and the set-up error is the one to report.
    afterAll(() => close?.());

    it('applies each migration once, in order', async () => {
      expect(await runMigrations(db, list)).toEqual({ applied: ['t-001', 't-002'] });
      expect(await runMigrations(db, list)).toEqual({ applied: [] });
      const cols = await db.query(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 't_items' AND table_schema = current_schema() ORDER BY ordinal_position",
      );
      expect((cols.rows as { column_name: string }[]).map((r) => r.column_name)).toEqual(['id', 'n', 'note']);
    });

    it('rolls a failed migration back whole and reports a coded error', async () => {
      const bad = [...list, { id: 't-003', statements: ['CREATE TABLE t_ok (x int)', 'CREATE TABLE t_items (x int)'] }];
      const error = await runMigrations(db, bad).catch((e: unknown) => e);
      expect(isTickworkError(error)).toBe(true);
      const exists = await db.query("SELECT to_regclass('t_ok') AS t");
      expect((exists.rows[0] as { t: string | null }).t).toBeNull();
      const ids = await db.query('SELECT id FROM tickwork_migrations ORDER BY id');
      expect((ids.rows as { id: string }[]).map((r) => r.id)).toEqual(['t-001', 't-002']);
    });

    it('commits a transaction, and rolls it back when the callback throws', async () => {
      await withTransaction(db, (tx) => tx.query('INSERT INTO t_items (id, n) VALUES (1, 1)'));
      await expect(
        withTransaction(db, async (tx) => {
          await tx.query('INSERT INTO t_items (id, n) VALUES (2, 2)');
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      const rows = await db.query('SELECT id FROM t_items ORDER BY id');
      expect(rows.rows).toEqual([{ id: 1 }]);
    });

    it('keeps concurrent read-modify-write transactions apart', async () => {
      await db.query('INSERT INTO t_items (id, n) VALUES (10, 0)');
      await Promise.all(
        Array.from({ length: 20 }, () =>
          withTransaction(db, async (tx) => {
            const r = await tx.query('SELECT n FROM t_items WHERE id = 10 FOR UPDATE');
            const n = (r.rows[0] as { n: number }).n;
            await tx.query('UPDATE t_items SET n = $1 WHERE id = 10', [n + 1]);
          }),
        ),
      );
      expect((await db.query('SELECT n FROM t_items WHERE id = 10')).rows).toEqual([{ n: 20 }]);
    });
  });
}

suite('PGlite', async () => {
  const db: PGlite = await freshPglite();
  return { db, close: () => db.close() };
});

describeWithPostgres('PostgreSQL server', () => {
  suite('a pg.Pool', async () => {
    const { pool, close } = await isolatedPool();
    return { db: pool, close };
  });

  // A connected pg.Client has a connect() too: transactions must queue on its one connection, not call it again.
  suite('a connected pg.Client', async () => {
    const { schema, close } = await isolatedPool(1);
    const client = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
    await client.connect();
    return {
      db: client,
      close: async () => {
        await client.end();
        await close();
      },
    };
  });

  it('lets two processes-worth of pools migrate the same schema at once', async () => {
    const { pool, schema, close } = await isolatedPool();
    const other = new pg.Pool({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
    try {
      const results = await Promise.all([runMigrations(pool, list), runMigrations(other, list)]);
      expect(results.flatMap((r) => r.applied).sort()).toEqual(['t-001', 't-002']);
    } finally {
      await other.end();
      await close();
    }
  });
});
