import { z } from 'zod';
import { TickworkError } from '../errors.js';

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
 * Parses `input` with `schema`, or throws `VALIDATION` whose `details.fields` lists every rejected field, so an
 * HTTP layer can answer 400 with the list as it is.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: FieldIssue[] = [];
  for (const issue of result.error.issues) {
    const base = issue.path.map(String).join('.');
    // An unknown key is reported on the key itself, so the client sees which field to drop.
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        fields.push({ path: base ? `${base}.${key}` : key, message: 'Unknown field', code: issue.code });
      }
    } else {
      fields.push({ path: base, message: issue.message, code: issue.code });
    }
  }
  const list = fields.map((f) => f.path || '(input)').join(', ');
  throw new TickworkError('VALIDATION', `Invalid ${what}: ${list}`, { details: { fields } });
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
        .regex(/^\d{1,9}$/)
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
