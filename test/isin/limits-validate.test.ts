/**
 * ISIN validation at its limits: every character class at the code units either side of its range, every
 * whitespace character lenient mode trims, non-string input, and the exact messages and `details` of each
 * refusal (callers and logs read them, so a changed word is a changed behaviour).
 */
import { describe, expect, it } from 'vitest';
import { isTickworkError } from '../../src/errors.js';
import { isIsin, isinCharValue, isinCheckDigit, parseIsin, validateIsin } from '../../src/isin/validate.js';

/** The ISIN made of `first11` and its check digit. */
const withCheck = (first11: string) => first11 + isinCheckDigit(first11);

/** The error `fn` throws (fails the test when it throws nothing). */
function thrown(fn: () => unknown): { code: string; message: string; details?: unknown } {
  try {
    fn();
  } catch (e) {
    return e as { code: string; message: string; details?: unknown };
  }
  return expect.unreachable('expected a throw');
}

describe('isinCharValue at the edges of each range', () => {
  it('maps 0–9 and A–Z and nothing next to them', () => {
    // '/' 47, '0' 48, '9' 57, ':' 58, '@' 64, 'A' 65, 'Z' 90, '[' 91, '`' 96, 'a' 97.
    const expected: [number, number][] = [
      [47, -1],
      [48, 0],
      [57, 9],
      [58, -1],
      [64, -1],
      [65, 10],
      [90, 35],
      [91, -1],
      [96, -1],
      [97, -1],
      [0, -1],
      [0xff10, -1], // full-width digit zero
    ];
    for (const [c, v] of expected) expect(isinCharValue(c), String.fromCharCode(c)).toBe(v);
  });

  it('refuses each character just outside the NSIN range, at every NSIN position', () => {
    for (const c of '/:@[`') {
      for (let at = 2; at < 11; at++) {
        const s = `${'US0378331005'.slice(0, at)}${c}${'US0378331005'.slice(at + 1)}`;
        expect(validateIsin(s), s).toEqual({
          ok: false,
          code: 'NSIN_CHARSET',
          message: `Character ${at + 1} must be a digit or a letter A–Z`,
        });
      }
    }
  });

  it('refuses prefix characters just outside A–Z and check characters just outside 0–9', () => {
    for (const c of '@[') {
      expect(validateIsin(`${c}S0378331005`)).toMatchObject({ code: 'PREFIX_NOT_ALPHA' });
      expect(validateIsin(`U${c}0378331005`)).toMatchObject({ code: 'PREFIX_NOT_ALPHA' });
    }
    for (const c of '/:') expect(validateIsin(`US037833100${c}`)).toMatchObject({ code: 'CHECK_NOT_DIGIT' });
    // The letters at the ends of the range are fine wherever a letter may stand.
    for (const s of [withCheck('AZ0000000AZ'), withCheck('ZA000000ZA0'), withCheck('AAZZZZZZZZZ')]) {
      expect(validateIsin(s).ok, s).toBe(true);
    }
  });
});

describe('validateIsin refusals, word for word', () => {
  it('gives each reason its message, and `expected` only with a wrong check digit', () => {
    const cases: [unknown, Record<string, unknown>][] = [
      ['', { ok: false, code: 'EMPTY', message: 'The value is empty' }],
      ['US037833100', { ok: false, code: 'LENGTH', message: 'An ISIN has 12 characters, this has 11' }],
      ['US03783310050', { ok: false, code: 'LENGTH', message: 'An ISIN has 12 characters, this has 13' }],
      [
        '1S0378331005',
        { ok: false, code: 'PREFIX_NOT_ALPHA', message: 'The first two characters must be letters A–Z' },
      ],
      ['US037833100X', { ok: false, code: 'CHECK_NOT_DIGIT', message: 'The last character must be a digit' }],
      [
        'US0378331004',
        {
          ok: false,
          code: 'CHECK_MISMATCH',
          message: 'Check digit 4 does not match; expected 5',
          expected: 5,
        },
      ],
    ];
    for (const [input, result] of cases) {
      // toStrictEqual: an `expected: undefined` key would be a different result for `'expected' in r`.
      expect(validateIsin(input as string), String(input)).toStrictEqual(result);
    }
    expect(validateIsin('ZZ0378331001', { prefixes: 'reject' })).toStrictEqual({
      ok: false,
      code: 'UNKNOWN_PREFIX',
      message: 'Prefix ZZ is neither an ISO 3166 code nor a known special one',
    });
  });

  it('refuses a value that is not a string as EMPTY, without reading it', () => {
    for (const input of [undefined, null, 42, { length: 12 }, ['US0378331005']]) {
      expect(validateIsin(input as never), String(input)).toStrictEqual({
        ok: false,
        code: 'EMPTY',
        message: 'Expected a string',
      });
      expect(validateIsin(input as never, { mode: 'lenient' }).ok).toBe(false);
      expect(isIsin(input)).toBe(false);
    }
  });
});

