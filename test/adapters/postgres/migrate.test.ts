import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../adapters/postgres/index.js';
import { migrations } from '../../../adapters/postgres/migrations.js';
import type { SqlClient } from '../../../adapters/postgres/sql-client.js';
import { withTransaction } from '../../../adapters/postgres/sql-client.js';
import { isTickworkError } from '../../../src/index.js';
import { freshPglite, isolatedPool } from '../../helpers/postgres.js';
import { DATABASE_URL, describeWithPostgres } from '../../helpers/services.js';

const ids = migrations.map((m) => m.id);
const tableExists = async (db: SqlClient, table: string) =>
  ((await db.query('SELECT to_regclass($1) AS t', [table])).rows[0] as { t: string | null }).t !== null;

function suite(name: string, open: () => Promise<{ db: SqlClient; close(): Promise<void> }>) {
  describe(`migrations and transactions on ${name}`, () => {
    let db: SqlClient;
    let close: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      ({ db, close } = await open());
    });
    // After a failed set-up there is nothing to close, and the set-up error is the one to report.
    afterAll(() => close?.());

    it('rolls a failed migration back whole and reports a coded error', async () => {
      // A table in the way makes the first migration fail after it has created others in its transaction.
      await db.query('CREATE TABLE tickwork_apps (x int)');
      const error = await migrate(db).catch((e: unknown) => e);
      expect(isTickworkError(error)).toBe(true);
      expect(await tableExists(db, 'tickwork_users')).toBe(false);
      expect(await tableExists(db, 'tickwork_migrations')).toBe(false);
      await db.query('DROP TABLE tickwork_apps');
    });

    it('applies each migration once, in order', async () => {
      expect(await migrate(db)).toEqual({ applied: ids });
      expect(await migrate(db)).toEqual({ applied: [] });
      const recorded = await db.query('SELECT id FROM tickwork_migrations');
      expect((recorded.rows as { id: string }[]).map((r) => r.id).sort()).toEqual([...ids].sort());
      expect(await tableExists(db, 'tickwork_users')).toBe(true);
    });

    it('commits a transaction, and rolls it back when the callback throws', async () => {
      await db.query('CREATE TABLE t_items (id int PRIMARY KEY, n int NOT NULL)');
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
      const results = await Promise.all([migrate(pool), migrate(other)]);
      expect(results.flatMap((r) => r.applied).sort()).toEqual([...ids].sort());
    } finally {
      await other.end();
      await close();
    }
  });
});
