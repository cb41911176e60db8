/**
 * The scanner at its limits, each case checked for its exact result: the matches with their offsets, every
 * diagnostic with its message, key and raw text, and whether the input was complete. Each case runs
 *
 * - whole, cut at every offset (bytes and string) and one byte at a time, so every token is split at every
 *   position: inside keys, escapes, numbers, whitespace and the 64 characters kept of a bad number;
 * - with the JS scanner alone (the reference, and the fallback without WebAssembly SIMD) and with the fast
 *   path on every chunk through a 61-byte window, so the hand-over between the two runs at every token;
 * - on string input after a first chunk of one repeated "poison" character: the extractor encodes strings into
 *   a reused buffer, so the bytes past each later chunk's end are left over from earlier chunks, and a scanner
 *   that reads one byte too far sees a quote, a colon, a digit where the chunk has ended.
 *
 * The other files run the suite as shipped (fast path on chunks of 256 bytes or more), so on their short
 * inputs the JS scanner runs alone; these cases pin what both paths must give, near every limit in the code.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { configureFastScan, fastScanner } from '../../src/extract/fast-scan.js';
import type { ExtractDiagnostic, ExtractMatch, ExtractOptions, ExtractResult } from '../../src/extract/index.js';
import { createExtractor, extract, extractIds } from '../../src/extract/index.js';

const encoder = new TextEncoder();

/** The fast path as shipped: on chunks of 256 bytes or more, through a 128 KiB window. */
const SHIPPED = { enabled: true, window: 0x20000, minBytes: 256 };

afterAll(() => {
  configureFastScan(SHIPPED);
});

type Result = ExtractResult<number | bigint>;

/** Feeds `pieces` to one extractor and returns everything it reported. */
function run(pieces: readonly (string | Uint8Array)[], options: ExtractOptions = {}): Result {
  const extractor = createExtractor(options as { bigint: false });
  const matches: ExtractMatch<number | bigint>[] = [];
  for (const piece of pieces) matches.push(...extractor.write(piece));
  return { matches, ...extractor.end() };
}

/** `result` with every offset, in the fields and in the messages, moved by `by`. */
function shifted(result: Result, by: number): Result {
  return {
    ...result,
    matches: result.matches.map((m) => ({ ...m, start: m.start + by, end: m.end + by })),
    diagnostics: result.diagnostics.map((d) => ({
      ...d,
      start: d.start + by,
      end: d.end + by,
      message: d.message.replace(/offset (\d+)/g, (_, n: string) => `offset ${Number(n) + by}`),
    })),
  };
}

// ---- expected results, spelled out ----

const NOT_INTEGER = 'is not an integer; skipped, not truncated';
const LEADING_ZERO = 'has a leading zero';
const NOT_A_NUMBER = 'is not a number';
const UNSAFE = 'is beyond Number.MAX_SAFE_INTEGER and would be rounded; use { bigint: true } for exact values';
const tooLong = (maxDigits: number) => `has more than ${maxDigits} digits`;
const IN_STRING = 'inside a string';
const inValue = (key: string) => `inside the value of "${key}"; the cut-off number is not returned`;
const afterKey = (key: string) => `after the key "${key}", before its value`;
const open = (count: number) => `with ${count} object(s) or array(s) still open`;

function match(key: string, value: number | bigint, start: number, end: number): ExtractMatch<number | bigint> {
  return { key, value, start, end };
}

function skipped(
  kind: ExtractDiagnostic['kind'],
  key: string,
  start: number,
  end: number,
  raw: string,
  what: string,
): ExtractDiagnostic {
  return { kind, message: `Value of "${key}" at offset ${start} (${raw}) ${what}.`, start, end, key, raw };
}

function resync(at: number): ExtractDiagnostic {
  return {
    kind: 'resync',
    message: `Line break inside a string at offset ${at}: the text before it was not JSON; scanning resumes after it.`,
    start: at,
    end: at + 1,
  };
}

function truncated(start: number, end: number, what: string, key?: string, raw?: string): ExtractDiagnostic {
  const d: ExtractDiagnostic = { kind: 'truncated', message: `Input ended at offset ${end} ${what}.`, start, end };
  return { ...d, ...(key === undefined ? {} : { key }), ...(raw === undefined ? {} : { raw }) };
}

