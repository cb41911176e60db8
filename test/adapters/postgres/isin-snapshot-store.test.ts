import { isinSnapshotStoreConformance } from 'tickwork/testing';
import { postgresIsinSnapshotStore } from '../../../adapters/postgres/isin-snapshot-store.js';
import { migrate } from '../../../adapters/postgres/migrate.js';
import { freshPglite, isolatedPool } from '../../helpers/postgres.js';
import { describeWithPostgres } from '../../helpers/services.js';

isinSnapshotStoreConformance('postgres on PGlite', async () => {
  const db = await freshPglite();
  await migrate(db);
  return { store: postgresIsinSnapshotStore({ db }), close: () => db.close() };
});

describeWithPostgres('real PostgreSQL server', () => {
  isinSnapshotStoreConformance('postgres on a server', async () => {
    const { pool, close } = await isolatedPool(4);
    await migrate(pool);
    return { store: postgresIsinSnapshotStore({ db: pool }), close };
  });
});
