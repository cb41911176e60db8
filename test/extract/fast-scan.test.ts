/**
 * The WebAssembly fast path gives exactly what the JS scanner gives: on generated almost-JSON and JSON, for
 * bytes and strings, any chunking, any window size (down to one byte, so every token crosses a window end),
 * any keys and options. The JS scanner is the reference. Also: the committed module is the compiled .wat.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { compileWat, MODULE_PATH, renderModule, WAT_PATH } from '../../scripts/build-wasm.js';
import { configureFastScan } from '../../src/extract/fast-scan.js';
import type { ExtractOptions } from '../../src/extract/index.js';
import { createExtractor, extractIds } from '../../src/extract/index.js';

const encoder = new TextEncoder();

afterAll(() => {
  configureFastScan({ enabled: true, window: 0x20000, minBytes: 256 });
});

/** Feeds `input` cut at `cuts`; returns everything the extractor reported, or the error it threw. */
function run(input: string | Uint8Array, cuts: number[], options: ExtractOptions): unknown {
  try {
    const extractor = createExtractor(options);
    const matches = [];
    let from = 0;
    for (const cut of [...cuts, input.length]) {
      matches.push(...extractor.write(input.slice(from, cut)));
      from = cut;
    }
    return { matches, ...extractor.end(), ids: extractIds(input, options) };
  } catch (error) {
    return { error: String(error) };
  }
}

/** The same run with the JS scanner alone and with the fast path on every chunk, `window` bytes at a time. */
function both(input: string | Uint8Array, cuts: number[], options: ExtractOptions, window: number) {
  configureFastScan({ enabled: false });
  const js = run(input, cuts, options);
  configureFastScan({ enabled: true, window, minBytes: 1 });
  const fast = run(input, cuts, options);
  return { js, fast };
}

/** Tokens of dense JSON and of what goes wrong in almost-JSON, weighted towards what the fast path takes. */
const token = fc.oneof(
  { arbitrary: fc.constantFrom('{', '}', '[', ']', ',', ':', ' ', '\t', '\n', '\r', '"', '\\'), weight: 4 },
  {
    arbitrary: fc.constantFrom('"id":', '"code":', '"id" : ', '"code":\n', '{"id":', '"x":"', '"ab"', '"i"', '"cöde":'),
    weight: 4,
  },
  { arbitrary: fc.constantFrom('"a\\"b"', '"\\"id\\":5"', '"\\u0069d":', '"i\\d":', '"\\\\":', '"x\\\n"'), weight: 2 },
  {
    arbitrary: fc.constantFrom('0', '7', '-3', '-0', '12', '007', '1.5', '2e3', '123456789012345', '1234567890123456'),
    weight: 4,
  },
  { arbitrary: fc.constantFrom('9007199254740993', '-', 'true', 'null', 'é', '😀', '<b>x</b>'), weight: 1 },
  { arbitrary: fc.integer({ min: -99999, max: 99999 }).map(String), weight: 2 },
  { arbitrary: fc.string({ maxLength: 6 }), weight: 1 },
);
const text = fc.array(token, { maxLength: 80 }).map((parts) => parts.join(''));

const options = fc.record(
  {
    keys: fc.oneof(
      fc.constant(['id', 'code']),
      fc.constant(['i', 'ab', 'cöde']),
      fc.uniqueArray(fc.constantFrom('id', 'x', 'code', 'a"b', 'i\\d', '\\'), { minLength: 1 }),
    ),
    bigint: fc.boolean(),
    maxDigits: fc.integer({ min: 1, max: 20 }),
  },
  { requiredKeys: [] },
);

const cutsFor = (length: number) =>
  fc.uniqueArray(fc.integer({ min: 0, max: length }), { maxLength: 8 }).map((a) => a.sort((x, y) => x - y));

describe('the WebAssembly fast path', () => {
  it('is available on this Node, so the comparisons below do compare something', () => {
    expect(configureFastScan({})).toBe(true);
  });

  it('equals the JS scanner on bytes, for any chunking, window size and options', () => {
    fc.assert(
      fc.property(
        text.chain((t) => fc.tuple(fc.constant(encoder.encode(t)), cutsFor(encoder.encode(t).length))),
        options,
        fc.integer({ min: 1, max: 40 }),
        ([bytes, cuts], opts, window) => {
          const { js, fast } = both(bytes, cuts, opts, window);
          expect(fast).toEqual(js);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('equals the JS scanner on strings (UTF-16 offsets), for any chunking and window size', () => {
    fc.assert(
      fc.property(
        text.chain((t) => fc.tuple(fc.constant(t), cutsFor(t.length))),
        options,
        fc.integer({ min: 1, max: 300 }),
        ([t, cuts], opts, window) => {
          const { js, fast } = both(t, cuts, opts, window);
          expect(fast).toEqual(js);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('equals the JS scanner on long dense input with the default window', () => {
    const rows = Array.from(
      { length: 20_000 },
      (_, i) =>
        `{"id":${i},"user":{"id":${i * 7},"name":"O\\"Brien ${i}","role":{"code":${i % 13}}},"q":[${i % 3},-${i}],"n":"a\\"b","x":1.${i}}`,
    );
    const input = encoder.encode(`[${rows.join(',\n')}]`);
    const cuts = [1000, 70_000, 70_001, 500_000];
    const { js, fast } = both(input, cuts, {}, 0x20000);
    expect(fast).toEqual(js);
    expect((js as { ids: number[] }).ids).toHaveLength(60_000);
  });

  it('is the compiled fast-scan.wat (run `npm run build:wasm` after editing it)', async () => {
    const binary = await compileWat(readFileSync(WAT_PATH, 'utf8'));
    expect(readFileSync(MODULE_PATH, 'utf8')).toBe(renderModule(binary));
  });
});
