/**
 * PostgreSQL adapters over any structural `query()` client: `pg.Pool`, `pg.Client` or PGlite.
 *
 * @module tickwork/postgres
 */

export type { PostgresIsinSnapshotStoreOptions } from './isin-snapshot-store.js';
export { postgresIsinSnapshotStore } from './isin-snapshot-store.js';
export type { PostgresLockOptions } from './lock.js';
export { postgresLock } from './lock.js';
export type { MigrateResult } from './migrate.js';
export { migrate } from './migrate.js';
export type { Migration } from './migration.js';
export type { PostgresProofStoreOptions } from './proof-store.js';
export { postgresProofStore } from './proof-store.js';
export type { PostgresRepositoriesOptions } from './repositories.js';
export { postgresRepositories } from './repositories.js';
export type { SqlClient, SqlPool, SqlPoolConnection, SqlResult, SqlTransactional } from './sql-client.js';
