import { TickworkError } from '../../src/errors.js';

/** SQLSTATE classes and the codes they become; see the PostgreSQL manual, appendix A. */
function codeFor(sqlState: string): TickworkError['code'] | undefined {
  if (sqlState === '23505') return 'CONFLICT'; // unique_violation
  if (sqlState === '23503') return 'CONFLICT'; // foreign_key_violation: the row it points at is gone
  if (sqlState === '23514' || sqlState === '23502' || sqlState === '22P02' || sqlState === '22003') return 'VALIDATION';
  if (sqlState === '40001' || sqlState === '40P01') return 'CONFLICT'; // serialization failure, deadlock
  if (sqlState === '57014') return 'TIMEOUT'; // query_canceled (statement_timeout)
  if (sqlState.startsWith('08') || sqlState === '57P01' || sqlState === '57P03') return 'UNAVAILABLE';
  return undefined;
}

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

/**
 * Turns a driver error into a `TickworkError` with a code a caller can act on, keeping the original as
 * `cause`. Unknown errors become `INTERNAL`; an error that already is a `TickworkError` passes through.
 */
export function translatePgError(error: unknown, context: string): TickworkError {
  if (error instanceof TickworkError) return error;
  const e = (error ?? {}) as { code?: unknown; constraint?: unknown; message?: unknown };
  const driverCode = typeof e.code === 'string' ? e.code : '';
  const code = codeFor(driverCode) ?? (networkCodes.has(driverCode) ? 'UNAVAILABLE' : 'INTERNAL');
  const message = typeof e.message === 'string' ? e.message : String(error);
  return new TickworkError(code, `${context}: ${message}`, {
    cause: error,
    details: {
      sqlState: driverCode || undefined,
      constraint: typeof e.constraint === 'string' ? e.constraint : undefined,
    },
  });
}
