import { checkProofKey, TickworkError } from '../../src/adapter-kit.js';
import type { ProofStore } from '../../src/index.js';
import { translatePgError } from './pg-errors.js';
import type { SqlClient } from './sql-client.js';

/** Options of {@link postgresProofStore}. */
export interface PostgresProofStoreOptions {
  /** Any structural `query()` client: `pg.Pool`, `pg.Client` or PGlite. Never closed by the store. Run `migrate(db)` first. */
  readonly db: SqlClient;
}

/**
 * A `ProofStore` in the table `tickwork_proofs`: one row per SHA-256, the bytes as `bytea`. Every process of a
 * fleet reads what any of them stored, and proofs outlive a restart. Content-addressed: the key is checked
 * against the bytes, and storing the same bytes again (also concurrently) keeps the one row.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createServices } from 'tickwork';
 * import { migrate, postgresProofStore, postgresRepositories } from 'tickwork/postgres';
 *
 * const db = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await migrate(db);
 * const services = createServices({ repositories: postgresRepositories({ db }), proofs: postgresProofStore({ db }) });
 * ```
 */
export function postgresProofStore(options: PostgresProofStoreOptions): ProofStore {
  const db = options?.db;
  if (typeof db?.query !== 'function') {
    throw new TickworkError('INVALID_OPTION', 'Expected `db` to be a client with query(text, params), got none', {
      details: { option: 'db' },
    });
  }
  const run = async (context: string, sql: string, params: unknown[]) => {
    try {
      return (await db.query(sql, params)).rows as Record<string, unknown>[];
    } catch (error) {
      throw translatePgError(error, context);
    }
  };
  return {
    async put(sha256, bytes) {
      checkProofKey(sha256, bytes);
      // The same bytes always have the same key: a second writer has nothing to add.
      await run(
        'Store proof',
        'INSERT INTO tickwork_proofs (sha256, bytes, size) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING',
        [sha256, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), bytes.byteLength],
      );
    },
    async get(sha256) {
      checkProofKey(sha256);
      const [row] = await run('Read proof', 'SELECT bytes FROM tickwork_proofs WHERE sha256 = $1', [sha256]);
      // A fresh copy, whatever the driver returned (pg: a Buffer, PGlite: a Uint8Array).
      return row && new Uint8Array(row.bytes as Uint8Array);
    },
    async has(sha256) {
      checkProofKey(sha256);
      return (await run('Read proof', 'SELECT 1 FROM tickwork_proofs WHERE sha256 = $1', [sha256])).length > 0;
    },
  };
}
