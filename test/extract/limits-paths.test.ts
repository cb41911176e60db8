/**
 * Which path of the scanner takes each token. The scanner has two shortcuts — the inline `Out` path of the JS
 * scanner and the WebAssembly fast path — and hands everything they do not cover to the general resumable
 * states, which give the same result. So a shortcut that gives up too soon, or a window copied too often, is
 * invisible in the results and only costs speed, which no timing test on a shared machine would catch.
 * These tests count the hand-overs (`scanPaths`, counted at the hand-overs, never per byte) on inputs whose
 * every token is known, and check them against what the design promises:
 *
 * - the inline path keeps `"key": integer` (up to 15 digits), plain and escaped strings, brackets and
 *   whitespace, and gives each other token to the general states once;
 * - the fast path keeps the same tokens, stops once at each other token, and takes control back right after
 *   it, on rests of `minBytes` or more;
 * - each chunk byte is copied into the window about once, and strings of 32 bytes or more are searched with
 *   native `indexOf`, each search covering new ground.
 *
 * The values are checked too, so a count that stays right while the result goes wrong still fails.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { configureFastScan } from '../../src/extract/fast-scan.js';
import { createExtractor } from '../../src/extract/index.js';
import { resetScanPaths, scanPaths } from '../../src/extract/scanner.js';

const encoder = new TextEncoder();

/** The fast path as shipped. */
const SHIPPED = { enabled: true, window: 0x20000, minBytes: 256 };

afterAll(() => {
  configureFastScan(SHIPPED);
});

/** Extracts `chunks` with one extractor; returns the values, the diagnostic kinds and the path counts. */
function scan(chunks: readonly (string | Uint8Array)[]) {
  resetScanPaths();
  const extractor = createExtractor();
  const values: number[] = [];
  for (const chunk of chunks) values.push(...extractor.write(chunk).map((m) => m.value));
  const { diagnostics } = extractor.end();
  return { values, kinds: diagnostics.map((d) => d.kind), paths: { ...scanPaths } };
}

/** `input` as bytes, cut before each offset of `cuts`. */
function cutAt(input: string, cuts: readonly number[]): Uint8Array[] {
  const bytes = encoder.encode(input);
  const ends = [...cuts, bytes.length];
  return ends.map((end, k) => bytes.subarray(k === 0 ? 0 : ends[k - 1], end));
}

/**
 * Every token the shortcuts keep: keys with integers (negative, zero, 15 digits, spaces around the colon),
 * strings that are not keys, escaped values followed by `,` and by `}`, a 40-byte string, nesting.
 */
const EASY =
  '{"id":1,"code":-2,"name":"plain","esc":"a\\"b\\\\c","n":{"id" : 0,"arr":[1,2,{"code":  123456789012345}]},' +
  `"long":"${'x'.repeat(40)}","s":"","e":"\\u0041"}`;
const EASY_VALUES = [1, -2, 0, 123456789012345];

/** Tokens neither shortcut keeps, each in an object of its own, with the values and diagnostics they give. */
const HARD: { name: string; token: string; values: number[]; kinds: string[] }[] = [
  { name: 'a key with an escape, before its colon', token: '{"i\\u0064":7}', values: [7], kinds: [] },
  { name: 'an integer of 16 digits', token: '{"id":1234567890123456}', values: [1234567890123456], kinds: [] },
  { name: 'a fraction', token: '{"id":1.5}', values: [], kinds: ['non-integer'] },
  { name: 'a leading zero', token: '{"id":01}', values: [], kinds: ['non-integer'] },
  { name: 'a string value', token: '{"id":"x"}', values: [], kinds: [] },
  { name: 'null', token: '{"id":null}', values: [], kinds: [] },
  { name: 'a key name as a value', token: '{"x":"id"}', values: [], kinds: [] },
  { name: 'a line break in a string', token: '{"t":"b\n"id":3}', values: [3], kinds: ['resync'] },
];

/** `[EASY, hard, EASY, hard, …, EASY]` with `count` hard tokens. */
function between(hard: string, count: number): string {
  return `[${Array.from({ length: count }, () => `${EASY},${hard}`).join(',')},${EASY}]`;
}

function expectedOf(hard: (typeof HARD)[number], count: number) {
  return {
    values: [...Array.from({ length: count }, () => [...EASY_VALUES, ...hard.values]).flat(), ...EASY_VALUES],
    kinds: Array.from({ length: count }, () => hard.kinds).flat(),
  };
}

const EASY_ONLY = `[${Array.from({ length: 50 }, () => EASY).join(',')}]`;
const EASY_ONLY_VALUES = Array.from({ length: 50 }, () => EASY_VALUES).flat();

