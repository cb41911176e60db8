/**
 * Every wait of an example server, bounded: PostgreSQL, Redis, start-up, HTTP requests and the ISIN sync.
 * Each bound has an environment variable and a default, read by {@link loadTimeouts} and listed in the
 * "Operational bounds" table of docs/examples.md.
 */
import { z } from 'zod';

const ms = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const timeoutsSchema = z.object({
  PG_CONNECT_TIMEOUT_MS: ms(5_000),
  PG_STATEMENT_TIMEOUT_MS: ms(15_000),
  PG_IDLE_IN_TRANSACTION_TIMEOUT_MS: ms(10_000),
  PG_QUERY_TIMEOUT_MS: ms(20_000),
  PG_POOL_MAX: ms(10),
  REDIS_CONNECT_TIMEOUT_MS: ms(5_000),
  REDIS_COMMAND_TIMEOUT_MS: ms(5_000),
  STARTUP_TIMEOUT_MS: ms(30_000),
  HTTP_HEADERS_TIMEOUT_MS: ms(10_000),
  HTTP_REQUEST_TIMEOUT_MS: ms(50_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: ms(5_000),
  ISIN_SYNC_TIMEOUT_MS: ms(15 * 60_000),
});

/** The variables {@link loadTimeouts} reads, for `loadConfig`'s own schema. */
export const timeoutsEnvSchema = timeoutsSchema;

/** The bounds of an example server, in milliseconds (the pool size is a count). */
export interface Timeouts {
  /** Opening a PostgreSQL connection (`PG_CONNECT_TIMEOUT_MS`, default 5 s): pg's `connectionTimeoutMillis`. */
  readonly pgConnectMs: number;
  /** One statement, enforced by the server (`PG_STATEMENT_TIMEOUT_MS`, default 15 s): `statement_timeout`. */
  readonly pgStatementMs: number;
  /**
   * A transaction left idle, enforced by the server (`PG_IDLE_IN_TRANSACTION_TIMEOUT_MS`, default 10 s):
   * `idle_in_transaction_session_timeout`, so a stuck request never holds row locks for long.
   */
  readonly pgIdleInTransactionMs: number;
  /**
   * One query, enforced by the client (`PG_QUERY_TIMEOUT_MS`, default 20 s): pg's `query_timeout`, for a server
   * that accepted the connection but no longer answers (a statement timeout needs an answering server).
   */
  readonly pgQueryMs: number;
  /** Connections in the PostgreSQL pool (`PG_POOL_MAX`, default 10). */
  readonly pgPoolMax: number;
  /** Opening the Redis connection (`REDIS_CONNECT_TIMEOUT_MS`, default 5 s): ioredis `connectTimeout`. */
  readonly redisConnectMs: number;
  /** One Redis command (`REDIS_COMMAND_TIMEOUT_MS`, default 5 s): ioredis `commandTimeout`. */
  readonly redisCommandMs: number;
  /**
   * Connecting, migrating and listening (`STARTUP_TIMEOUT_MS`, default 30 s): past it the process logs why and
   * exits 1 instead of hanging on a database or Redis that accepts connections but never answers.
   */
  readonly startupMs: number;
  /** Receiving a request's headers (`HTTP_HEADERS_TIMEOUT_MS`, default 10 s); no larger than the request bound. */
  readonly httpHeadersMs: number;
  /**
   * Receiving a whole request, body included (`HTTP_REQUEST_TIMEOUT_MS`, default 50 s): a client trickling its
   * body is cut off with 408 within this bound plus one second (connections are checked every second).
   */
  readonly httpRequestMs: number;
  /** How long an idle keep-alive connection stays open (`HTTP_KEEP_ALIVE_TIMEOUT_MS`, default 5 s). */
  readonly httpKeepAliveMs: number;
  /** One run of the ISIN sync, download included (`ISIN_SYNC_TIMEOUT_MS`, default 15 min): the job's deadline. */
  readonly isinSyncMs: number;
}

/** Turns the parsed variables into {@link Timeouts}. */
export function toTimeouts(e: z.infer<typeof timeoutsSchema>): Timeouts {
  return {
    pgConnectMs: e.PG_CONNECT_TIMEOUT_MS,
    pgStatementMs: e.PG_STATEMENT_TIMEOUT_MS,
    pgIdleInTransactionMs: e.PG_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    pgQueryMs: e.PG_QUERY_TIMEOUT_MS,
    pgPoolMax: e.PG_POOL_MAX,
    redisConnectMs: e.REDIS_CONNECT_TIMEOUT_MS,
    redisCommandMs: e.REDIS_COMMAND_TIMEOUT_MS,
    startupMs: e.STARTUP_TIMEOUT_MS,
    // Node refuses a headers bound above the request bound.
    httpHeadersMs: Math.min(e.HTTP_HEADERS_TIMEOUT_MS, e.HTTP_REQUEST_TIMEOUT_MS),
    httpRequestMs: e.HTTP_REQUEST_TIMEOUT_MS,
    httpKeepAliveMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    isinSyncMs: e.ISIN_SYNC_TIMEOUT_MS,
  };
}

/**
 * Options for `http.createServer` (Express) and Fastify's `http` option: the header and request bounds, and a
 * one-second check of them (Node's default checks every 30 s, which would let a slow client run 30 s over).
 */
export function httpServerOptions(timeouts: Timeouts): {
  headersTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  connectionsCheckingInterval: number;
} {
  return {
    headersTimeout: timeouts.httpHeadersMs,
    requestTimeout: timeouts.httpRequestMs,
    keepAliveTimeout: timeouts.httpKeepAliveMs,
    connectionsCheckingInterval: Math.min(1_000, timeouts.httpRequestMs),
  };
}

/**
 * Resolves as `promise` does, or rejects with `error()` once `ms` have passed, whichever comes first. For waits
 * on an API that takes no `AbortSignal`: the work itself goes on, only the wait ends.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