interface Case {
  name: string;
  /** ASCII only, so byte and string offsets agree. */
  input: string;
  options?: ExtractOptions;
  matches: ExtractMatch<number | bigint>[];
  diagnostics: ExtractDiagnostic[];
  complete?: boolean;
}

const CASES: Case[] = [
  {
    name: 'signs, fractions, exponents, leading zeros and malformed numbers',
    input: '{"id":-1.5,"code":-12abc,"id":-,"id":007,"code":-0,"id":-7,"id":1e5}',
    matches: [match('code', 0, 48, 50), match('id', -7, 56, 58)],
    diagnostics: [
      skipped('non-integer', 'id', 6, 10, '-1.5', NOT_INTEGER),
      skipped('malformed-number', 'code', 18, 24, '-12abc', NOT_A_NUMBER),
      skipped('malformed-number', 'id', 30, 31, '-', NOT_A_NUMBER),
      skipped('non-integer', 'id', 37, 40, '007', LEADING_ZERO),
      skipped('non-integer', 'id', 64, 67, '1e5', NOT_INTEGER),
    ],
  },
  {
    // A bad number is skipped whole: `[0-9A-Za-z.+_-]`, bounds included; `/`, `@`, `` ` `` and `:` (next to
    // those ranges) end it.
    name: 'the characters a bad number token takes, and those that end it',
    input: '{"id":1.59,"id":2.5AZ,"id":3.5az,"id":4e+5_x,"id":6.5/1,"id":7.5@1,"id":8.5`1,"id":9.5:1}',
    matches: [],
    diagnostics: [
      skipped('non-integer', 'id', 6, 10, '1.59', NOT_INTEGER),
      skipped('non-integer', 'id', 16, 21, '2.5AZ', NOT_INTEGER),
      skipped('non-integer', 'id', 27, 32, '3.5az', NOT_INTEGER),
      skipped('non-integer', 'id', 38, 44, '4e+5_x', NOT_INTEGER),
      skipped('non-integer', 'id', 50, 53, '6.5', NOT_INTEGER),
      skipped('non-integer', 'id', 61, 64, '7.5', NOT_INTEGER),
      skipped('non-integer', 'id', 72, 75, '8.5', NOT_INTEGER),
      skipped('non-integer', 'id', 83, 86, '9.5', NOT_INTEGER),
    ],
  },
  {
    name: 'raw line breaks in strings, after a backslash too',
    input: '{"a":"b\n"id":1,"c":"d\r"id":2,"e":"f\\\n"id":3,"g":"h\\\r"id":4}',
    matches: [match('id', 1, 13, 14), match('id', 2, 27, 28), match('id', 3, 42, 43), match('id', 4, 57, 58)],
    diagnostics: [resync(7), resync(21), resync(36), resync(51)],
  },
  {
    name: 'raw line breaks in strings longer than the short-string loop',
    input: `{"s":"${'x'.repeat(40)}\n"id":5,"t":"${'y'.repeat(40)}\r"id":6,"u":"${'z'.repeat(40)}\\\n"id":7}`,
    matches: [match('id', 5, 52, 53), match('id', 6, 105, 106), match('id', 7, 159, 160)],
    diagnostics: [resync(46), resync(99), resync(153)],
  },
  {
    name: 'input ending inside a string',
    input: '{"id":1,"s":"abc',
    matches: [match('id', 1, 6, 7)],
    diagnostics: [truncated(12, 16, IN_STRING)],
    complete: false,
  },
  {
    name: 'input ending right after a backslash in a string',
    input: '{"id":1,"s":"ab\\',
    matches: [match('id', 1, 6, 7)],
    diagnostics: [truncated(12, 16, IN_STRING)],
    complete: false,
  },
  {
    name: 'input ending inside a negative number',
    input: '{"id":-123',
    matches: [],
    diagnostics: [truncated(6, 10, inValue('id'), 'id', '-123')],
    complete: false,
  },
  {
    name: 'input ending inside a positive number',
    input: '{"code":45',
    matches: [],
    diagnostics: [truncated(8, 10, inValue('code'), 'code', '45')],
    complete: false,
  },
  {
    name: 'input ending inside a bad number',
    input: '{"id":-1.5',
    matches: [],
    diagnostics: [truncated(6, 10, inValue('id'), 'id', '-1.5')],
    complete: false,
  },
  {
    name: 'input ending after a key',
    input: '{"id" ',
    matches: [],
    diagnostics: [truncated(6, 6, afterKey('id'), 'id')],
    complete: false,
  },
  {
    name: 'input ending after a key and its colon',
    input: '{"code": ',
    matches: [],
    diagnostics: [truncated(9, 9, afterKey('code'), 'code')],
    complete: false,
  },
  {
    name: 'input ending with containers open',
    input: '[{"a":[1,{}',
    matches: [],
    diagnostics: [truncated(11, 11, open(3))],
    complete: false,
  },
  {
    name: 'number tokens longer than the 64 characters kept of them',
    input: `{"id":-1.${'2'.repeat(80)},"id":-${'9'.repeat(70)},"code":${'1'.repeat(100)},"id":${'4'.repeat(80)}x}`,
    options: { maxDigits: 80 },
    matches: [],
    diagnostics: [
      skipped('non-integer', 'id', 6, 89, `-1.${'2'.repeat(61)}`, NOT_INTEGER),
      skipped('unsafe-integer', 'id', 95, 166, `-${'9'.repeat(63)}`, UNSAFE),
      skipped('too-long', 'code', 174, 274, '1'.repeat(64), tooLong(80)),
      skipped('malformed-number', 'id', 280, 361, '4'.repeat(64), NOT_A_NUMBER),
    ],
  },
  {
    name: 'input ending inside a bad number longer than 64 characters',
    input: `{"id":-1.${'2'.repeat(80)}`,
    matches: [],
    diagnostics: [truncated(6, 89, inValue('id'), 'id', `-1.${'2'.repeat(61)}`)],
    complete: false,
  },
  {
    name: 'input ending inside an integer longer than 64 digits',
    input: `{"id":-${'3'.repeat(90)}`,
    matches: [],
    diagnostics: [truncated(6, 97, inValue('id'), 'id', `-${'3'.repeat(63)}`)],
    complete: false,
  },
  {
    name: 'integers of exactly maxDigits digits and one more, as bigints',
    input: `{"id":${'1'.repeat(20)},"id":-${'2'.repeat(20)},"id":${'3'.repeat(21)}}`,
    options: { maxDigits: 20, bigint: true },
    matches: [match('id', 11111111111111111111n, 6, 26), match('id', -22222222222222222222n, 32, 53)],
    diagnostics: [skipped('too-long', 'id', 59, 80, '3'.repeat(21), tooLong(20))],
  },
  {
    name: 'integers of exactly maxDigits digits and one more, as numbers',
    input: `{"id":${'1'.repeat(20)},"id":-${'2'.repeat(20)},"id":${'3'.repeat(21)}}`,
    options: { maxDigits: 20 },
    matches: [],
    diagnostics: [
      skipped('unsafe-integer', 'id', 6, 26, '1'.repeat(20), UNSAFE),
      skipped('unsafe-integer', 'id', 32, 53, `-${'2'.repeat(20)}`, UNSAFE),
      skipped('too-long', 'id', 59, 80, '3'.repeat(21), tooLong(20)),
    ],
  },
  {
    name: 'integers of 15 and 16 digits around Number.MAX_SAFE_INTEGER',
    input:
      '{"id":9007199254740991,"id":9007199254740992,"code":1234567890123456,"id":-9007199254740991,' +
      '"id":123456789012345,"id":-999999999999999}',
    matches: [
      match('id', 9007199254740991, 6, 22),
      match('code', 1234567890123456, 52, 68),
      match('id', -9007199254740991, 74, 91),
      match('id', 123456789012345, 97, 112),
      match('id', -999999999999999, 118, 134),
    ],
    diagnostics: [skipped('unsafe-integer', 'id', 28, 44, '9007199254740992', UNSAFE)],
  },
  {
    name: 'integers of 15 and 16 digits around Number.MAX_SAFE_INTEGER, as bigints',
    input:
      '{"id":9007199254740991,"id":9007199254740992,"code":1234567890123456,"id":-9007199254740991,' +
      '"id":123456789012345,"id":-999999999999999}',
    options: { bigint: true },
    matches: [
      match('id', 9007199254740991n, 6, 22),
      match('id', 9007199254740992n, 28, 44),
      match('code', 1234567890123456n, 52, 68),
      match('id', -9007199254740991n, 74, 91),
      match('id', 123456789012345n, 97, 112),
      match('id', -999999999999999n, 118, 134),
    ],
    diagnostics: [],
  },
  {
    // `-0` is 0 (toEqual tells them apart).
    name: 'zeros, signed and repeated',
    input: '{"id":0,"code":-0,"id":00,"id":-00,"id":0}',
    matches: [match('id', 0, 6, 7), match('code', 0, 15, 17), match('id', 0, 40, 41)],
    diagnostics: [
      skipped('non-integer', 'id', 23, 25, '00', LEADING_ZERO),
      skipped('non-integer', 'id', 31, 34, '-00', LEADING_ZERO),
    ],
  },
  {
    name: 'zeros and small negatives as bigints',
    input: '{"id":0,"code":-0,"id":-42,"id":00}',
    options: { bigint: true },
    matches: [match('id', 0n, 6, 7), match('code', 0n, 15, 17), match('id', -42n, 23, 26)],
    diagnostics: [skipped('non-integer', 'id', 32, 34, '00', LEADING_ZERO)],
  },
  {
    // The longest raw form of `id` or `code` is 24 bytes (`code` with every byte escaped); a string that
    // starts like a key and runs longer, split anywhere, is never matched by its start.
    name: 'strings that start like a key and run past the longest raw key',
    input: '{"idxxxxxxxxxxxxxxxxxxxxxxxxxx":5,"\\u0069\\u0064xxxxxxxxxxxxxxxxxxxx":6,"co":7,"code":8}',
    matches: [match('code', 8, 85, 86)],
    diagnostics: [],
  },
  {
    name: 'escaped keys, and escaped strings that are values',
    input: '{"x":["\\u0069d",1],"i\\u0064":2,"y":"\\u0063ode" ,"c\\u006fde" : 3,"z":"a\\"b"}',
    matches: [match('id', 2, 29, 30), match('code', 3, 62, 63)],
    diagnostics: [],
  },
  {
    name: 'long strings with escapes on both sides of the short-string limit',
    input: `{"s":"${'a'.repeat(40)}\\"${'b'.repeat(40)}\\\\","id":5,"t":"${'c'.repeat(35)}","code":6,"u":"${'\\\\'.repeat(20)}","id":7}`,
    matches: [match('id', 5, 97, 98), match('code', 6, 148, 149), match('id', 7, 202, 203)],
    diagnostics: [],
  },
  {
    name: 'whitespace everywhere around the colon and the value',
    input: '{"id" \t:\r\n 12 ,"code"\n:\n-3 ,\t"id"\r:\t0\n}',
    matches: [match('id', 12, 11, 13), match('code', -3, 24, 26), match('id', 0, 36, 37)],
    diagnostics: [],
  },
  {
    // Keys count only inside an object or array, and a stray closing bracket never takes the depth below 0.
    name: 'keys at depth 0 and closing brackets beyond it',
    input: '"id":1,[{"id":2}],{"code":3}]}}{"id":4}',
    matches: [match('id', 2, 14, 15), match('code', 3, 26, 27), match('id', 4, 37, 38)],
    diagnostics: [],
  },
];

