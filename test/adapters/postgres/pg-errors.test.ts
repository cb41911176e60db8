import { describe, expect, it } from 'vitest';
import { translatePgError } from '../../../adapters/postgres/pg-errors.js';

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
