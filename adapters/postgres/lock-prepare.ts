/**
 * Start-up check of the PostgreSQL lock: wait (bounded, abortable) until the database answers, then make
 * sure `migrate(db)` created the lock's functions in the client's schema.
 */

import { TickworkError, waitForBackend } from '../../src/adapter-kit.js';
import type { Logger } from '../../src/index.js';
import { LOCK_FUNCTIONS } from './lock-migration.js';
import { translatePgError } from './pg-errors.js';
import type { SqlClient } from './sql-client.js';

/** What {@link checkLockSchema} needs. */
export interface LockSchemaCheck {
  /** The lock's client. */
  readonly db: SqlClient;
  /** Where "waiting for PostgreSQL" is reported. */
  readonly logger: Logger;
  /** Aborts the wait (a scheduler stopped while starting). */
  readonly signal?: AbortSignal | undefined;
  /** Milliseconds to wait for an answer in all. */
  readonly connectTimeout: number;
}

/** Rejects with `UNAVAILABLE` when `promise` has not settled within `ms` (a connect that hangs). */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TickworkError('UNAVAILABLE', `No answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Signatures from {@link LOCK_FUNCTIONS} that the client's `search_path` does not resolve. */
async function missingFunctions(db: SqlClient, timeoutMs: number): Promise<string[]> {
  const { rows } = await within(
    db.query('SELECT f FROM unnest($1::text[]) AS f WHERE to_regprocedure(f) IS NULL', [[...LOCK_FUNCTIONS]]),
    timeoutMs,
  );
  return (rows as { f: string }[]).map((r) => r.f);
}

/**
 * Asks for the lock's functions until the database answers (backing off from 50 ms to 1 s, at most
 * `connectTimeout` ms in all); throws `UNAVAILABLE` when it never does, and `INVALID_OPTION` when it answers
 * but the lock's migration was not applied to this schema.
 */
export async function checkLockSchema(c: LockSchemaCheck): Promise<void> {
  const missing = await waitForBackend({
    name: 'PostgreSQL',
    ask: (remainingMs) => missingFunctions(c.db, remainingMs),
    // Only a database that cannot be reached (yet) is worth waiting for; anything else is final.
    translate: (error) => translatePgError(error, 'PostgreSQL lock check failed'),
    timeoutMs: c.connectTimeout,
    logger: c.logger,
    signal: c.signal,
  });
  if (missing.length > 0) {
    throw new TickworkError(
      'INVALID_OPTION',
      'The PostgreSQL lock tables are missing from this schema: run `migrate(db)` from `tickwork/postgres` first',
      { details: { option: 'db', missing } },
    );
  }
}
