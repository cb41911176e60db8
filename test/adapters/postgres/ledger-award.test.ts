/**
 * Migration domain-004: the ledger no longer holds a foreign key to the users, so an approval's award locks
 * no user row (a key check would take `FOR KEY SHARE` on it, and concurrent awards to one user a multixact).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../adapters/postgres/migrate.js';
import { postgresRepositories } from '../../../adapters/postgres/repositories.js';
import type { SqlClient } from '../../../adapters/postgres/sql-client.js';
import { appRow, entryRow, taskRow, userRow } from '../../../src/testing/rows.js';
import { freshPglite, isolatedPool } from '../../helpers/postgres.js';
import { describeWithPostgres } from '../../helpers/services.js';

const ID = 'domain-004-ledger-award';

/**
 * Puts the schema where a database migrated before domain-004 existed stands: every other migration
 * applied and the ledger's key to the users in place (as domain-001 created it).
 */
async function migrateBeforeLedgerAward(db: SqlClient): Promise<void> {
  await migrate(db);
  await db.query(
    'ALTER TABLE tickwork_ledger ADD CONSTRAINT tickwork_ledger_user_id_fkey FOREIGN KEY (user_id) REFERENCES tickwork_users (id)',
  );
  await db.query('DELETE FROM tickwork_migrations WHERE id = $1', [ID]);
}

const userKeys = async (db: SqlClient) =>
  (
    await db.query(
      `SELECT conname FROM pg_constraint
       WHERE conrelid = 'tickwork_ledger'::regclass AND contype = 'f' AND confrelid = 'tickwork_users'::regclass`,
    )
  ).rows;

function suite(name: string, open: () => Promise<{ db: SqlClient; close(): Promise<void> }>) {
  describe(`the ledger's award path on ${name}`, () => {
    let db: SqlClient;
    let close: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      ({ db, close } = await open());
    });
    // After a failed set-up there is nothing to close, and the set-up error is the one to report.
    afterAll(() => close?.());

    it('migrates a schema that has entries, keeping them, and drops only the key to the users', async () => {
      await migrateBeforeLedgerAward(db);
      expect(await userKeys(db)).toHaveLength(1);
      const repos = postgresRepositories({ db });
      const user = userRow();
      await repos.users.insert(user);
      const entry = entryRow(user.id);
      await repos.ledger.append(entry);

      expect(await migrate(db)).toEqual({ applied: [ID] });
      expect(await userKeys(db)).toEqual([]);
      expect(await repos.ledger.findByKey(entry.idempotencyKey)).toEqual(entry);
      expect(await migrate(db)).toEqual({ applied: [] });
    });

    it("approves and awards without locking the owner's user row", async () => {
      const repos = postgresRepositories({ db });
      const [owner, admin] = [userRow(), userRow({ role: 'admin' })];
      await repos.users.insert(owner);
      await repos.users.insert(admin);
      const app = appRow();
      await repos.apps.insert(app);
      const task = taskRow(owner.id, app.id, { status: 'submitted', submissions: 1 });
      await repos.tasks.insert(task);
      // The task's own key to the user locked the row as the task was inserted; the approval must add no lock.
      const xmax = async () =>
        (await db.query('SELECT xmax::text AS xmax FROM tickwork_users WHERE id = $1', [owner.id])).rows;
      const claimed = await xmax();
      const outcome = await repos.tasks.approve({
        taskId: task.id,
        reviewerId: admin.id,
        from: ['submitted'],
        now: new Date(),
        award: { id: randomUUID(), kind: 'award', reason: 'r', actorId: admin.id, idempotencyKey: `k:${task.id}` },
      });
      expect(outcome).toMatchObject({ approved: true, award: { userId: owner.id, amount: task.points } });
      // A key check would have put the approving transaction's id in xmax, as a lock-only marker.
      expect(await xmax()).toEqual(claimed);
    });
  });
}

suite('PGlite', async () => {
  const db = await freshPglite();
  return { db, close: () => db.close() };
});

describeWithPostgres('PostgreSQL server', () => {
  suite('a pg.Pool', async () => {
    const { pool, close } = await isolatedPool();
    return { db: pool, close };
  });
});