describe('lenient mode trims exactly the whitespace it names', () => {
  // Space, tab, line feed, carriage return, vertical tab, form feed, no-break space.
  const SPACES = [' ', '\t', '\n', '\r', '\v', '\f', '\u00a0'];

  it('trims each whitespace character before, after and on both sides', () => {
    for (const w of SPACES) {
      for (const input of [`${w}US0378331005`, `US0378331005${w}`, `${w}${w}US0378331005${w}`]) {
        expect(validateIsin(input, { mode: 'lenient' }), JSON.stringify(input)).toEqual({
          ok: true,
          isin: 'US0378331005',
          warnings: ['NORMALIZED'],
        });
      }
    }
  });

  it('trims nothing else, and nothing inside', () => {
    // Other Unicode spaces, a zero-width space and a byte order mark are not trimmed.
    for (const w of ['\u2003', '\u200b', '\ufeff', '\u0085', '_']) {
      expect(validateIsin(`${w}US0378331005`, { mode: 'lenient' })).toMatchObject({ ok: false, code: 'LENGTH' });
    }
    expect(validateIsin('US03783\t31005', { mode: 'lenient' })).toMatchObject({ ok: false, code: 'LENGTH' });
    expect(validateIsin(SPACES.join(''), { mode: 'lenient' })).toMatchObject({ ok: false, code: 'EMPTY' });
  });
});

describe('isinCheckDigit and parseIsin refusals', () => {
  it('refuses anything but 11 upper-case characters, with the input (cut to 64) in details', () => {
    const long = 'X'.repeat(100);
    for (const input of ['US03783310', 'US0378331005', 'us037833100', '1S037833100', 'US03783310-', long]) {
      const e = thrown(() => isinCheckDigit(input));
      expect(isTickworkError(e, 'VALIDATION')).toBe(true);
      expect(e.message).toBe('Expected 2 letters A–Z followed by 9 digits or letters A–Z');
      expect(e.details).toStrictEqual({ input: input.slice(0, 64) });
    }
    // Not a string, though it has 11 characters and reads as a valid body.
    const lookalike = { length: 11, toString: () => 'US037833100' };
    expect(
      isTickworkError(
        thrown(() => isinCheckDigit(lookalike as never)),
        'VALIDATION',
      ),
    ).toBe(true);
    for (const input of [null, undefined, 12345678901]) {
      const e = thrown(() => isinCheckDigit(input as never));
      expect(isTickworkError(e, 'VALIDATION')).toBe(true);
      expect(e.details).toStrictEqual({ input: String(input) });
    }
  });

  it('names the reason, the expected digit when there is one, and the input cut to 64', () => {
    const mismatch = thrown(() => parseIsin('US0378331004'));
    expect(isTickworkError(mismatch, 'VALIDATION')).toBe(true);
    expect(mismatch.message).toBe('Not a valid ISIN: Check digit 4 does not match; expected 5');
    expect(mismatch.details).toStrictEqual({ code: 'CHECK_MISMATCH', expected: 5, input: 'US0378331004' });

    const long = `US0378331005${'9'.repeat(100)}`;
    const length = thrown(() => parseIsin(long));
    expect(length.message).toBe('Not a valid ISIN: An ISIN has 12 characters, this has 112');
    expect(length.details).toStrictEqual({ code: 'LENGTH', input: long.slice(0, 64) });

    // An expected digit of 0 is still given (it is not "no digit").
    const zero = thrown(() => parseIsin('NGSDCBANCO01'));
    expect(zero.details).toStrictEqual({ code: 'CHECK_MISMATCH', expected: 0, input: 'NGSDCBANCO01' });
  });
});
