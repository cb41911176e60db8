import { describe, expect, it } from 'vitest';
import { isTickworkError } from '../../src/errors.js';
import type { ExtractDiagnosticKind, ExtractOptions } from '../../src/extract/index.js';
import { extract, extractIds } from '../../src/extract/index.js';
import { SAMPLE, SAMPLE_IDS, SAMPLE_PRETTY, SAMPLE_WITH_WARNING } from './sample.js';

const encode = (s: string) => new TextEncoder().encode(s);

describe('the assignment sample', () => {
  it.each([
    ['as given', SAMPLE],
    ['pretty-printed, with newlines inside the JSON', SAMPLE_PRETTY],
    ['behind PHP warnings holding "id":77 and a stray quote', SAMPLE_WITH_WARNING],
    ['with CRLF line breaks', SAMPLE_PRETTY.replaceAll('\n', '\r\n')],
  ])('gives exactly the ids and the error code, %s', (_, text) => {
    expect(extractIds(text)).toEqual(SAMPLE_IDS);
    expect(extractIds(encode(text))).toEqual(SAMPLE_IDS);
    expect(extract(text).complete).toBe(true);
  });

  it('never returns the 2 or the 153 inside the message', () => {
    const { matches } = extract(SAMPLE);
    const message = SAMPLE.indexOf('"message"');
    expect(matches.every((m) => m.start < message)).toBe(true);
    expect(matches.at(-1)).toMatchObject({ key: 'code', value: 3 });
  });
});

interface Case {
  name: string;
  input: string;
  options?: ExtractOptions;
  values: (number | bigint)[];
  kinds?: ExtractDiagnosticKind[];
  complete?: boolean;
}

const cases: Case[] = [
  { name: 'whitespace around the colon', input: '{"id" : 7, "code":\n 8, "id"\t:\r\n9}', values: [7, 8, 9] },
  { name: 'negative integers', input: '{"code":-32600,"id":-1,"id":-0}', values: [-32600, -1, 0] },
  { name: 'a string value holding a key', input: '{"message":"failed at line:153","code":3}', values: [3] },
  { name: 'other numeric keys', input: '{"id":1,"price":20,"qty":3}', values: [1] },
  { name: 'suffix and prefix keys', input: '{"order_id":5,"uuid":6,"idx":7,"ID":8,"id":9}', values: [9] },
  { name: 'an escaped key', input: '{"\\u0069d":9,"\\u0069\\u0064":10,"c\\u006fde":11}', values: [9, 10, 11] },
  { name: 'an escaped quote before a key-like text', input: '{"payload":"{\\"id\\":5}","id":6}', values: [6] },
  { name: 'an escaped backslash before the closing quote', input: '{"path":"C:\\\\","id":4}', values: [4] },
  { name: 'escaped backslashes then a quote', input: '{"p":"\\\\\\"id\\":5","id":1}', values: [1] },
  { name: 'a key with escapes that is not chosen', input: '{"\\u0069dx":1,"i\\"d":2,"id":3}', values: [3] },
  { name: 'a string id is not an integer', input: '{"id":"42","code":null,"id":true,"id":{"id":5}}', values: [5] },
  { name: 'arrays of objects and nesting', input: '[[{"a":[{"id":1}]}],{"b":{"c":{"code":2}}}]', values: [1, 2] },
  { name: 'a key string in an array is not a key', input: '{"x":["id",5,"code",6]}', values: [] },
  {
    name: 'fractions, exponents and leading zeros are skipped, never truncated',
    input: '{"id":1.5,"code":2e3,"id":007,"code":-0.0,"id":1E2,"id":12}',
    values: [12],
    kinds: ['non-integer', 'non-integer', 'non-integer', 'non-integer', 'non-integer'],
  },
  {
    name: 'malformed numbers',
    input: '{"id":-,"id":12abc,"id":- 1,"id":3}',
    values: [3],
    kinds: ['malformed-number', 'malformed-number', 'malformed-number'],
  },
  {
    name: 'integers beyond 2^53 are reported, not rounded',
    input: '{"id":9007199254740991,"id":9007199254740993,"id":-9007199254740992}',
    values: [9007199254740991],
    kinds: ['unsafe-integer', 'unsafe-integer'],
  },
  {
    name: 'bigint gives exact values',
    input: '{"id":9007199254740993,"id":-123456789012345678901234567890,"code":5}',
    options: { bigint: true },
    values: [9007199254740993n, -123456789012345678901234567890n, 5n],
  },
  {
    name: 'numbers longer than maxDigits',
    input: `{"id":${'9'.repeat(30)},"id":1}`,
    options: { bigint: true, maxDigits: 20 },
    values: [1n],
    kinds: ['too-long'],
  },
  {
    // The inline integer path once ignored maxDigits below 16, so the outcome depended on the chunking.
    name: 'a short maxDigits holds for short numbers too',
    input: '{"id":12345,"id":-1234,"code":123}',
    options: { maxDigits: 3 },
    values: [123],
    kinds: ['too-long', 'too-long'],
  },
  { name: 'custom keys', input: '{"id":1,"user_id":2,"n":3}', options: { keys: ['user_id', 'n'] }, values: [2, 3] },
  {
    name: 'non-ASCII keys',
    input: '{"cöde":1,"c\\u00f6de":2,"😀":3}',
    options: { keys: ['cöde', '😀'] },
    values: [1, 2, 3],
  },
  { name: 'NDJSON', input: '{"id":1}\n{"id":2}\n\n{"code":3}\n', values: [1, 2, 3] },
  { name: 'concatenated documents', input: '{"id":1}{"id":2}[{"id":3}]', values: [1, 2, 3] },
  { name: 'HTML around the JSON', input: '<html><p class="x">"id":5</p>{"id":1}</html>', values: [1] },
  { name: 'keys outside any object are text', input: '"id":5 "code":6 {"id":7}', values: [7] },
  {
    name: 'a stray quote in a prefix resynchronises at the line break',
    input: 'Warning: it"s broken\n{"id":1}',
    values: [1],
    kinds: ['resync'],
  },
  {
    name: 'a raw line break inside a JSON string resynchronises',
    input: '{"a":"x\n","id":2}',
    values: [],
    kinds: ['resync', 'truncated'],
    complete: false,
  },
  {
    name: 'a number cut off by the end is not returned',
    input: '{"id":1,"id":2',
    values: [1],
    kinds: ['truncated'],
    complete: false,
  },
  { name: 'a key cut off', input: '{"id":1,"co', values: [1], kinds: ['truncated'], complete: false },
  { name: 'cut off after the colon', input: '{"id":1,"code": ', values: [1], kinds: ['truncated'], complete: false },
  { name: 'an open object', input: '{"id":1,"a":{', values: [1], kinds: ['truncated'], complete: false },
  { name: 'stray closing brackets', input: ']]}}{"id":1}', values: [1] },
  { name: 'an integer followed by a bracket', input: '[{"id":1}]', values: [1] },
  { name: 'empty input', input: '', values: [] },
  { name: 'not JSON at all', input: 'hello world: 12, id 5', values: [] },
];

