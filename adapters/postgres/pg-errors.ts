import { TickworkError } from '../../src/errors.js';

/** SQLSTATE classes and the codes they become; see the PostgreSQL manual, appendix A. */
function codeFor(sqlState: string): TickworkError['code'] | undefined {
  if (sqlState === '23505') return 'CONFLICT'; // unique_violation
  if (sqlState === '23503') return 'CONFLICT'; // foreign_key_violation: the row it points at is gone
  if (sqlState === '23514' || sqlState === '23502' || sqlState === '22P02' || sqlState === '22003') return 'VALIDATION';
  if (sqlState === '40001' || sqlState === '40P01') return 'CONFLICT'; // serialization failure, deadlock
  if (sqlState === '57014') return 'TIMEOUT'; // query_canceled (statement_timeout)
  // Connection exceptions, admin/crash shutdown, cannot connect now, too many connections, and the server
  // ending a session left idle in a transaction: the database is away, not the request wrong.
  if (sqlState.startsWith('08') || /^57P0[123]$/.test(sqlState) || sqlState === '53300' || sqlState === '25P03') {
    return 'UNAVAILABLE';
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

/** Messages that say what happened without any of the driver's text (hosts, ports, SQL). */
const GENERIC: Partial<Record<TickworkError['code'], string>> = {
  UNAVAILABLE: 'the database is unavailable; try again shortly',
  TIMEOUT: 'the database did not answer in time',
};

/**
 * Turns a driver error into a `TickworkError` with a code a caller can act on, keeping the original as
 * `cause`. Unknown errors become `INTERNAL`; an error that already is a `TickworkError` passes through.
 */
export function translatePgError(error: unknown, context: string): TickworkError {
  if (error instanceof TickworkError) return error;
  const e = (error ?? {}) as { code?: unknown; constraint?: unknown; message?: unknown };
  const driverCode = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(error);
  const code =
    codeFor(driverCode) ??
    (networkCodes.has(driverCode) || (driverCode === '' && lostConnection.test(message)) ? 'UNAVAILABLE' : 'INTERNAL');
  const generic = GENERIC[code];
  // A client may see this message: when the database is away, it carries none of the driver's text (the
  // driver's error stays in `cause`, for the log).
  if (generic) return new TickworkError(code, `${context}: ${generic}`, { cause: error });
  return new TickworkError(code, `${context}: ${message}`, {
    cause: error,
    details: {
      sqlState: driverCode || undefined,
      constraint: typeof e.constraint === 'string' ? e.constraint : undefined,
    },
  });
}
