/**
 * A wrapped driver error says what failed and keeps the driver's words in `cause` only, so a logger that prints
 * the cause chain (pino, util.inspect) shows them once, and an HTTP answer (`toJSON`) never shows them.
 */
import pg from 'pg';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../adapters/postgres/migrate.js';
import { translatePgError } from '../../../adapters/postgres/pg-errors.js';
import { translateRedisError } from '../../../adapters/redis/redis-client.js';
import { DATABASE_URL, describeWithPostgres, randomSuffix } from '../../helpers/services.js';

/** What pino writes as the `err.message` of a log line: the message, then each cause's. */
const logged = (error: unknown) => pino.stdSerializers.err(error as Error).message;
const occurrences = (text: string, part: string) => text.split(part).length - 1;

describe('wrapped driver errors', () => {
  it('name the failed step, keep the driver text in cause, and log it once', () => {
    const driver = Object.assign(new Error('database "x" does not exist'), { code: '3D000' });
    const error = translatePgError(driver, 'Migration failed');
    expect(error.message).toBe('Migration failed');
    expect(error.cause).toBe(driver);
    expect(logged(error)).toBe('Migration failed: database "x" does not exist');
    expect(JSON.stringify(error.toJSON())).not.toContain('does not exist');
  });

  it("say what a known SQLSTATE means in tickwork's words", () => {
    const unique = Object.assign(new Error('duplicate key value violates unique constraint "u_email"'), {
      code: '23505',
      constraint: 'u_email',
    });
    const error = translatePgError(unique, 'Insert user');
    expect(error).toMatchObject({ code: 'CONFLICT', message: 'Insert user: a row with the same key exists' });
    expect(error.details).toEqual({ sqlState: '23505', constraint: 'u_email' });
    expect(occurrences(logged(error), 'duplicate key')).toBe(1);
  });

  it('do the same for Redis', () => {
    const error = translateRedisError(new Error('LOADING Redis is loading the dataset in memory'), 'EVALSHA acquire');
    expect(error).toMatchObject({ code: 'UNAVAILABLE', message: 'Redis EVALSHA acquire failed' });
    expect(logged(error)).toBe('Redis EVALSHA acquire failed: LOADING Redis is loading the dataset in memory');
  });
});

describeWithPostgres('a migration against a database that does not exist', () => {
  it('reports the driver text once', async () => {
    const name = `tw_missing_${randomSuffix()}`;
    const pool = new pg.Pool({ connectionString: Object.assign(new URL(DATABASE_URL), { pathname: `/${name}` }).href });
    try {
      const error = await migrate(pool).catch((e: unknown) => e);
      expect(error).toMatchObject({ message: 'Migration failed' });
      expect(occurrences(logged(error), `database "${name}" does not exist`)).toBe(1);
    } finally {
      await pool.end();
    }
  });
});

describe('translatePgError', () => {
  it('calls a lost connection UNAVAILABLE, with none of the driver text in the message', () => {
    for (const driverError of [
      new Error('Connection terminated unexpectedly'),
      new Error('Client has encountered a connection error and is not queryable'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Query read timeout'),
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('terminating connection due to idle-in-transaction timeout'), { code: '25P03' }),
    ]) {
      const error = translatePgError(driverError, 'Read user');
      expect(error.code).toBe('UNAVAILABLE');
      expect(error.status).toBe(503);
      expect(error.message).toBe('Read user: the database is unavailable; try again shortly');
      expect(error.details).toBeUndefined();
      expect(error.cause).toBe(driverError);
    }
  });

  it('calls a statement timeout TIMEOUT and keeps other codes', () => {
    const timeout = translatePgError(Object.assign(new Error('canceling statement'), { code: '57014' }), 'Move task');
    expect(timeout.code).toBe('TIMEOUT');
    expect(timeout.message).not.toContain('canceling');
    expect(translatePgError(Object.assign(new Error('dup'), { code: '23505' }), 'Insert').code).toBe('CONFLICT');
    expect(translatePgError(new TypeError('bug'), 'Insert').code).toBe('INTERNAL');
  });
});
