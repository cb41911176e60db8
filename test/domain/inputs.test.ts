/**
 * The input schemas the services export and an HTTP layer re-uses: their limits at the edges, the one zod error
 * → `VALIDATION` mapping, and the one unique-key → friendlier `CONFLICT` rethrow.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rethrowConflict } from '../../src/domain/conflict.js';
import { isTickworkError, TickworkError } from '../../src/errors.js';
import {
  MAX_PASSWORD_LENGTH,
  MAX_REASON_LENGTH,
  MyTasksQuerySchema,
  PageQuerySchema,
  PointsQuerySchema,
  parseInput,
  RegisterInputSchema,
  RejectInputSchema,
  ReviewQuerySchema,
  TASK_STATUSES,
  TaskStatusSchema,
  UserListQuerySchema,
  validationError,
} from '../../src/index.js';
import { failure } from './fixture.js';

describe('input schemas', () => {
  it('take task statuses from the one list', () => {
    for (const status of TASK_STATUSES) expect(TaskStatusSchema.parse(status)).toBe(status);
    expect(TaskStatusSchema.safeParse('lost').success).toBe(false);
    expect(z.toJSONSchema(TaskStatusSchema)).toMatchObject({ enum: [...TASK_STATUSES] });
  });

  it('hold each limit exactly at its edge', () => {
    const ok = (schema: z.ZodType, value: unknown) => schema.safeParse(value).success;
    expect(ok(RejectInputSchema, { reason: 'x'.repeat(MAX_REASON_LENGTH) })).toBe(true);
    expect(ok(RejectInputSchema, { reason: 'x'.repeat(MAX_REASON_LENGTH + 1) })).toBe(false);
    expect(MAX_REASON_LENGTH).toBe(1000);
    expect(
      ok(RegisterInputSchema, { email: 'a@example.com', password: 'p'.repeat(MAX_PASSWORD_LENGTH), name: 'A' }),
    ).toBe(true);
    expect(
      ok(RegisterInputSchema, { email: 'a@example.com', password: 'p'.repeat(MAX_PASSWORD_LENGTH + 1), name: 'A' }),
    ).toBe(false);
    // Query strings arrive as text: every number the schema allows must get through as text too.
    for (const schema of [PageQuerySchema, ReviewQuerySchema, UserListQuerySchema, PointsQuerySchema]) {
      expect(ok(schema, { limit: '200', offset: '1000000000' }), schema.description).toBe(true);
      expect(ok(schema, { limit: 200, offset: 1_000_000_000 })).toBe(true);
      expect(ok(schema, { limit: '201' })).toBe(false);
      expect(ok(schema, { limit: '0' })).toBe(false);
      expect(ok(schema, { offset: '1000000001' })).toBe(false);
      expect(ok(schema, { limit: '1e2' })).toBe(false);
      expect(ok(schema, { page: 2 })).toBe(false);
    }
    expect(ok(UserListQuerySchema, { search: 's'.repeat(100) })).toBe(true);
    expect(ok(UserListQuerySchema, { search: 's'.repeat(101) })).toBe(false);
  });

  it('fill in the defaults the services apply', () => {
    expect(ReviewQuerySchema.parse({})).toEqual({ status: 'submitted', limit: 50, offset: 0 });
    expect(PageQuerySchema.parse({ limit: '7' })).toEqual({ limit: 7, offset: 0 });
    expect(MyTasksQuerySchema.parse({})).toEqual({});
  });
});

describe('validationError', () => {
  it('names every bad and unknown field once, under an optional path, in a message without a period', () => {
    const result = RejectInputSchema.safeParse({ reason: '\u0000', colour: 'red', expectedVersion: -1 });
    expect(result.success).toBe(false);
    const error = validationError(result.error as z.ZodError, 'request', 'body');
    expect(isTickworkError(error, 'VALIDATION')).toBe(true);
    const fields = (error.details as { fields: { path: string; code: string }[] }).fields;
    expect(fields.map((f) => f.path).sort()).toEqual(['body.colour', 'body.expectedVersion', 'body.reason']);
    expect(fields.find((f) => f.path === 'body.colour')?.code).toBe('unrecognized_keys');
    expect(error.message).toMatch(/^Invalid request: body\.\w+, body\.\w+, body\.\w+$/);
  });

  it('labels the input as a whole `(input)` and is what parseInput throws', () => {
    const error = failure(Promise.resolve().then(() => parseInput(z.string(), 5, 'task id')));
    return expect(error).resolves.toMatchObject({
      code: 'VALIDATION',
      message: 'Invalid task id: (input)',
      details: { fields: [{ path: '', code: 'invalid_type' }] },
    });
  });
});

describe('rethrowConflict', () => {
  it('rewords a CONFLICT by its code, keeping it as the cause, and passes anything else on', () => {
    // A CONFLICT from another copy of the package: the brand, not the class, makes it one.
    const foreign = Object.assign(new Error('duplicate key'), {
      code: 'CONFLICT',
      [Symbol.for('tickwork.error')]: true,
    });
    const reworded = (() => {
      try {
        rethrowConflict('Taken already', { field: 'email' })(foreign);
      } catch (error) {
        return error;
      }
    })();
    expect(reworded).toMatchObject({ code: 'CONFLICT', message: 'Taken already', details: { field: 'email' } });
    expect((reworded as Error).cause).toBe(foreign);
    const down = new TickworkError('UNAVAILABLE', 'down');
    expect(() => rethrowConflict('Taken already')(down)).toThrow(down);
  });
});