/**
 * Repeated, these leave the scanner where it was (outside strings, at depth 0): a quote or a digit where a
 * string or a number would go on, a space where whitespace would, a colon after a key, and every byte that
 * ends a run of string content one byte further on (so a search for the next one finds it past the chunk's
 * end, not at it).
 */
const POISONS = ['""', ' ', '0', ':', ' ""\\\n\r'];

function expectedOf(c: Case): Result {
  return { matches: c.matches, complete: c.complete ?? true, diagnostics: c.diagnostics, droppedDiagnostics: 0 };
}

describe('exact results with the JS scanner alone', () => {
  it.each(CASES)('$name: whole, at every cut and one byte at a time', (c) => {
    configureFastScan({ enabled: false });
    const expected = expectedOf(c);
    const bytes = encoder.encode(c.input);
    expect(bytes.length).toBe(c.input.length);
    expect(run([c.input], c.options)).toEqual(expected);
    expect(run([bytes], c.options)).toEqual(expected);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(run([bytes.subarray(0, cut), bytes.subarray(cut)], c.options), `cut at ${cut}`).toEqual(expected);
    }
    const single = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    expect(run(single, c.options), 'one byte at a time').toEqual(expected);
  });

  it.each(CASES)('$name: string input at every cut, with stale bytes past the end of each chunk', (c) => {
    configureFastScan({ enabled: false });
    for (const poison of POISONS) {
      // The first chunk fills the encoding buffer past the end of every later one (no chunk is longer).
      const first = poison.repeat(Math.ceil((c.input.length + 8) / poison.length));
      const expected = shifted(expectedOf(c), first.length);
      expect(run([first, c.input], c.options), `after ${JSON.stringify(poison)}`).toEqual(expected);
      for (let cut = 1; cut < c.input.length; cut++) {
        expect(
          run([first, c.input.slice(0, cut), c.input.slice(cut)], c.options),
          `after ${JSON.stringify(poison)}, cut at ${cut}`,
        ).toEqual(expected);
      }
    }
  });
});

