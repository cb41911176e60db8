/**
 * The examples' PostgreSQL pool: bounded by the configured timeouts, and unable to crash the process. A
 * connection the server ends (restart, failover, `pg_terminate_backend`) emits `error`; an idle one reaches the
 * pool's listener here, a lent one the listener every connection gets here and the adapter's own (see
 * `withTransaction`, which discards the connection).
 */
import pg from 'pg';
import type { ExampleLogger } from './logger.js';
import type { Timeouts } from './timeouts.js';

/** Creates the pool for `connectionString` with every bound of `timeouts` applied. */
export function createPgPool(connectionString: string, timeouts: Timeouts, logger: ExampleLogger): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: timeouts.pgPoolMax,
    connectionTimeoutMillis: timeouts.pgConnectMs,
    // Server side: a statement or an idle transaction past its bound is ended by PostgreSQL itself.
    statement_timeout: timeouts.pgStatementMs,
    idle_in_transaction_session_timeout: timeouts.pgIdleInTransactionMs,
    // Client side: a server that stopped answering altogether cannot enforce the two above.
    query_timeout: timeouts.pgQueryMs,
  });
  const lost = (err: Error) => logger.warn({ err: err.message }, 'PostgreSQL connection lost');
  // An idle connection's error reaches the pool's listener.
  pool.on('error', lost);
  // Every connection gets its own listener for its whole life: pg hands a new connection out in the same tick
  // as its first "ready", and an error packet read right behind it (a backend terminated while starting) is
  // emitted before the borrower could add a listener of its own. The borrower still sees its query fail.
  pool.on('connect', (client) => client.on('error', lost));
  return pool;
}
