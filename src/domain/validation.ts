import { z } from 'zod';
import { TickworkError } from '../errors.js';
import type { PageRequest } from './ledger-entry.js';

/** One rejected field, as listed in a `VALIDATION` error's `details.fields`. */
export interface FieldIssue {
  /** Dotted path of the field (`''` for the whole input). */
  readonly path: string;
  /** What is wrong, for humans. */
  readonly message: string;
  /** zod's issue code, such as `too_small` or `unrecognized_keys`. */
  readonly code: string;
}

/**
 * Turns a zod error into `VALIDATION` whose `details.fields` lists every rejected field: the one shape both the
 * services and an HTTP layer answer with, so a client reads one format whichever layer refused the input. The
 * message names the fields after `Invalid <what>: `; `path` prefixes every field path (an HTTP layer passes
 * `query` or `params`, so the client knows where the field was).
 *
 * @example
 * ```ts
 * import { RejectInputSchema, validationError } from 'tickwork';
 *
 * const result = RejectInputSchema.safeParse({ reason: '', colour: 'red' });
 * if (!result.success) throw validationError(result.error, 'request');
 * // VALIDATION "Invalid request: reason, colour", details.fields: [{ path: 'reason', … }, { path: 'colour', … }]
 * ```
 */
export function validationError(error: z.ZodError, what: string, path?: string): TickworkError {
  const fields: FieldIssue[] = [];
  for (const issue of error.issues) {
    const base = [path, ...issue.path.map(String)].filter((p) => p !== undefined && p !== '').join('.');
    // An unknown key is reported on the key itself, so the client sees which field to drop.
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        fields.push({ path: base ? `${base}.${key}` : key, message: 'Unknown field', code: issue.code });
      }
    } else {
      fields.push({ path: base, message: issue.message, code: issue.code });
    }
  }
  const names = [...new Set(fields.map((f) => f.path || '(input)'))].join(', ');
  return new TickworkError('VALIDATION', `Invalid ${what}: ${names}`, { details: { fields } });
}

/**
 * Parses `input` with `schema`, or throws {@link validationError}'s `VALIDATION` error, so an HTTP layer can
 * answer 400 with the list of fields as it is.
 *
 * @example
 * ```ts
 * import { parseInput, ReviewQuerySchema } from 'tickwork';
 *
 * parseInput(ReviewQuerySchema, { limit: '20' }, 'request', 'query'); // { status: 'submitted', limit: 20, offset: 0 }
 * ```
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string, path?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw validationError(result.error, what, path);
}

/**
 * A page size or offset: a whole number in `[min, max]`, given as a number or as a decimal string (so an HTTP
 * layer can pass query parameters as they come).
 */
export function pageNumber(min: number, max: number): z.ZodType<number, number | string> {
  return z
    .union([
      z.number(),
      z
        .string()
        // Ten digits: the largest offset, 10^9, must get through as a query string too.
        .regex(/^\d{1,10}$/)
        .transform(Number),
    ])
    .pipe(z.number().int().min(min).max(max));
}

/**
 * Whether `s` holds a control character: C0 (U+0000–U+001F), DEL and C1 (U+007F–U+009F). With `multiline`,
 * tab, line feed and carriage return are allowed. A loop rather than a regular expression: linear, and the
 * ranges stay readable.
 */
export function hasControlCharacter(s: string, multiline = false): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20) {
      if (multiline && (c === 0x09 || c === 0x0a || c === 0x0d)) continue;
      return true;
    }
    if (c >= 0x7f && c <= 0x9f) return true;
  }
  return false;
}

/**
 * A string without control characters (`multiline` allows tab and line breaks). NUL in particular: PostgreSQL
 * refuses it in text, so the memory and PostgreSQL adapters would otherwise disagree, and nothing a person
 * types holds it. The check sees the raw input, before any trim.
 */
export function plainText(multiline = false): z.ZodString {
  return z.string().refine((s) => !hasControlCharacter(s, multiline), {
    message: multiline
      ? 'Must not contain control characters other than tabs and line breaks'
      : 'Must not contain control characters',
  });
}

/**
 * An opaque id as a service takes it: 1–200 characters, no control characters.
 *
 * @example
 * ```ts
 * import { IdSchema } from 'tickwork';
 *
 * IdSchema.parse('01J9ZK3V6M'); // '01J9ZK3V6M'
 * IdSchema.safeParse('a\u0000b').success; // false: control characters are refused
 * ```
 */
export const IdSchema: z.ZodType<string, string> = plainText().min(1).max(200);

/**
 * The two fields of a paged query, as every list takes them: `limit` 1–200 (default 50) and `offset` 0–10^9
 * (default 0), each a number or a decimal string.
 *
 * @internal
 */
export const PAGE_FIELDS = {
  limit: pageNumber(1, 200).default(50).describe('Page size'),
  offset: pageNumber(0, 1_000_000_000).default(0).describe('Items to skip (`nextOffset` of the previous page)'),
};

/** Which page of a list to read, as a caller gives it. */
export interface PageQuery {
  /** Page size, 1–200 (a number or a decimal string). @default 50 */
  readonly limit?: number | string;
  /** Items to skip, 0–10^9 (a number or a decimal string). @default 0 */
  readonly offset?: number | string;
}

/**
 * Validates a {@link PageQuery} and fills in its defaults; unknown fields are rejected. The query of the
 * actor's own points history (`GET /me/points` in the examples); the other lists add their filters to the same
 * two fields.
 *
 * @example
 * ```ts
 * import { PageQuerySchema } from 'tickwork';
 *
 * PageQuerySchema.parse({ limit: '10' }); // { limit: 10, offset: 0 }
 * PageQuerySchema.safeParse({ limit: 201 }).success; // false: at most 200
 * ```
 */
export const PageQuerySchema: z.ZodType<PageRequest, PageQuery> = z.strictObject(PAGE_FIELDS);
