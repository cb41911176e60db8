import { TickworkError } from '../errors.js';
import { assertInteger } from '../internal/assert.js';

/** Options shared by every extract function. All are optional. */
export interface ExtractOptions {
  /**
   * The decoded key names whose integer values are extracted. A key matches however it is escaped in the
   * input (`"\u0069d"` is `id`).
   * @default ['id', 'code']
   */
  readonly keys?: readonly string[];
  /**
   * Return every value as a `bigint`, exact at any size. Without it values are `number`s, and an integer
   * beyond `Number.MAX_SAFE_INTEGER` is never rounded: it is reported as an `unsafe-integer` diagnostic
   * (and `extractIds` throws `UNPROCESSABLE`).
   * @default false
   */
  readonly bigint?: boolean;
  /**
   * Longest number token, in digits, that is turned into a value; a longer one is skipped with a
   * `too-long` diagnostic. Bounds the work `BigInt()` does on hostile input.
   * @default 4096
   */
  readonly maxDigits?: number;
  /**
   * How many diagnostics are kept for the result; later ones are only counted (`droppedDiagnostics`).
   * `onDiagnostic` still sees every one.
   * @default 1000
   */
  readonly maxDiagnostics?: number;
  /**
   * Called for every diagnostic as soon as it is found (also those beyond `maxDiagnostics`).
   * @default undefined
   */
  readonly onDiagnostic?: (diagnostic: ExtractDiagnostic) => void;
}

/** One extracted value. */
export interface ExtractMatch<V extends number | bigint = number> {
  /** The decoded key, one of `options.keys`. */
  readonly key: string;
  /** The integer value. */
  readonly value: V;
  /**
   * Offset of the value's first character (the `-` or first digit). Counted in bytes for `Uint8Array`
   * input and in UTF-16 code units (string indices) for string input, so `input.slice(start, end)` is the
   * value's source text.
   */
  readonly start: number;
  /** Offset just past the value's last digit, in the same unit as `start`. */
  readonly end: number;
}

/**
 * Why a diagnostic was raised:
 * - `non-integer`: the value of a chosen key is a fraction, has an exponent or a leading zero (`1.5`, `2e3`,
 *   `007`); it is skipped, never truncated;
 * - `malformed-number`: the value starts like a number but is not one (`-x`, `12abc`);
 * - `unsafe-integer`: an integer beyond `Number.MAX_SAFE_INTEGER` without `bigint: true`; skipped;
 * - `too-long`: a number with more than `maxDigits` digits; skipped;
 * - `resync`: a raw line break inside a "string": the scanner was out of step (a stray quote in text around
 *   the JSON) and starts afresh after it;
 * - `truncated`: the input ended inside a string, a number or an open object or array.
 */
export type ExtractDiagnosticKind =
  | 'non-integer'
  | 'malformed-number'
  | 'unsafe-integer'
  | 'too-long'
  | 'resync'
  | 'truncated';

/** Something the extractor skipped or noticed, with where it happened. */
export interface ExtractDiagnostic {
  /** What happened. */
  readonly kind: ExtractDiagnosticKind;
  /** A sentence for humans. */
  readonly message: string;
  /** Offset where the problem starts (same unit as {@link ExtractMatch.start}). */
  readonly start: number;
  /** Offset where it ends. */
  readonly end: number;
  /** The key whose value was skipped, for number diagnostics. */
  readonly key?: string;
  /** The skipped source text, cut to 64 characters, for number diagnostics. */
  readonly raw?: string;
}

/** How an extraction ended. */
export interface ExtractSummary {
  /**
   * `true` when the input ended outside any string, number and open object or array. `false` means the
   * input was truncated (and a `truncated` diagnostic says where).
   */
  readonly complete: boolean;
  /** Diagnostics in input order, at most `maxDiagnostics` of them. */
  readonly diagnostics: ExtractDiagnostic[];
  /** How many diagnostics were found beyond `maxDiagnostics`. */
  readonly droppedDiagnostics: number;
}

/** The result of {@link extract}: the matches and how the extraction ended. */
export interface ExtractResult<V extends number | bigint = number> extends ExtractSummary {
  /** Every match, in document order. */
  readonly matches: ExtractMatch<V>[];
}

/** Options with `bigint: true`, for the overloads that return bigints. */
export type BigIntExtractOptions = ExtractOptions & {
  /** Return every value as an exact `bigint`. */
  readonly bigint: true;
};

/** Options checked and filled in with defaults. */
interface ResolvedOptions {
  readonly keys: readonly string[];
  readonly bigint: boolean;
  readonly maxDigits: number;
  readonly maxDiagnostics: number;
  readonly onDiagnostic: ((diagnostic: ExtractDiagnostic) => void) | undefined;
}

/** The keys used when none are given. */
export const DEFAULT_KEYS: readonly string[] = Object.freeze(['id', 'code']);

/** Checks options up front (`INVALID_OPTION`) and fills in defaults. */
export function resolveOptions(options: ExtractOptions | undefined): ResolvedOptions {
  const o = options ?? {};
  if (typeof o !== 'object' || o === null) {
    throw new TickworkError('INVALID_OPTION', 'Expected the extract options to be an object');
  }
  const keys = o.keys ?? DEFAULT_KEYS;
  if (!Array.isArray(keys) || keys.length === 0 || keys.some((k) => typeof k !== 'string' || k.length === 0)) {
    throw new TickworkError('INVALID_OPTION', 'Expected `keys` to be a non-empty array of non-empty strings', {
      details: { option: 'keys' },
    });
  }
  if (o.bigint !== undefined && typeof o.bigint !== 'boolean') {
    throw new TickworkError('INVALID_OPTION', 'Expected `bigint` to be a boolean', { details: { option: 'bigint' } });
  }
  const maxDigits = o.maxDigits ?? 4096;
  assertInteger('maxDigits', maxDigits);
  const maxDiagnostics = o.maxDiagnostics ?? 1000;
  assertInteger('maxDiagnostics', maxDiagnostics, 0);
  if (o.onDiagnostic !== undefined && typeof o.onDiagnostic !== 'function') {
    throw new TickworkError('INVALID_OPTION', 'Expected `onDiagnostic` to be a function', {
      details: { option: 'onDiagnostic' },
    });
  }
  return {
    keys: [...new Set(keys)],
    bigint: o.bigint ?? false,
    maxDigits,
    maxDiagnostics,
    onDiagnostic: o.onDiagnostic,
  };
}
