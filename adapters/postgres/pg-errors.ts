import { TickworkError } from '../../src/errors.js';

type Translation = readonly [TickworkError['code'], string];

/** SQLSTATEs and what they become, in tickwork's words; see the PostgreSQL manual, appendix A. */
function translationFor(sqlState: string): Translation | undefined {
  if (sqlState === '23505') return ['CONFLICT', 'a row with the same key exists']; // unique_violation
  if (sqlState === '23503') return ['CONFLICT', 'a row it refers to is gone']; // foreign_key_violation
  if (sqlState === '23514' || sqlState === '23502' || sqlState === '22P02' || sqlState === '22003') {
    return ['VALIDATION', 'a value breaks a column rule'];
  }
  if (sqlState === '40001' || sqlState === '40P01') return ['CONFLICT', 'a concurrent transaction got in the way'];
  if (sqlState === '57014') return ['TIMEOUT', 'the statement took too long']; // query_canceled (statement_timeout)
  if (sqlState.startsWith('08') || sqlState === '57P01' || sqlState === '57P03') {
    return ['UNAVAILABLE', 'the database is unreachable'];
  }
  return undefined;
}

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

/**
 * Turns a driver error into a `TickworkError` with a code a caller can act on, keeping the original as
 * `cause`. Unknown errors become `INTERNAL`; an error that already is a `TickworkError` passes through.
 *
 * The message is `context`, plus what a known SQLSTATE means in tickwork's words; the driver's own text is
 * never copied into it. It stays in `cause` (and `details.sqlState`), where loggers print the chain once
 * (pino: `Migration failed: database "x" does not exist`), and it never reaches an HTTP client.
 */
export function translatePgError(error: unknown, context: string): TickworkError {
  if (error instanceof TickworkError) return error;
  const e = (error ?? {}) as { code?: unknown; constraint?: unknown };
  const driverCode = typeof e.code === 'string' ? e.code : '';
  const known = translationFor(driverCode);
  const [code, reason] =
    known ?? (networkCodes.has(driverCode) ? ['UNAVAILABLE', 'the database is unreachable'] : ['INTERNAL', '']);
  return new TickworkError(code, reason === '' ? context : `${context}: ${reason}`, {
    cause: error,
    details: {
      sqlState: driverCode || undefined,
      constraint: typeof e.constraint === 'string' ? e.constraint : undefined,
    },
  });
}
