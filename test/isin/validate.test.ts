import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTickworkError } from '../../src/errors.js';
import { isKnownIsinPrefix } from '../../src/isin/prefixes.js';
import { isIsin, isinCheckDigit, parseIsin, validateIsin } from '../../src/isin/validate.js';

// Every valid vector of the research note (ISO 6166 §2.4), including the check-digit-0 cases.
const VALID = [
  'US0378331005',
  'US5949181045',
  'AU0000XVGZA3',
  'GB0002634946',
  'NGSDCBANCO00',
  'DE0007164600',
  'FR0004026250',
  'US78462F1030',
  'IE00B4L5Y983',
  'CH1199067674',
  'XS0832628423',
  'EU000A1G0AE8',
  'US298785DF01',
  'BMG8571G1096',
  'XAC8614YAB92',
  'XA2053913989',
  'EZ0000000003',
  'AN8068571086',
  'QS0000003564',
  'INE144J01027',
  'INF209K01MJ3',
  'BGCROEX03189',
  'PLLWBGD00016',
  'SG1G55870362',
  'JP000K0VF055',
  'DE000BAY0017',
  'BE0003796134',
  'GB0001411924',
  'DE000WCH8881',
  'XF0000C14922',
  'EU0009652783',
];

// Every invalid vector of the research note, with the reason it must be rejected for.
const INVALID: [string, string, number?][] = [
  ['US0378331004', 'CHECK_MISMATCH', 5],
  ['IE00B4L5Y984', 'CHECK_MISMATCH', 3],
  ['DE000BAY0018', 'CHECK_MISMATCH', 7],
  ['PLLWBGD00019', 'CHECK_MISMATCH', 6],
  ['JP000K0VF054', 'CHECK_MISMATCH', 5],
  ['QS0000003560', 'CHECK_MISMATCH', 4],
  ['QS0000003561', 'CHECK_MISMATCH', 4],
  ['QS0000003562', 'CHECK_MISMATCH', 4],
  ['QS0000003563', 'CHECK_MISMATCH', 4],
  ['US037833100O', 'CHECK_NOT_DIGIT'],
  ['AU0000xvgzA3', 'NSIN_CHARSET'],
  ['gb0002634946', 'PREFIX_NOT_ALPHA'],
  ['3133EHHF3', 'LENGTH'],
  ['ZZ0378331005', 'CHECK_MISMATCH', 1],
  ['AB0000000006', 'CHECK_MISMATCH', 5],
  [' US0378331005', 'LENGTH'],
  ['foo', 'LENGTH'],
  ['5398228707871528', 'LENGTH'],
  ['', 'EMPTY'],
  ['1S0378331005', 'PREFIX_NOT_ALPHA'],
  ['US03783310-5', 'NSIN_CHARSET'],
  ['US037833100-', 'CHECK_NOT_DIGIT'],
  ['IE00-B4L5-Y9', 'NSIN_CHARSET'],
];

describe('validateIsin', () => {
  it.each(VALID)('accepts %s', (isin) => {
    expect(validateIsin(isin)).toEqual({ ok: true, isin, warnings: [] });
    expect(isIsin(isin)).toBe(true);
    expect(isinCheckDigit(isin.slice(0, 11))).toBe(Number(isin[11]));
  });

  it.each(INVALID)('rejects %j with %s', (input, code, expected) => {
    const r = validateIsin(input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe(code);
    expect(r.expected).toBe(expected);
    expect(isIsin(input)).toBe(false);
  });

  it('treats an unknown prefix as a warning by default and as an error on request', () => {
    for (const isin of ['ZZ0378331001', 'AB0000000005']) {
      expect(validateIsin(isin)).toEqual({ ok: true, isin, warnings: ['UNKNOWN_PREFIX'] });
      expect(validateIsin(isin, { prefixes: 'reject' })).toMatchObject({ ok: false, code: 'UNKNOWN_PREFIX' });
    }
    for (const p of ['XS', 'EU', 'XA', 'XB', 'XC', 'XD', 'QS', 'QT', 'EZ', 'AN', 'US', 'DE']) {
      expect(isKnownIsinPrefix(p)).toBe(true);
    }
    expect(isKnownIsinPrefix('ZZ')).toBe(false);
  });

  it('cleans up in lenient mode and says so', () => {
    for (const input of [' US0378331005', 'us0378331005', '\u00a0US0378331005\t', 'AU0000xvgzA3']) {
      const r = validateIsin(input, { mode: 'lenient' });
      expect(r.ok, input).toBe(true);
      if (r.ok) expect(r.warnings).toContain('NORMALIZED');
    }
    expect(validateIsin('IE00-B4L5-Y983', { mode: 'lenient' })).toMatchObject({ ok: false, code: 'LENGTH' });
    expect(validateIsin('US0378331005', { mode: 'lenient' })).toEqual({
      ok: true,
      isin: 'US0378331005',
      warnings: [],
    });
  });

  it('agrees with an independent digit-string implementation on random inputs', () => {
    const reference = (first11: string): number => {
      const digits = [...first11].map((c) => String(Number.parseInt(c, 36))).join('');
      let sum = 0;
      for (let i = digits.length - 1, k = 0; i >= 0; i--, k++) {
        let d = Number(digits[i]);
        if (k % 2 === 0) d *= 2;
        sum += Math.floor(d / 10) + (d % 10);
      }
      return (10 - (sum % 10)) % 10;
    };
    const alnum = fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    const alpha = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    fc.assert(
      fc.property(fc.tuple(alpha, alpha, fc.array(alnum, { minLength: 9, maxLength: 9 })), ([a, b, rest]) => {
        const first11 = a + b + rest.join('');
        const check = reference(first11);
        expect(isinCheckDigit(first11)).toBe(check);
        expect(isIsin(first11 + check)).toBe(true);
        expect(isIsin(first11 + ((check + 1) % 10))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseIsin and isinCheckDigit', () => {
  it('splits an ISIN into its parts', () => {
    expect(parseIsin('US0378331005')).toEqual({
      isin: 'US0378331005',
      country: 'US',
      nsin: '037833100',
      checkDigit: 5,
      warnings: [],
    });
  });

  it('throws VALIDATION with the reason code and expected digit', () => {
    try {
      parseIsin('US0378331004');
      expect.unreachable();
    } catch (e) {
      expect(isTickworkError(e, 'VALIDATION')).toBe(true);
      expect((e as { details: unknown }).details).toMatchObject({ code: 'CHECK_MISMATCH', expected: 5 });
    }
  });

  it('refuses a malformed body', () => {
    for (const bad of ['US03783310', 'us037833100', 'US03783310-', '']) {
      expect(() => isinCheckDigit(bad)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    }
  });
});