describe('the inline path of the JS scanner', () => {
  beforeEach(() => {
    configureFastScan({ enabled: false });
  });

  it('keeps every token it covers: nothing reaches the general states', () => {
    for (const chunk of [EASY_ONLY, encoder.encode(EASY_ONLY)]) {
      const { values, kinds, paths } = scan([chunk]);
      expect(values).toEqual(EASY_ONLY_VALUES);
      expect(kinds).toEqual([]);
      expect(paths).toMatchObject({ general: 0, fastRuns: 0 });
    }
  });

  it.each(HARD)('gives the general states each token it does not cover, once: $name', (hard) => {
    for (const count of [1, 7]) {
      const { values, kinds, paths } = scan([between(hard.token, count)]);
      expect({ values, kinds }).toEqual(expectedOf(hard, count));
      expect(paths.general).toBe(count);
    }
  });

  it('gives the general states a string the chunk ends inside, once per cut', () => {
    const input = between('{"id":5}', 3);
    // Inside the `"plain"` value of each of the four EASY objects.
    const cuts = [...input.matchAll(/"pla/g)].map((m) => m.index + 3);
    expect(cuts).toHaveLength(4);
    const whole = scan([input]);
    expect(whole.paths.general).toBe(0);
    const cut = scan(cutAt(input, cuts));
    expect(cut.values).toEqual(whole.values);
    expect(cut.paths.general).toBe(4);
  });

  it('searches with native indexOf from 32 bytes of string on, each stop byte anew only once passed', () => {
    const objects = (body: (k: number) => string) => `[${Array.from({ length: 20 }, (_, k) => body(k)).join(',')}]`;
    // Strings of 31 bytes stay in the byte loop.
    expect(scan([objects((k) => `{"s":"${'y'.repeat(31)}","id":${k}}`)]).paths.searches).toBe(0);
    // From 32 bytes on: the first long string looks up all four stop bytes (quote, backslash, line feed,
    // carriage return); with no backslash or line break in the input those answers hold to the end, and each
    // later long string looks up only its closing quote.
    const long = scan([objects((k) => `{"s":"${'y'.repeat(32)}","id":${k}}`)]);
    expect(long.values).toEqual(Array.from({ length: 20 }, (_, k) => k));
    expect(long.paths.searches).toBe(4 + 19);
    // A backslash in each object, before its long string, costs one more search per later long string.
    expect(scan([objects((k) => `{"e":"\\n","s":"${'y'.repeat(40)}","id":${k}}`)]).paths.searches).toBe(4 + 2 * 19);
  });

  it('searches only where a string runs on: not at a chunk that ends inside a short one', () => {
    // Cut inside each short `"plain"`: the general states read it to the chunk's end byte by byte.
    const input = `[${Array.from({ length: 4 }, () => '{"id":5,"name":"plain"}').join(',')}]`;
    const cuts = [...input.matchAll(/"pla/g)].map((m) => m.index + 3);
    const cut = scan(cutAt(input, cuts));
    expect(cut.values).toEqual([5, 5, 5, 5]);
    expect(cut.paths).toMatchObject({ general: 4, searches: 0 });
    // A chunk that starts inside a long string: the general states search it (all four stop bytes, once).
    const long = `{"s":"${'y'.repeat(100)}","id":1}`;
    const inLong = scan(cutAt(long, [16]));
    expect(inLong.values).toEqual([1]);
    expect(inLong.paths).toMatchObject({ general: 1, searches: 4 });
  });

  it('reuses the inline searches when the general states rescan a long string', () => {
    // The inline path searched up to the line break and gave the string to the general states, which rescan it
    // from its start with the answers it found; only each later string needs new ones (its quote and line feed).
    const input = `[${Array.from({ length: 5 }, (_, k) => `{"t":"${'z'.repeat(40)}\n"id":${k}}`).join(',')}]`;
    const { values, kinds, paths } = scan([input]);
    expect(values).toEqual([0, 1, 2, 3, 4]);
    expect(kinds).toEqual(Array.from({ length: 5 }, () => 'resync'));
    expect(paths.general).toBe(5);
    expect(paths.searches).toBe(4 + 2 * 4);
  });
});

describe('the WebAssembly fast path', () => {
  it('is available here (WebAssembly SIMD, Node 20 and later)', () => {
    expect(configureFastScan(SHIPPED)).toBe(true);
  });

  it('keeps every token it covers: one run, one window, no token left to JS', () => {
    configureFastScan(SHIPPED);
    for (const chunk of [EASY_ONLY, encoder.encode(EASY_ONLY)]) {
      const { values, paths } = scan([chunk]);
      expect(values).toEqual(EASY_ONLY_VALUES);
      expect(paths).toEqual({ fastRuns: 1, windowCopies: 1, handBacks: 0, general: 0, searches: 0 });
    }
  });

  it.each(HARD)('stops once at each token it does not cover and takes control back after it: $name', (hard) => {
    configureFastScan({ enabled: true, window: 0x20000, minBytes: 1 });
    for (const count of [1, 7]) {
      const { values, kinds, paths } = scan([between(hard.token, count)]);
      expect({ values, kinds }).toEqual(expectedOf(hard, count));
      // The window holds the whole input, so it is copied once however often control goes back and forth.
      expect(paths).toEqual({ fastRuns: count + 1, windowCopies: 1, handBacks: count, general: count, searches: 0 });
    }
  });

  it('takes control back only for a rest of minBytes or more', () => {
    configureFastScan(SHIPPED);
    // After the 16-digit value the JS scanner is back between tokens at its closing brace.
    const head = `[${EASY},{"id":1234567890123456}`;
    const at = head.length - 1;
    for (const rest of [255, 256, 257]) {
      const tail = `,{"s":"${'w'.repeat(rest - 11)}"}]`;
      const input = head + tail;
      expect(input.length - at).toBe(rest);
      const { values, paths } = scan([input]);
      expect(values).toEqual([...EASY_VALUES, 1234567890123456]);
      expect(paths.fastRuns).toBe(rest >= 256 ? 2 : 1);
    }
  });

  it('copies each byte into a small window about once, however often it stops', () => {
    const window = 4096;
    configureFastScan({ enabled: true, window, minBytes: 1 });
    // Bytes: the extractor encodes a string in slices of 65,536 units, and each slice is a chunk of its own.
    const mixed = encoder.encode(between('{"id":1.5}', 150));
    const easyBytes = encoder.encode(EASY_ONLY.repeat(20));
    for (const input of [easyBytes, mixed]) {
      const { paths } = scan([input]);
      // Every window holds at most `window` bytes, and a new one starts only within its last eighth.
      expect(paths.windowCopies).toBeGreaterThanOrEqual(Math.ceil(input.length / window));
      expect(paths.windowCopies).toBeLessThanOrEqual(Math.ceil(input.length / ((window * 7) / 8)));
    }
    const { values, paths } = scan([mixed]);
    expect(values).toEqual(expectedOf(HARD[2]!, 150).values);
    // Tokens cut by a window's end are stopped at too, once each; after every stop the JS scanner takes that one
    // token and hands control straight back (every rest here is over `minBytes`).
    expect(paths.handBacks).toBeGreaterThanOrEqual(150);
    expect(paths.handBacks).toBeLessThanOrEqual(150 + paths.windowCopies);
    expect(paths.fastRuns).toBe(paths.handBacks + 1);
    expect(paths.general).toBe(150);
    // Without a token it does not cover, the fast path crosses every window in one run.
    const easy = scan([easyBytes]).paths;
    expect(easy.fastRuns).toBe(easy.handBacks + 1);
    expect(easy.general).toBe(0);
  });

  it('takes control back right after a token cut by the window, whichever way the JS scanner read it', () => {
    configureFastScan({ enabled: true, window: 512, minBytes: 1 });
    // One kind of token throughout, so that a JS scanner that kept going after the cut token would read the
    // rest of the input itself: strings that are no key, strings shaped like a key that match none, keys with
    // integers.
    const inputs = [
      { input: `[${Array.from({ length: 400 }, (_, k) => `"s${k}"`).join(',')}]`, values: [] as number[] },
      { input: `[${Array.from({ length: 400 }, () => '"ix"').join(',')}]`, values: [] as number[] },
      {
        input: `{${Array.from({ length: 400 }, (_, k) => `"id":${k}`).join(',')}}`,
        values: Array.from({ length: 400 }, (_, k) => k),
      },
    ];
    for (const { input, values } of inputs) {
      const { values: found, paths } = scan([encoder.encode(input)]);
      expect(found).toEqual(values);
      expect(paths.handBacks).toBeGreaterThan(0);
      expect(paths.fastRuns).toBe(paths.handBacks + 1);
      expect(paths.general).toBe(0);
    }
  });

  it('copies a new window for each chunk: a refilled buffer holds other bytes', () => {
    configureFastScan({ enabled: true, window: 0x20000, minBytes: 1 });
    const input = between('{"id":5}', 5);
    const cuts = [1, 2, 3].map((k) => Math.floor((k * input.length) / 4));
    const { values, paths } = scan(cutAt(input, cuts));
    expect(values).toEqual(scan([input]).values);
    expect(paths.windowCopies).toBe(4);
  });
});
