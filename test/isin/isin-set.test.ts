import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTickworkError } from '../../src/errors.js';
import { IsinSet, IsinSetBuilder } from '../../src/isin/isin-set.js';
import { packed, packIsinBytes, packIsinString, unpackIsin } from '../../src/isin/pack.js';
import { isIsin, validateIsin } from '../../src/isin/validate.js';
import { sizeFor } from '../helpers/mutation.js';
import { distinctIsins, prng, randomIsin } from './generate.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('ISIN packing', () => {
  it('round-trips and preserves string order', () => {
    const next = prng(7);
    const isins = Array.from({ length: 5000 }, () => randomIsin(next));
    isins.push('AA0000000000', 'ZZZZZZZZZZZ5'.slice(0, 11) + '0', 'NGSDCBANCO00', 'US0378331005');
    const keyOf = (s: string) => {
      packIsinString(s);
      return [packed[0]!, packed[1]!] as const;
    };
    for (const s of isins) {
      const [hi, lo] = keyOf(s);
      expect(unpackIsin(hi, lo)).toBe(s);
    }
    const byKey = [...isins].sort((x, y) => {
      const [xh, xl] = keyOf(x);
      const [yh, yl] = keyOf(y);
      return xh - yh || xl - yl;
    });
    expect(byKey).toEqual([...isins].sort());
  });

  it('accepts exactly the strict ISINs at the byte level', () => {
    const chars = fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZaz -');
    const candidate = fc.oneof(
      fc.array(chars, { minLength: 12, maxLength: 12 }).map((a) => a.join('')),
      fc.integer({ min: 1, max: 1e9 }).map((seed) => randomIsin(prng(seed))),
      fc.tuple(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 0, max: 11 }), chars).map(([seed, at, c]) => {
        const s = randomIsin(prng(seed));
        return s.slice(0, at) + c + s.slice(at + 1);
      }),
    );
    fc.assert(
      fc.property(candidate, (s) => {
        const ok = packIsinBytes(bytes(`x,${s},y`), 2);
        expect(ok).toBe(validateIsin(s).ok);
        if (ok) expect(unpackIsin(packed[0]!, packed[1]!)).toBe(s);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('IsinSet', () => {
  it('is sorted and unique, with has, at and iteration', () => {
    const set = IsinSet.from(['US0378331005', 'DE0007164600', 'US0378331005', 'AU0000XVGZA3']);
    expect(set.size).toBe(3);
    expect([...set]).toEqual(['AU0000XVGZA3', 'DE0007164600', 'US0378331005']);
    expect(set.has('DE0007164600')).toBe(true);
    expect(set.has('DE0007164601')).toBe(false);
    expect(set.has('GB0002634946')).toBe(false);
    expect(set.has('nonsense')).toBe(false);
    expect(set.at(0)).toBe('AU0000XVGZA3');
    expect(set.at(3)).toBeUndefined();
    expect(set.first(2)).toEqual(['AU0000XVGZA3', 'DE0007164600']);
    expect(IsinSet.empty().size).toBe(0);
  });

  it('refuses an invalid member with its index', () => {
    try {
      IsinSet.from(['US0378331005', 'US0378331004']);
      expect.unreachable();
    } catch (e) {
      expect(isTickworkError(e, 'VALIDATION')).toBe(true);
      expect((e as { details: unknown }).details).toEqual({ index: 1, code: 'CHECK_MISMATCH' });
    }
  });

  it('diffs by merge exactly as a reference set difference does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 300 }), fc.nat(), (n, m, seed) => {
        const pool = distinctIsins(400, seed + 1);
        const a = pool.slice(0, n);
        const b = pool.slice(400 - m);
        const d = IsinSet.from(a).diff(IsinSet.from(b));
        const inA = new Set(a);
        const inB = new Set(b);
        expect([...d.added]).toEqual(b.filter((x) => !inA.has(x)).sort());
        expect([...d.removed]).toEqual(a.filter((x) => !inB.has(x)).sort());
        expect(d.unchanged).toBe(a.filter((x) => inB.has(x)).length);
      }),
      { numRuns: 60 },
    );
  });

  it('diffs sets that differ in more ISINs than the first output buffer holds', () => {
    const pool = distinctIsins(12_000, 77);
    const a = pool.slice(0, 8000);
    const b = pool.slice(4000);
    const d = IsinSet.from(a).diff(IsinSet.from(b));
    expect([...d.removed]).toEqual(pool.slice(0, 4000).sort());
    expect([...d.added]).toEqual(pool.slice(8000).sort());
    expect(d.unchanged).toBe(4000);
    const all = IsinSet.from(pool);
    expect(IsinSet.empty().diff(all).added.equals(all)).toBe(true);
    expect(all.diff(IsinSet.empty()).removed.equals(all)).toBe(true);
  });

  it('round-trips through bytes and refuses damaged bytes', () => {
    const isins = distinctIsins(2000, 3);
    const set = IsinSet.from(isins);
    const bytes = set.toBytes();
    expect(bytes.length).toBe(16 + 8 * 2000);
    const back = IsinSet.fromBytes(bytes);
    expect(back.equals(set)).toBe(true);
    expect([...back]).toEqual([...isins].sort());
    // Unaligned input is fine: the set copies what it reads.
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(IsinSet.fromBytes(shifted.subarray(1)).equals(set)).toBe(true);
    const flipped = bytes.slice();
    flipped[100] = flipped[100]! ^ 1;
    const bad = [bytes.subarray(0, 10), bytes.subarray(0, bytes.length - 8), flipped, new Uint8Array(16)];
    for (const b of bad) expect(() => IsinSet.fromBytes(b)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    expect(IsinSet.fromBytes(IsinSet.empty().toBytes()).size).toBe(0);
  });

  it('builds the sorted unique set across growth steps and build slices, repeats and all', () => {
    // 300,000 keys: the builder doubles many times from 2,048 and builds in two slices (262,144 keys each).
    const next = prng(5);
    const distinct = Array.from({ length: 150_000 }, () => randomIsin(next));
    const strings = [...distinct, ...distinct.slice().reverse()];
    const expected = [...new Set(strings)].sort();
    const builder = new IsinSetBuilder();
    for (const s of strings) {
      packIsinString(s);
      builder.add(packed[0]!, packed[1]!);
    }
    expect(builder.count).toBe(300_000);
    const built = builder.build(3);
    expect(built.set.size).toBe(expected.length);
    expect(built.duplicates).toBe(strings.length - expected.length);
    const seen = new Map<string, number>();
    for (const s of strings) seen.set(s, (seen.get(s) ?? 0) + 1);
    expect(built.duplicateSample).toEqual(expected.filter((s) => seen.get(s)! > 1).slice(0, 3));
    for (let i = 0; i < expected.length; i += 997) expect(built.set.at(i)).toBe(expected[i]);
    expect(built.set.at(expected.length - 1)).toBe(expected.at(-1));
    expect(IsinSet.fromBytes(built.set.toBytes()).equals(built.set)).toBe(true);
    // Empty afterwards, and usable again.
    expect(builder.count).toBe(0);
    builder.add(packed[0]!, packed[1]!);
    expect([...builder.build().set]).toEqual([strings.at(-1)]);
  });

  it('packs a million ISINs at 8 bytes each and finds them', () => {
    const next = prng(11);
    // The bytes per ISIN and the lookups are the same at any size; mutation runs check them on fewer.
    const n = sizeFor(1_000_000, 20_000);
    const strings = Array.from({ length: n }, () => randomIsin(next));
    const set = IsinSet.from(strings);
    expect(set.toBytes().length).toBe(16 + 8 * set.size);
    for (let i = 0; i < 1000; i++) expect(set.has(strings[(i * 997) % n]!)).toBe(true);
    expect(isIsin(set.at(set.size - 1))).toBe(true);
  });
});
