/**
 * Extract options at their limits: each default shown by the value on either side of it, each bound taken
 * at the bound and refused just past it, and each refusal with its code, message and `details`.
 */
import { describe, expect, it } from 'vitest';
import { isTickworkError } from '../../src/errors.js';
import type { ExtractOptions } from '../../src/extract/index.js';
import { extract, extractIds } from '../../src/extract/index.js';

/** The error `fn` throws (fails the test when it throws nothing). */
function thrown(fn: () => unknown): { code: string; message: string; details?: unknown } {
  try {
    fn();
  } catch (e) {
    return e as { code: string; message: string; details?: unknown };
  }
  return expect.unreachable('expected a throw');
}

const refusal = (options: unknown) => {
  const e = thrown(() => extract('{"id":1}', options as ExtractOptions));
  expect(isTickworkError(e, 'INVALID_OPTION')).toBe(true);
  return { message: e.message, details: e.details };
};

describe('extract options: refusals word for word', () => {
  it('refuses options that are not an object', () => {
    for (const options of [5, 'keys', true]) {
      expect(refusal(options).message).toBe('Expected the extract options to be an object');
    }
    // Absent options are the defaults.
    expect(extractIds('{"id":1,"code":2}', undefined)).toEqual([1, 2]);
    expect(extractIds('{"id":1,"code":2}', null as never)).toEqual([1, 2]);
  });

  it('refuses keys that are not a non-empty array of non-empty strings, wherever the bad one is', () => {
    const expected = {
      message: 'Expected `keys` to be a non-empty array of non-empty strings',
      details: { option: 'keys' },
    };
    for (const keys of ['id', [], [''], ['id', ''], ['', 'id'], ['id', 5], [null], { 0: 'id', length: 1 }]) {
      expect(refusal({ keys }), JSON.stringify(keys)).toStrictEqual(expected);
    }
    expect(extractIds('{"a":1,"b":2}', { keys: ['b'] })).toEqual([2]);
  });

  it('refuses a bigint that is not a boolean, and defaults to numbers', () => {
    for (const bigint of [1, 'true', null]) {
      expect(refusal({ bigint })).toStrictEqual({
        message: 'Expected `bigint` to be a boolean',
        details: { option: 'bigint' },
      });
    }
    expect(extractIds('{"id":1}')).toEqual([1]);
    expect(extractIds('{"id":1}', { bigint: false })).toEqual([1]);
    expect(extractIds('{"id":1}', { bigint: undefined })).toEqual([1]);
    expect(extractIds('{"id":1}', { bigint: true })).toEqual([1n]);
  });

  it('refuses an onDiagnostic that is not a function', () => {
    for (const onDiagnostic of [1, 'log', {}, null]) {
      expect(refusal({ onDiagnostic })).toStrictEqual({
        message: 'Expected `onDiagnostic` to be a function',
        details: { option: 'onDiagnostic' },
      });
    }
  });
});

describe('maxDigits: at 1, at the default 4096, and past each', () => {
  it('takes 1 as the smallest bound and refuses 0, fractions and non-numbers', () => {
    expect(extract('{"id":7,"id":12}', { maxDigits: 1 }).matches.map((m) => m.value)).toEqual([7]);
    expect(extract('{"id":12}', { maxDigits: 1 }).diagnostics.map((d) => d.kind)).toEqual(['too-long']);
    for (const maxDigits of [0, -1, 1.5, '10']) {
      expect(refusal({ maxDigits }).details).toStrictEqual({ option: 'maxDigits' });
    }
  });

  it('turns a number of exactly 4096 digits into a value by default, and skips one of 4097', () => {
    const at = `1${'0'.repeat(4095)}`;
    const past = `1${'0'.repeat(4096)}`;
    expect(extractIds(`{"id":${at}}`, { bigint: true })).toEqual([BigInt(at)]);
    const r = extract(`{"id":${past}}`, { bigint: true });
    expect(r.matches).toEqual([]);
    expect(r.diagnostics.map((d) => d.kind)).toEqual(['too-long']);
  });
});

describe('maxDiagnostics: 0 keeps none, the default keeps 1000', () => {
  const fractions = (n: number) => `{${Array.from({ length: n }, (_, i) => `"id":${i}.5`).join(',')}}`;

  it('counts every diagnostic as dropped with 0, and still calls onDiagnostic', () => {
    let seen = 0;
    const r = extract(fractions(3), { maxDiagnostics: 0, onDiagnostic: () => seen++ });
    expect(r.diagnostics).toEqual([]);
    expect(r.droppedDiagnostics).toBe(3);
    expect(seen).toBe(3);
    expect(refusal({ maxDiagnostics: -1 }).details).toStrictEqual({ option: 'maxDiagnostics' });
    expect(refusal({ maxDiagnostics: 0.5 }).details).toStrictEqual({ option: 'maxDiagnostics' });
  });

  it('keeps exactly 1000 by default and drops the 1001st', () => {
    const at = extract(fractions(1000));
    expect(at.diagnostics).toHaveLength(1000);
    expect(at.droppedDiagnostics).toBe(0);
    const past = extract(fractions(1001));
    expect(past.diagnostics).toHaveLength(1000);
    expect(past.droppedDiagnostics).toBe(1);
    expect(past.diagnostics.at(-1)!.raw).toBe('999.5');
  });
});

describe('keys', () => {
  it('uses id and code when none are given, and nothing else', () => {
    expect(extractIds('{"id":1,"code":2,"ids":3,"cod":4,"Id":5,"other":6}')).toEqual([1, 2]);
  });

  it('returns a value once when a key is listed twice', () => {
    expect(extract('{"id":1}', { keys: ['id', 'id'] }).matches).toEqual([{ key: 'id', value: 1, start: 6, end: 7 }]);
  });
});
