/**
 * PostgreSQL adapters over any structural `query()` client: `pg.Pool`, `pg.Client` or PGlite.
 *
 * @module tickwork/postgres
 */
export {};
