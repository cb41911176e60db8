/**
 * The tests run on a fresh server: the database named in `DATABASE_URL` is created when missing, once, even
 * when two runs race to create it.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase, databaseName, ensureDatabase, maintenanceUrl } from './ensure-database.js';
import { DATABASE_URL, describeWithPostgres, randomSuffix } from './services.js';

describe('database URLs', () => {
  it('names the database, and the maintenance database on the same server', () => {
    expect(databaseName('postgres://u:p@h:5433/my%20db?sslmode=disable')).toBe('my db');
    expect(databaseName('postgres://ann@h')).toBe('ann');
    expect(maintenanceUrl('postgres://u:p@h:5433/my_db?sslmode=disable')).toBe(
      'postgres://u:p@h:5433/postgres?sslmode=disable',
    );
  });
});

describeWithPostgres('ensureDatabase', () => {
  const name = `tw_fresh_${randomSuffix()}`;
  const url = Object.assign(new URL(DATABASE_URL), { pathname: `/${name}` }).href;
  const admin = () => new pg.Client({ connectionString: maintenanceUrl(DATABASE_URL) });

  afterAll(async () => {
    const c = admin();
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await c.end();
    }
  });

  it('creates a missing database, when several creators race', async () => {
    const c = new pg.Client({ connectionString: url });
    await expect(c.connect()).rejects.toMatchObject({ code: '3D000' });
    // Four creators at once, as four test processes of two runs would: all see no database, one CREATE wins,
    // the others lose with 42P04 or 23505, and none of them may fail.
    await Promise.all([createDatabase(url), createDatabase(url), createDatabase(url), ensureDatabase(url)]);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    expect((await client.query('SELECT current_database() AS db')).rows[0]).toEqual({ db: name });
    await client.end();
    await ensureDatabase(url); // once there, a no-op
  });
});
