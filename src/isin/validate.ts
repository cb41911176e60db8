/**
 * ISIN validation (ISO 6166): 2-letter prefix, 9 alphanumeric NSIN characters, 1 check digit computed with
 * the "modulus 10 double-add-double" rule over the letters expanded to two digits (A = 10 … Z = 35).
 */
import { TickworkError } from '../errors.js';
import { isKnownIsinPrefix } from './prefixes.js';

/** Why a string is not an ISIN. `UNKNOWN_PREFIX` is an error only with `prefixes: 'reject'`. */
export type IsinErrorCode =
  | 'EMPTY'
  | 'LENGTH'
  | 'PREFIX_NOT_ALPHA'
  | 'NSIN_CHARSET'
  | 'CHECK_NOT_DIGIT'
  | 'CHECK_MISMATCH'
  | 'UNKNOWN_PREFIX';

/** Notices on a valid ISIN: a prefix outside ISO 3166 and the known special codes, or a lenient clean-up. */
export type IsinWarningCode = 'UNKNOWN_PREFIX' | 'NORMALIZED';

/** How strictly {@link validateIsin} reads its input. */
export interface ValidateIsinOptions {
  /**
   * `strict`: the exact characters must form an ISIN. `lenient`: surrounding whitespace (and NBSP) is trimmed
   * and lower case is upper-cased first, and the result carries a `NORMALIZED` warning. Inner separators
   * (`IE00-B4L5-Y983`) are never removed.
   * @default 'strict'
   */
  readonly mode?: 'strict' | 'lenient';
  /**
   * `warn`: an unknown prefix (`ZZ`) still validates, with an `UNKNOWN_PREFIX` warning. `reject`: it is an error.
   * @default 'warn'
   */
  readonly prefixes?: 'warn' | 'reject';
}

/** A valid ISIN, in its canonical form, with any warnings. */
export interface IsinValid {
  /** Always `true`. */
  readonly ok: true;
  /** The canonical 12-character ISIN (after lenient clean-up). */
  readonly isin: string;
  /** Notices that do not make the ISIN invalid. */
  readonly warnings: readonly IsinWarningCode[];
}

/** Why a value is not a valid ISIN. */
export interface IsinInvalid {
  /** Always `false`. */
  readonly ok: false;
  /** A stable reason code. */
  readonly code: IsinErrorCode;
  /** A sentence for humans. */
  readonly message: string;
  /** With `CHECK_MISMATCH`: the check digit the first 11 characters call for. */
  readonly expected?: number;
}

/** The outcome of {@link validateIsin}. */
export type IsinValidation = IsinValid | IsinInvalid;

/** Value of an ISIN character (0–9, A = 10 … Z = 35), or -1 for any other code unit. */
export function isinCharValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 90) return c - 55;
  return -1;
}

/** Check digit of 11 valid upper-case characters; no checks, for callers that already validated them. */
function checkDigitOf(s: string): number {
  let sum = 0;
  let double = true;
  for (let i = 10; i >= 0; i--) {
    const v = isinCharValue(s.charCodeAt(i));
    // A letter is two digits; walking right to left, its low digit comes first.
    let d = v >= 10 ? v % 10 : v;
    for (let k = v >= 10 ? 2 : 1; k > 0; k--) {
      if (double) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
      double = !double;
      d = Math.floor(v / 10);
    }
  }
  return (10 - (sum % 10)) % 10;
}

const invalid = (code: IsinErrorCode, message: string, expected?: number): IsinInvalid =>
  expected === undefined ? { ok: false, code, message } : { ok: false, code, message, expected };

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12 || c === 0xa0;
}

