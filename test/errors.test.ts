import { describe, expect, it } from 'vitest';
import { ERROR_STATUS, isTickworkError, TickworkError } from '../src/errors.js';

describe('TickworkError', () => {
  it('carries code, message, cause, details and the status of its code', () => {
    const cause = new Error('driver said 23505');
    const err = new TickworkError('CONFLICT', 'Email already registered', { cause, details: { field: 'email' } });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('TickworkError');
    expect(err.code).toBe('CONFLICT');
    expect(err.status).toBe(409);
    expect(err.cause).toBe(cause);
    expect(err.details).toEqual({ field: 'email' });
    expect(err.stack).toContain('Email already registered');
  });

  it('lets a caller override the status', () => {
    expect(new TickworkError('UPSTREAM', 'x', { status: 504 }).status).toBe(504);
  });

  it('serialises to { code, message, details? } and nothing else', () => {
    expect(JSON.parse(JSON.stringify(new TickworkError('NOT_FOUND', 'No app 7')))).toEqual({
      code: 'NOT_FOUND',
      message: 'No app 7',
    });
    expect(new TickworkError('VALIDATION', 'bad', { details: { fields: ['a'] } }).toJSON()).toEqual({
      code: 'VALIDATION',
      message: 'bad',
      details: { fields: ['a'] },
    });
  });

  it('maps every code to an HTTP error status', () => {
    for (const [code, status] of Object.entries(ERROR_STATUS)) {
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
    }
  });
});

describe('isTickworkError', () => {
  it('recognises by brand and optional code', () => {
    const err = new TickworkError('FORBIDDEN', 'no');
    expect(isTickworkError(err)).toBe(true);
    expect(isTickworkError(err, 'FORBIDDEN')).toBe(true);
    expect(isTickworkError(err, 'NOT_FOUND')).toBe(false);
  });

  it('rejects look-alikes without the brand', () => {
    expect(isTickworkError(new Error('x'))).toBe(false);
    expect(isTickworkError({ code: 'CONFLICT', message: 'x' }, 'CONFLICT')).toBe(false);
    expect(isTickworkError(null)).toBe(false);
    expect(isTickworkError('CONFLICT')).toBe(false);
  });
});
