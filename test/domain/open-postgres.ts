/**
 * Migrated PostgreSQL repositories for tests: PGlite in-process, or a fresh schema on the real server. Starting
 * PGlite and migrating a schema cost seconds, so the suites of one test file share one database, closed when
 * the last suite closes it; the suites use random ids and never assume an empty table.
 */
import { migrate } from '../../adapters/postgres/migrate.js';
import { postgresRepositories } from '../../adapters/postgres/repositories.js';
import type { SqlClient } from '../../adapters/postgres/sql-client.js';
import type { Repositories } from '../../src/domain/repositories.js';
import { freshPglite, isolatedPool } from '../helpers/postgres.js';

type Opened = { repositories: Repositories; close(): Promise<void> };

function sharedOpener(create: () => Promise<{ db: SqlClient; close(): Promise<void> }>): () => Promise<Opened> {
  let shared: { ready: Promise<{ db: SqlClient; close(): Promise<void> }>; users: number } | undefined;
  return async () => {
    shared ??= {
      ready: create().then(async (opened) => {
        await migrate(opened.db);
        return opened;
      }),
      users: 0,
    };
    const current = shared;
    current.users++;
    const { db, close } = await current.ready;
    return {
      repositories: postgresRepositories({ db }),
      async close() {
        if (--current.users > 0) return;
        if (shared === current) shared = undefined;
        await close();
      },
    };
  };
}

/** PGlite repositories (one database per test file). */
export const openPglite = sharedOpener(async () => {
  const db = await freshPglite();
  return { db, close: () => db.close() };
});

/** Repositories on the real server (one schema per test file), over a pool of `max` connections. */
export function serverOpener(max = 10): () => Promise<Opened> {
  return sharedOpener(async () => {
    const { pool, close } = await isolatedPool(max);
    return { db: pool, close };
  });
}
