/**
 * The structural PostgreSQL client the adapters accept. `pg.Pool`, `pg.Client` and PGlite all fit without a
 * wrapper; the adapters never import a driver and never close a client they did not create.
 */

/** What a query resolves to: pg's `QueryResult` and PGlite's `Results` both fit. */
export interface SqlResult {
  /** Result rows, one object per row, keyed by column name. */
  rows: unknown[];
  /** Rows affected (pg). */
  rowCount?: number | null;
  /** Rows affected (PGlite). */
  affectedRows?: number;
}

/** Anything that runs one parameterised statement: `pg.Pool`, `pg.Client`, `pg.PoolClient`, PGlite. */
export interface SqlClient {
  /** Runs `text` with `$1…$n` bound to `params`. */
  query(text: string, params?: unknown[]): Promise<SqlResult>;
}

/** A connection lent by a {@link SqlPool}, such as `pg.PoolClient`. */
export interface SqlPoolConnection extends SqlClient {
  /** Returns the connection to its pool; with an error, the pool discards it instead. */
  release(destroy?: boolean | Error): void;
  /**
   * Adds an event listener (pg's `EventEmitter`). The adapter listens for `error` while it holds the connection:
   * pg emits one when the server ends the connection between statements, and an `error` event nobody listens
   * to ends the process.
   */
  on?(event: 'error', listener: (error: Error) => void): unknown;
  /** Removes a listener added with `on`. */
  off?(event: 'error', listener: (error: Error) => void): unknown;
}

/** A pool that lends dedicated connections, such as `pg.Pool`. Transactions run on a lent connection. */
export interface SqlPool extends SqlClient {
  /** Lends a connection; the adapter calls `release()` when its transaction ends. */
  connect(): Promise<SqlPoolConnection>;
}

/** A client with its own transaction method, such as PGlite. */
export interface SqlTransactional extends SqlClient {
  /** Runs `fn` inside BEGIN … COMMIT, rolling back if it throws. */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
}

// pg.Client has a `connect()` too (it opens its one connection); only a pool counts its connections.
function isPool(db: SqlClient): db is SqlPool {
  return typeof (db as Partial<SqlPool>).connect === 'function' && 'totalCount' in db;
}

function isTransactional(db: SqlClient): db is SqlTransactional {
  return typeof (db as Partial<SqlTransactional>).transaction === 'function';
}

// A single connection (pg.Client) cannot run two transactions at once: their statements would interleave.
// Transactions on one connection are therefore queued, per connection object.
const queues = new WeakMap<SqlClient, Promise<unknown>>();

async function onOneConnection<T>(db: SqlClient, fn: (tx: SqlClient) => Promise<T>): Promise<T> {
  await db.query('BEGIN');
  try {
    const result = await fn(db);
    await db.query('COMMIT');
    return result;
  } catch (error) {
    await db.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/**
 * Runs `fn` in one transaction on `db`: on a lent connection for a pool, through `transaction()` for PGlite,
 * and queued per connection for a single `pg.Client`. Commits when `fn` resolves, rolls back when it throws.
 */
export async function withTransaction<T>(db: SqlClient, fn: (tx: SqlClient) => Promise<T>): Promise<T> {
  if (isPool(db)) {
    const connection = await db.connect();
    let broken: Error | undefined;
    // Lent connections have no listener of the pool's (pg removes its idle one while a connection is out):
    // without this one, a connection the server ends mid-transaction (a restart, a failover,
    // pg_terminate_backend) would crash the process. The statement in flight fails on its own; the connection
    // is discarded on release.
    const onError = (error: Error) => {
      broken ??= error;
    };
    connection.on?.('error', onError);
    try {
      await connection.query('BEGIN');
      const result = await fn(connection);
      await connection.query('COMMIT');
      return result;
    } catch (error) {
      await connection.query('ROLLBACK').catch((rollbackError: Error) => {
        // A connection that cannot roll back is not fit to return to the pool.
        broken = rollbackError;
      });
      throw error;
    } finally {
      connection.off?.('error', onError);
      connection.release(broken);
    }
  }
  if (isTransactional(db)) return db.transaction(fn);
  const previous = queues.get(db) ?? Promise.resolve();
  const run = previous.then(
    () => onOneConnection(db, fn),
    () => onOneConnection(db, fn),
  );
  queues.set(
    db,
    run.catch(() => {}),
  );
  return run;
}

/** The number of rows a statement affected, whichever driver ran it. */
export function affectedRows(result: SqlResult): number {
  return result.rowCount ?? result.affectedRows ?? 0;
}
