import {
  checkSnapshotName,
  checkSnapshotSave,
  IsinSet,
  staleFenceError,
  TickworkError,
} from '../../src/adapter-kit.js';
import type {
  IsinSnapshot,
  IsinSnapshotMeta,
  IsinSnapshotStore,
  SaveIsinSnapshotOptions,
  StoredIsinSnapshot,
} from '../../src/index.js';
import { translatePgError } from './pg-errors.js';
import type { SqlClient } from './sql-client.js';
import { affectedRows } from './sql-client.js';

/** Options of {@link postgresIsinSnapshotStore}. */
export interface PostgresIsinSnapshotStoreOptions {
  /** Any structural `query()` client: `pg.Pool`, `pg.Client` or PGlite. Run `migrate(db)` first. */
  readonly db: SqlClient;
}

const aborted = (signal: AbortSignal | undefined) => {
  if (signal?.aborted) throw new TickworkError('ABORTED', 'Snapshot operation aborted', { cause: signal.reason });
};

/**
 * An {@link IsinSnapshotStore} in the table `tickwork_isin_snapshots` (one row per name, the set as
 * `bytea`). The fence check and the write are one conditional upsert, so concurrent writers cannot both win.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { migrate, postgresIsinSnapshotStore } from 'tickwork/postgres';
 * const db = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await migrate(db);
 * const store = postgresIsinSnapshotStore({ db });
 * ```
 */
export function postgresIsinSnapshotStore(options: PostgresIsinSnapshotStoreOptions): IsinSnapshotStore {
  const db = options?.db;
  if (db === undefined || typeof db.query !== 'function') {
    throw new TickworkError('INVALID_OPTION', 'Expected `db` to be a client with a query() method', {
      details: { option: 'db' },
    });
  }
  return {
    async load(name, loadOptions): Promise<StoredIsinSnapshot | undefined> {
      checkSnapshotName(name);
      aborted(loadOptions?.signal);
      let rows: unknown[];
      try {
        ({ rows } = await db.query('SELECT fence, meta, data, saved_at FROM tickwork_isin_snapshots WHERE name = $1', [
          name,
        ]));
      } catch (error) {
        throw translatePgError(error, `Cannot load snapshot ${name}`);
      }
      const row = rows[0] as
        | { fence: string | number; meta: IsinSnapshotMeta | string; data: Uint8Array; saved_at: Date | string }
        | undefined;
      if (row === undefined) return undefined;
      return {
        set: IsinSet.fromBytes(row.data),
        meta: typeof row.meta === 'string' ? JSON.parse(row.meta) : row.meta,
        fence: Number(row.fence),
        savedAt: new Date(row.saved_at).toISOString(),
      };
    },

    async save(name: string, snapshot: IsinSnapshot, saveOptions?: SaveIsinSnapshotOptions): Promise<void> {
      const fence = checkSnapshotSave(name, saveOptions);
      aborted(saveOptions?.signal);
      let result: Awaited<ReturnType<SqlClient['query']>>;
      try {
        result = await db.query(
          `INSERT INTO tickwork_isin_snapshots (name, fence, meta, data, saved_at)
           VALUES ($1, $2, $3::jsonb, $4, now())
           ON CONFLICT (name) DO UPDATE
             SET fence = GREATEST(tickwork_isin_snapshots.fence, EXCLUDED.fence),
                 meta = EXCLUDED.meta, data = EXCLUDED.data, saved_at = EXCLUDED.saved_at
             WHERE $5::boolean OR tickwork_isin_snapshots.fence <= EXCLUDED.fence`,
          [name, fence ?? 0, JSON.stringify(snapshot.meta), Buffer.from(snapshot.set.toBytes()), fence === undefined],
        );
      } catch (error) {
        throw translatePgError(error, `Cannot save snapshot ${name}`);
      }
      if (affectedRows(result) === 0) {
        const current = await db
          .query('SELECT fence FROM tickwork_isin_snapshots WHERE name = $1', [name])
          .then((r) => Number((r.rows[0] as { fence?: unknown } | undefined)?.fence ?? 0));
        throw staleFenceError(name, fence ?? 0, current);
      }
    },
  };
}
