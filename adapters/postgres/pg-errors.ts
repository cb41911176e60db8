import { isTickworkError, TickworkError } from '../../src/adapter-kit.js';

type Translation = readonly [TickworkError['code'], string];

/** Messages that say what happened without any of the driver's text (hosts, ports, SQL). */
const UNAVAILABLE: Translation = ['UNAVAILABLE', 'the database is unavailable; try again shortly'];
const TIMEOUT: Translation = ['TIMEOUT', 'the database did not answer in time'];

/** SQLSTATEs and what they become, in tickwork's words; see the PostgreSQL manual, appendix A. */
function translationFor(sqlState: string): Translation | undefined {
  if (sqlState === '23505') return ['CONFLICT', 'a row with the same key exists']; // unique_violation
  if (sqlState === '23503') return ['CONFLICT', 'a row it refers to is gone']; // foreign_key_violation
  if (sqlState === '23514' || sqlState === '23502' || sqlState === '22P02' || sqlState === '22003') {
    return ['VALIDATION', 'a value breaks a column rule'];
  }
  if (sqlState === '40001' || sqlState === '40P01') return ['CONFLICT', 'a concurrent transaction got in the way'];
  if (sqlState === '57014') return TIMEOUT; // query_canceled (statement_timeout)
  // Connection exceptions, admin/crash shutdown, cannot connect now, too many connections, and the server
  // ending a session left idle in a transaction: the database is away, not the request wrong.
  if (sqlState.startsWith('08') || /^57P0[123]$/.test(sqlState) || sqlState === '53300' || sqlState === '25P03') {
    return UNAVAILABLE;
  }
  return undefined;
}

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

// pg reports a lost or timed-out connection without a SQLSTATE ("Connection terminated unexpectedly",
// "Client has encountered a connection error and is not queryable", "timeout exceeded when trying to connect",
// "Query read timeout"): recognised by their stable wording.
const lostConnection = /connection|terminated|not queryable|timeout|timed out/i;

/**
 * Turns a driver error into a `TickworkError` with a code a caller can act on, keeping the original as
 * `cause`. Unknown errors become `INTERNAL`; an error that already is a `TickworkError` passes through.
 *
 * The message is `context`, plus what the failure means in tickwork's words; the driver's own text is never
 * copied into it. It stays in `cause` (and `details.sqlState`), where loggers print the chain once (pino:
 * `Migration failed: database "x" does not exist`), and it never reaches an HTTP client.
 */
export function translatePgError(error: unknown, context: string): TickworkError {
  if (isTickworkError(error)) return error;
  const e = (error ?? {}) as { code?: unknown; constraint?: unknown; message?: unknown };
  const driverCode = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(error);
  const [code, reason] =
    translationFor(driverCode) ??
    (networkCodes.has(driverCode) || (driverCode === '' && lostConnection.test(message))
      ? UNAVAILABLE
      : (['INTERNAL', ''] as const));
  const text = reason === '' ? context : `${context}: ${reason}`;
  // When the database is away, the error says only that: no SQLSTATE or constraint to act on.
  if (code === 'UNAVAILABLE' || code === 'TIMEOUT') return new TickworkError(code, text, { cause: error });
  return new TickworkError(code, text, {
    cause: error,
    details: {
      sqlState: driverCode || undefined,
      constraint: typeof e.constraint === 'string' ? e.constraint : undefined,
    },
  });
}