describe('extract: hand-written cases', () => {
  it.each(cases)('$name', ({ input, options, values, kinds = [], complete = true }) => {
    for (const source of [input, encode(input)]) {
      const result = extract(source, options);
      expect(result.matches.map((m) => m.value)).toEqual(values);
      expect(result.diagnostics.map((d) => d.kind)).toEqual(kinds);
      expect(result.complete).toBe(complete);
    }
  });

  it('gives offsets such that input.slice(start, end) is the value (chars for strings, bytes for bytes)', () => {
    const input = '{"név":"é😀","id": -42,"code":7}';
    const text = extract(input).matches;
    expect(text.map((m) => input.slice(m.start, m.end))).toEqual(['-42', '7']);
    const bytes = encode(input);
    const fromBytes = extract(bytes).matches;
    expect(fromBytes.map((m) => new TextDecoder().decode(bytes.subarray(m.start, m.end)))).toEqual(['-42', '7']);
    expect(fromBytes[0]!.start).toBeGreaterThan(text[0]!.start);
  });

  it('reports where a skipped number is and what it was', () => {
    const [d] = extract('{"id": 1.5}').diagnostics;
    expect(d).toMatchObject({ kind: 'non-integer', key: 'id', raw: '1.5', start: 7, end: 10 });
    expect(d!.message).toContain('not truncated');
  });

  it('keeps at most maxDiagnostics diagnostics and counts the rest, and calls onDiagnostic for each', () => {
    const seen: string[] = [];
    const result = extract('{"id":1.5,"id":2.5,"id":3.5}', {
      maxDiagnostics: 1,
      onDiagnostic: (d) => seen.push(d.raw!),
    });
    expect(result.diagnostics).toHaveLength(1);
    expect(result.droppedDiagnostics).toBe(2);
    expect(seen).toEqual(['1.5', '2.5', '3.5']);
  });
});

describe('extractIds', () => {
  it('throws UNPROCESSABLE for an integer beyond 2^53 without bigint, saying how to get it', () => {
    let caught: unknown;
    try {
      extractIds('{"id":1,"id":9007199254740993}');
    } catch (error) {
      caught = error;
    }
    expect(isTickworkError(caught, 'UNPROCESSABLE')).toBe(true);
    expect((caught as Error).message).toContain('bigint: true');
    expect((caught as { details: unknown }).details).toMatchObject({ key: 'id', raw: '9007199254740993' });
  });

  it('returns bigints with bigint: true', () => {
    const ids: bigint[] = extractIds('{"id":9007199254740993,"code":1}', { bigint: true });
    expect(ids).toEqual([9007199254740993n, 1n]);
  });

  it('rejects invalid options and inputs with coded errors', () => {
    expect(() => extractIds('{}', { keys: [] })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => extractIds('{}', { keys: [''] })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => extractIds('{}', { maxDigits: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => extractIds(42 as unknown as string)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });
});
