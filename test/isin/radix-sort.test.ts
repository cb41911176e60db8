/** The radix sort of packed keys against the native sort of the same keys as 64-bit integers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HI_LIMIT, packed, packIsinString } from '../../src/isin/pack.js';
import { radixSortPairs } from '../../src/isin/radix-sort.js';

/** Upper bound (exclusive) of a packed low word: five base-36 digits, then a decimal check digit. */
const LO_LIMIT = 36 ** 5 * 10;

/** [lo, hi] pairs as the native sort orders them: by hi · 2³² + lo. */
const nativeSorted = (words: Uint32Array) => new Uint32Array(new BigUint64Array(words.slice().buffer).sort().buffer);

describe('radixSortPairs', () => {
  it('relies on packed low words below 2^30', () => {
    // The largest low word: the last five NSIN characters at Z, check digit 9.
    packIsinString('ZZZZZZZZZZZ9');
    expect(packed[1]).toBe(LO_LIMIT - 1);
    expect(LO_LIMIT).toBeLessThanOrEqual(2 ** 30);
  });

  it('orders any packed keys, repeats included, as the native sort does', () => {
    const key = fc.tuple(fc.nat(LO_LIMIT - 1), fc.nat(HI_LIMIT - 1));
    fc.assert(
      fc.property(
        fc.array(key, { maxLength: 3000 }),
        fc.nat(50),
        fc.nat(50),
        fc.boolean(),
        (keys, before, after, sharedTop) => {
          // Keys that share their high word's top bits leave some digits trivial (those passes are skipped).
          const pairs = sharedTop ? keys.map(([lo, hi]) => [lo, (hi & 0xfffff) | 0x3500000]) : keys;
          const words = new Uint32Array(2 * (before + pairs.length + after)).fill(7);
          for (const [i, [lo, hi]] of pairs.entries()) words.set([lo!, hi!], 2 * (before + i));
          const expected = words.slice();
          expected.set(nativeSorted(words.subarray(2 * before, 2 * (before + pairs.length))), 2 * before);
          radixSortPairs(words, before, before + pairs.length, new Uint32Array(2 * pairs.length));
          expect(words).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});
