/**
 * Property tests: results never depend on how the input is chunked, and on generated valid JSON the
 * extraction equals a `JSON.parse` oracle, so nothing inside a string is ever returned.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExtractResult } from '../../src/extract/index.js';
import { createExtractor, extract, extractIds } from '../../src/extract/index.js';

const KEYS = ['id', 'code'];
const encoder = new TextEncoder();

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Feeds `input` cut at `cuts` (sorted, deduplicated offsets) and returns the whole result. */
function chunked(input: string | Uint8Array, cuts: number[], bigint = false): ExtractResult<number | bigint> {
  const extractor = createExtractor({ bigint } as { bigint: false });
  const matches = [];
  let from = 0;
  for (const cut of [...cuts, input.length]) {
    matches.push(...extractor.write(input.slice(from, cut)));
    from = cut;
  }
  return { matches, ...extractor.end() };
}

const cutsFor = (length: number) =>
  fc.uniqueArray(fc.integer({ min: 0, max: length }), { maxLength: 12 }).map((a) => a.sort((x, y) => x - y));

/** Almost-JSON: JSON-ish tokens, text, escapes, multi-byte characters and line breaks in any order. */
const almostJson = fc
  .array(
    fc.oneof(
      fc.constantFrom('{', '}', '[', ']', '"', '\\', '\\"', '\\\\', ':', ',', ' ', '\n', '\r', '\t'),
      fc.constantFrom('"id"', '"code"', '"\\u0069d"', '"co\\u0064e"', '"id":', '"code" : ', '{"id":', '"x":"'),
      fc.constantFrom('-', '0', '1', '12', '007', '.', '5e3', '9007199254740993', '-42'),
      fc.constantFrom('é', '😀', '\u2028', '<b>Warning</b>', 'null', 'true'),
      fc.string({ maxLength: 6 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

describe('chunk invariance', () => {
  it('gives identical results for any split of the bytes (inside UTF-8 characters, escapes, keys, numbers)', () => {
    fc.assert(
      fc.property(
        almostJson.chain((text) => fc.tuple(fc.constant(encoder.encode(text)), cutsFor(encoder.encode(text).length))),
        fc.boolean(),
        ([bytes, cuts], bigint) => {
          expect(chunked(bytes, cuts, bigint)).toEqual(chunked(bytes, [], bigint));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('gives identical results for any split of a string (inside surrogate pairs too)', () => {
    fc.assert(
      fc.property(
        almostJson.chain((text) => fc.tuple(fc.constant(text), cutsFor(text.length))),
        ([text, cuts]) => {
          expect(chunked(text, cuts)).toEqual(chunked(text, []));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('gives the same results for a string as for its UTF-8 bytes, offsets counted in string indices', () => {
    // Map each byte offset to its string index, including the offsets quoted in messages.
    const unitsAt = (text: string, byteOffset: number) =>
      new TextDecoder().decode(encoder.encode(text).subarray(0, byteOffset)).length;
    fc.assert(
      fc.property(almostJson, fc.boolean(), (text, bigint) => {
        const at = (offset: number) => unitsAt(text, offset);
        const fromBytes = extract(encoder.encode(text), { bigint } as { bigint: false });
        const fromString = extract(text, { bigint } as { bigint: false });
        expect(fromString).toEqual({
          ...fromBytes,
          matches: fromBytes.matches.map((m) => ({ ...m, start: at(m.start), end: at(m.end) })),
          diagnostics: fromBytes.diagnostics.map((d) => ({
            ...d,
            start: at(d.start),
            end: at(d.end),
            message: d.message.replace(/offset (\d+)/g, (_, n: string) => `offset ${at(Number(n))}`),
          })),
        });
        if (bigint || !fromString.diagnostics.some((d) => d.kind === 'unsafe-integer')) {
          expect(extractIds(text, { bigint } as { bigint: false })).toEqual(fromString.matches.map((m) => m.value));
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('gives identical results for one-byte chunks', () => {
    fc.assert(
      fc.property(almostJson, (text) => {
        const bytes = encoder.encode(text);
        const every = Array.from({ length: bytes.length }, (_, i) => i);
        expect(chunked(bytes, every)).toEqual(chunked(bytes, []));
      }),
      { numRuns: 300 },
    );
  });

  it('gives matches in document order whose offsets slice out the value, on any input', () => {
    fc.assert(
      fc.property(almostJson, (text) => {
        const { matches } = extract(text, { bigint: true });
        let last = -1;
        for (const m of matches) {
          expect(m.start).toBeGreaterThan(last);
          expect(BigInt(text.slice(m.start, m.end))).toBe(m.value);
          last = m.end;
        }
      }),
      { numRuns: 1000 },
    );
  });
});

// ---- JSON.parse oracle ----

/** Strings that look like keys and values, escapes, and characters that need escaping. */
const trickyString = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('"id":5', '{"code":7}', '\\"id\\":5', 'id', 'code', '\\', '"', '\n"id":9', 'a"b', '\u0000', '😀'),
);
const key = fc.oneof(
  { arbitrary: fc.constantFrom('id', 'code'), weight: 4 },
  {
    arbitrary: fc.constantFrom('ID', 'uuid', 'order_id', 'i', 'co', 'codes', 'id ', '"id"', 'cöde', 'i\nd'),
    weight: 2,
  },
  { arbitrary: fc.string({ maxLength: 5 }), weight: 1 },
);
const value = fc.letrec<{ value: Json; object: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    { arbitrary: fc.maxSafeInteger(), weight: 2 },
    { arbitrary: fc.integer({ min: -1000, max: 1000 }), weight: 2 },
    { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)), weight: 1 },
    { arbitrary: trickyString, weight: 2 },
    { arbitrary: fc.constantFrom(null, true, false), weight: 1 },
    { arbitrary: fc.array(tie('value'), { maxLength: 5 }), weight: 1 },
    { arbitrary: tie('object'), weight: 2 },
  ),
  object: fc.dictionary(
    key.filter((k) => k !== '__proto__'),
    tie('value'),
    { maxKeys: 6 },
  ),
}));
/** A JSON document: an object or an array at the top, as API responses are. */
const json: fc.Arbitrary<Json> = fc.oneof(value.object, fc.array(value.value, { maxLength: 6 }));

/** Writes `value` as JSON, escaping each character of strings and keys as `\uXXXX` when `escapeChar()` says so. */
function serialize(value: Json, escapeChar: () => boolean, space: () => string): string {
  const str = (s: string) => {
    let out = '"';
    for (const ch of s) {
      const code = ch.codePointAt(0)!;
      if (ch === '"' || ch === '\\') out += `\\${ch}`;
      else if (code < 0x20 || (code >= 0xd800 && code <= 0xdfff) || (code < 0x10000 && escapeChar())) {
        out += `\\u${code.toString(16).padStart(4, '0')}`;
      } else out += ch;
    }
    return `${out}"`;
  };
  if (value === null || typeof value !== 'object')
    return typeof value === 'string' ? str(value) : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => space() + serialize(v, escapeChar, space)).join(',')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${space()}${str(k)}${space()}:${space()}${serialize(v, escapeChar, space)}`)
    .join(',')}}`;
}

/** The integer values of the chosen keys, in document order, from the parsed value. */
function oracle(value: unknown, out: number[] = []): number[] {
  if (Array.isArray(value)) for (const v of value) oracle(v, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (KEYS.includes(k) && Number.isInteger(v)) out.push(v as number);
      else oracle(v, out);
    }
  }
  return out;
}

/** A deterministic source of choices for the serializer. */
function chooser(seed: number): { escapeChar: () => boolean; space: () => string } {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  return { escapeChar: () => next() < 0.2, space: () => [' ', '\n', '\t', '\r\n', ''][Math.floor(next() * 10)] ?? '' };
}

describe('never inside a string: equal to a JSON.parse oracle on generated JSON', () => {
  it('returns exactly the integer values of id and code, in document order', () => {
    fc.assert(
      fc.property(json, fc.integer(), (value, seed) => {
        const { escapeChar, space } = chooser(seed);
        const text = serialize(value, escapeChar, space);
        const expected = oracle(JSON.parse(text));
        // Precision is never lost: the oracle's integers are all safe, and no unsafe ones are generated.
        expect(extractIds(text)).toEqual(expected);
        expect(extractIds(encoder.encode(text))).toEqual(expected);
        const result = extract(text);
        expect(result.complete).toBe(true);
        const bytes = encoder.encode(text);
        const cuts = [...new Set([0, 1, 2].map(() => Math.floor((((seed >>> 0) % 9973) / 9973) * bytes.length)))];
        expect(
          chunked(
            bytes,
            cuts.sort((a, b) => a - b),
          ).matches.map((m) => m.value),
        ).toEqual(expected);
        expect(result.diagnostics.filter((d) => d.kind === 'resync' || d.kind === 'truncated')).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps doing so inside NDJSON and behind a text prefix', () => {
    fc.assert(
      fc.property(fc.array(json, { minLength: 1, maxLength: 4 }), (values) => {
        const text = `<b>Notice</b>: "id":99 in x.php\n${values.map((v) => JSON.stringify(v)).join('\n')}\n`;
        expect(extractIds(text)).toEqual(values.flatMap((v) => oracle(v)));
      }),
      { numRuns: 500 },
    );
  });
});