function trimSpaces(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isSpace(s.charCodeAt(start))) start++;
  while (end > start && isSpace(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

/**
 * Validates one ISIN and says exactly why it fails.
 *
 * @example
 * ```ts
 * validateIsin('US0378331005'); // { ok: true, isin: 'US0378331005', warnings: [] }
 * validateIsin('US0378331004'); // { ok: false, code: 'CHECK_MISMATCH', expected: 5, … }
 * validateIsin(' us0378331005', { mode: 'lenient' }); // ok, warnings: ['NORMALIZED']
 * ```
 */
export function validateIsin(input: string, options: ValidateIsinOptions = {}): IsinValidation {
  if (typeof input !== 'string') return invalid('EMPTY', 'Expected a string');
  const lenient = options.mode === 'lenient';
  const s = lenient ? trimSpaces(input).toUpperCase() : input;
  if (s.length === 0) return invalid('EMPTY', 'The value is empty');
  if (s.length !== 12) return invalid('LENGTH', `An ISIN has 12 characters, this has ${s.length}`);
  for (let i = 0; i < 2; i++) {
    const c = s.charCodeAt(i);
    if (c < 65 || c > 90) return invalid('PREFIX_NOT_ALPHA', 'The first two characters must be letters A–Z');
  }
  for (let i = 2; i < 11; i++) {
    if (isinCharValue(s.charCodeAt(i)) < 0) {
      return invalid('NSIN_CHARSET', `Character ${i + 1} must be a digit or a letter A–Z`);
    }
  }
  const last = s.charCodeAt(11);
  if (last < 48 || last > 57) return invalid('CHECK_NOT_DIGIT', 'The last character must be a digit');
  const expected = checkDigitOf(s);
  if (expected !== last - 48) {
    return invalid('CHECK_MISMATCH', `Check digit ${last - 48} does not match; expected ${expected}`, expected);
  }
  const warnings: IsinWarningCode[] = [];
  if (!isKnownIsinPrefix(s.slice(0, 2))) {
    if (options.prefixes === 'reject') {
      return invalid('UNKNOWN_PREFIX', `Prefix ${s.slice(0, 2)} is neither an ISO 3166 code nor a known special one`);
    }
    warnings.push('UNKNOWN_PREFIX');
  }
  if (s !== input) warnings.push('NORMALIZED');
  return { ok: true, isin: s, warnings };
}

/**
 * Whether `value` is a well-formed ISIN with a correct check digit (strict: exact characters, any prefix).
 * "Valid" means well-formed: the check digit cannot catch every typo, and it says nothing about existence.
 *
 * @example
 * ```ts
 * isIsin('US0378331005'); // true
 * isIsin('us0378331005'); // false
 * ```
 */
export function isIsin(value: unknown): value is string {
  return typeof value === 'string' && value.length === 12 && validateIsin(value).ok;
}

/**
 * The check digit for the first 11 characters of an ISIN (upper case). Throws `VALIDATION` for anything else.
 *
 * @example
 * ```ts
 * isinCheckDigit('US037833100'); // 5
 * ```
 */
export function isinCheckDigit(first11: string): number {
  const ok = typeof first11 === 'string' && first11.length === 11 && /^[A-Z]{2}[A-Z0-9]{9}$/.test(first11);
  if (!ok) {
    throw new TickworkError('VALIDATION', 'Expected 2 letters A–Z followed by 9 digits or letters A–Z', {
      details: { input: String(first11).slice(0, 64) },
    });
  }
  return checkDigitOf(first11);
}

/** The parts of an ISIN. */
export interface ParsedIsin {
  /** The canonical ISIN. */
  readonly isin: string;
  /** The 2-letter prefix: the allocating agency's country (or a special code), not the issuer's domicile. */
  readonly country: string;
  /** The 9-character national number (CUSIP, SEDOL, WKN, Valor … left-padded with zeros). */
  readonly nsin: string;
  /** The check digit. */
  readonly checkDigit: number;
  /** Notices, as from {@link validateIsin}. */
  readonly warnings: readonly IsinWarningCode[];
}

/**
 * Splits an ISIN into its parts, or throws `TickworkError('VALIDATION')` whose `details` carry the reason
 * `code` (and `expected` for a wrong check digit).
 *
 * @example
 * ```ts
 * parseIsin('US0378331005'); // { country: 'US', nsin: '037833100', checkDigit: 5, … }
 * ```
 */
export function parseIsin(input: string, options: ValidateIsinOptions = {}): ParsedIsin {
  const r = validateIsin(input, options);
  if (!r.ok) {
    throw new TickworkError('VALIDATION', `Not a valid ISIN: ${r.message}`, {
      details: {
        code: r.code,
        ...(r.expected === undefined ? {} : { expected: r.expected }),
        input: String(input).slice(0, 64),
      },
    });
  }
  return {
    isin: r.isin,
    country: r.isin.slice(0, 2),
    nsin: r.isin.slice(2, 11),
    checkDigit: r.isin.charCodeAt(11) - 48,
    warnings: r.warnings,
  };
}