describe('exact results with the fast path on every chunk, through a 61-byte window', () => {
  it.each(CASES)('$name: whole and at every cut', (c) => {
    configureFastScan({ enabled: true, window: 61, minBytes: 1 });
    const expected = expectedOf(c);
    const bytes = encoder.encode(c.input);
    expect(run([c.input], c.options)).toEqual(expected);
    expect(run([bytes], c.options)).toEqual(expected);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(run([bytes.subarray(0, cut), bytes.subarray(cut)], c.options), `cut at ${cut}`).toEqual(expected);
    }
  });
});

describe("the fast path's own limits", () => {
  it('leaves keys its table cannot hold (a 49-byte key, 65 keys) to the JS scanner, with the same results', () => {
    configureFastScan({ enabled: true, window: 61, minBytes: 1 });
    const long = 'k'.repeat(49);
    const many = Array.from({ length: 65 }, (_, i) => `key${i}`);
    const input = `{"id":1,"${long}":2,"key64":3,"key0":4,"pad":"${'x'.repeat(300)}","${long}":5,"key64":6}`;
    expect(extractIds(input, { keys: ['id', long] })).toEqual([1, 2, 5]);
    expect(extractIds(input, { keys: many })).toEqual([3, 4, 6]);
    expect(extract(encoder.encode(input), { keys: ['id', long] }).matches.map((m) => m.start)).toEqual([
      6,
      input.indexOf(`"${long}":2`) + 52,
      input.lastIndexOf(`"${long}":5`) + 52,
    ]);
  });

  it('never scans a chunk through the window of the chunk before, whatever the copy counter reads', () => {
    configureFastScan({ enabled: true, window: 61, minBytes: 1 });
    const fast = fastScanner()!;
    // In a fresh process the counter starts at 0; each run here starts from there, as the first scan would.
    for (const [first, second] of [
      ['[{"id":1},', '{"id":2}]'],
      ['[{"code":3}', ',{"id":4}]'],
    ] as const) {
      fast.generation = 0;
      const extractor = createExtractor();
      const values = [...extractor.write(encoder.encode(first)), ...extractor.write(encoder.encode(second))];
      expect(values.map((m) => m.value)).toEqual(first.includes('"id":1') ? [1, 2] : [3, 4]);
    }
  });

  it('takes a chunk longer than its window in window-sized steps', () => {
    configureFastScan(SHIPPED);
    const rows = Array.from({ length: 8000 }, (_, i) => `{"id":${i},"s":"a\\"b${i}"}`);
    const input = `[${rows.join(',')}]`;
    expect(input.length).toBeGreaterThan(0x20000 + 0x10000);
    const ids = Array.from({ length: 8000 }, (_, i) => i);
    expect(extractIds(encoder.encode(input))).toEqual(ids);
    const { matches } = extract(input);
    expect(matches.map((m) => m.value)).toEqual(ids);
    expect(matches.every((m) => input.slice(m.start, m.end) === String(m.value))).toBe(true);
  });
});
