/**
 * IsinSet at its limits: keys that share a packed half (the same first six characters, or the same last six),
 * where a merge, a search or a duplicate check that compares one half only would go wrong; the top bucket of
 * the builder's scatter pass; snapshots damaged one way at a time, each with everything else intact, so that
 * every check is the only one that can refuse them; positions just outside the set.
 */
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isTickworkError } from '../../src/errors.js';
import { IsinSet, IsinSetBuilder } from '../../src/isin/isin-set.js';
import { packed, packIsinString } from '../../src/isin/pack.js';
import { isinCheckDigit } from '../../src/isin/validate.js';
import { distinctIsins } from './generate.js';

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const withCheck = (first11: string) => first11 + isinCheckDigit(first11);
const keyOf = (isin: string): [hi: number, lo: number] => {
  packIsinString(isin);
  return [packed[0]!, packed[1]!];
};
const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

/** ISINs that all start with `head` (6 characters): one high word, different low words. */
function sameHead(head: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => withCheck(`${head}${ALNUM[i % 36]}${ALNUM[(i / 36) | 0]}000`));
}

/**
 * Pairs of valid ISINs with the same last six characters (check digit included) and different first six:
 * one low word, different high words. Found by walking heads until the check digits agree.
 */
function sameTail(tail5: string, count: number): string[] {
  const target = isinCheckDigit(`US0378${tail5}`);
  const out = [`US0378${tail5}${target}`];
  for (let i = 0; out.length < count; i++) {
    const head = `${'ABCDEFGHIJ'[i % 10]}${'KLMNOPQRST'[((i / 10) | 0) % 10]}${String(i).padStart(4, '0')}`;
    if (isinCheckDigit(head + tail5) === target) out.push(`${head}${tail5}${target}`);
  }
  return out;
}

/** The error `fn` throws (fails the test when it throws nothing). */
function thrown(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    return e as { code: string; message: string };
  }
  return expect.unreachable('expected a throw');
}

describe('keys that share one packed half', () => {
  it('the helpers make what they say', () => {
    const heads = sameHead('US0378', 40);
    expect(new Set(heads.map((s) => keyOf(s)[0])).size).toBe(1);
    expect(new Set(heads.map((s) => keyOf(s)[1])).size).toBe(40);
    const tails = sameTail('ABCD1', 6);
    expect(new Set(tails.map((s) => keyOf(s)[1])).size).toBe(1);
    expect(new Set(tails.map((s) => keyOf(s)[0])).size).toBe(6);
  });

  it('keeps every one when building, and counts no false repeats', () => {
    const isins = sorted([...sameHead('US0378', 50), ...sameTail('ABCD1', 8), ...sameTail('00000', 5)]);
    expect(isins.length).toBe(62); // US037800000 and its check digit starts two of the families
    const built = IsinSet.from(isins);
    expect([...built]).toEqual(sorted(isins));
    const builder = new IsinSetBuilder();
    for (const s of [...isins, ...isins.slice(0, 3)]) builder.add(...keyOf(s));
    const r = builder.build();
    expect([...r.set]).toEqual(sorted(isins));
    expect(r.duplicates).toBe(3);
    expect(r.duplicateSample).toEqual(isins.slice(0, 3));
  });

  it('finds members and only members by both halves', () => {
    const heads = sameHead('DE0007', 20);
    const tails = sameTail('XYZ00', 6);
    const members = [...heads.filter((_, i) => i % 2 === 0), ...tails.filter((_, i) => i % 2 === 0)];
    const others = [...heads.filter((_, i) => i % 2 === 1), ...tails.filter((_, i) => i % 2 === 1)];
    const set = IsinSet.from(members);
    for (const s of members) expect(set.has(s), s).toBe(true);
    for (const s of others) expect(set.has(s), s).toBe(false);
  });

  it('diffs them as a reference set difference does, whichever side holds which', () => {
    const pool = [...sameHead('US0378', 30), ...sameTail('QQ123', 8), ...sameTail('00001', 6)];
    // Every split of the pool into two overlapping sets by position parity and thirds.
    const splits: [string[], string[]][] = [
      [pool.filter((_, i) => i % 2 === 0), pool.filter((_, i) => i % 2 === 1)],
      [pool.filter((_, i) => i % 3 !== 0), pool.filter((_, i) => i % 3 !== 1)],
      [pool.filter((_, i) => i % 5 < 2), pool],
    ];
    for (const [x, y] of [...splits, ...splits.map(([x, y]) => [y, x] as [string[], string[]])]) {
      const d = IsinSet.from(x).diff(IsinSet.from(y));
      const inX = new Set(x);
      const inY = new Set(y);
      expect([...d.added]).toEqual(sorted(y.filter((s) => !inX.has(s))));
      expect([...d.removed]).toEqual(sorted(x.filter((s) => !inY.has(s))));
      expect(d.unchanged).toBe(x.filter((s) => inY.has(s)).length);
    }
  });
});

describe('IsinSet lookups at the edges', () => {
  it('answers at() for the positions inside only', () => {
    const set = IsinSet.from(['AU0000XVGZA3', 'DE0007164600', 'US0378331005']);
    expect(set.at(0)).toBe('AU0000XVGZA3');
    expect(set.at(2)).toBe('US0378331005');
    for (const i of [-1, -0.5, 0.5, 1.5, 3, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(set.at(i), String(i)).toBeUndefined();
    }
    expect(set.first(0)).toEqual([]);
    expect(set.first(5)).toEqual([...set]);
  });

  it('says no to what is not an ISIN, even when it packs to a member key', () => {
    // 'AZ' and 'B@' pack to the same prefix number (0·26 + 25 = 1·26 − 1).
    const member = withCheck('AZ000000000');
    const lookalike = `B@${member.slice(2)}`;
    expect(keyOf(lookalike)).toEqual(keyOf(member));
    const s = IsinSet.from([member]);
    expect(s.has(member)).toBe(true);
    expect(s.has(lookalike)).toBe(false);
    for (const v of [null, undefined, 42, {}, ['AZ0000000000']]) expect(s.has(v as never)).toBe(false);
    // A key past the last member and before the first one.
    expect(s.has(withCheck('ZZ999999999'))).toBe(false);
    expect(s.has(withCheck('AA000000000'))).toBe(false);
  });

  it('equals only the same members: not a prefix, not a superset, not a same-size other set', () => {
    const a = IsinSet.from(['AU0000XVGZA3', 'DE0007164600']);
    const b = IsinSet.from(['AU0000XVGZA3', 'DE0007164600', 'US0378331005']);
    const c = IsinSet.from(['AU0000XVGZA3', 'US0378331005']);
    expect(a.equals(b)).toBe(false);
    expect(b.equals(a)).toBe(false);
    expect(a.equals(c)).toBe(false);
    expect(c.equals(a)).toBe(false);
    expect(a.equals(IsinSet.from(['DE0007164600', 'AU0000XVGZA3']))).toBe(true);
    expect(IsinSet.empty().equals(IsinSet.from([]))).toBe(true);
    expect(IsinSet.empty().equals(a)).toBe(false);
  });
});

describe('IsinSetBuilder repeats', () => {
  it('samples a key repeated three times once, and each repeated key in order', () => {
    const [a, b, c] = sorted(sameHead('US0378', 3));
    const builder = new IsinSetBuilder();
    for (const s of [a!, c!, a!, b!, a!, c!, c!]) builder.add(...keyOf(s));
    const r = builder.build();
    expect([...r.set]).toEqual([a, b, c]);
    expect(r.duplicates).toBe(4);
    expect(r.duplicateSample).toEqual([a, c]);
    // The sample stops at its size; the count does not.
    for (const s of [a!, a!, b!, b!, c!, c!]) builder.add(...keyOf(s));
    const capped = builder.build(1);
    expect(capped.duplicates).toBe(3);
    expect(capped.duplicateSample).toEqual([a]);
  });

  it('names the index and the reason of the first invalid item', () => {
    const e = thrown(() => IsinSet.from(['US0378331005', 'DE0007164600', 'US0378331004']));
    expect(isTickworkError(e, 'VALIDATION')).toBe(true);
    expect(e.message).toBe('Item 2 is not a valid ISIN: Check digit 4 does not match; expected 5');
  });
});

describe('IsinSetBuilder at the top of the key range', () => {
  it('places the highest prefixes in the last bucket and sorts it', () => {
    // 'ZZ' followed by Z: the high word's top bits, which land in the last bucket of the scatter pass.
    const top = [
      withCheck('ZZZZZZZZZZZ'),
      withCheck('ZZZZZZ00000'),
      withCheck('ZZZZZY00000'),
      withCheck('ZZZZZ000000'),
      withCheck('ZZZZ0000000'),
      withCheck('ZZ000000000'),
      withCheck('AA000000000'),
    ];
    const set = IsinSet.from(top.slice().reverse());
    expect([...set]).toEqual(sorted(top));
    for (const s of top) expect(set.has(s), s).toBe(true);
  });
});

describe('IsinSetBuilder at the bottom of the key range', () => {
  it('sorts the first bucket too', () => {
    // 'AA0' followed by small characters: high words below 2^20, the first bucket of the scatter pass.
    const bottom = ['AA000000000', 'AA000100000', 'AA0002ZZZZZ', 'AA0009AAAAA', 'AA00A0B0000', 'AA0100000AA'].map(
      withCheck,
    );
    for (const s of bottom) expect(keyOf(s)[0], s).toBeLessThan(2 ** 20);
    const set = IsinSet.from(bottom.slice().reverse());
    expect([...set]).toEqual(sorted(bottom));
  });
});

describe('IsinSet.diff of large sets', () => {
  it('diffs two sets of 40,000 (its first buffers sized by the inputs) as a set difference does', () => {
    const pool = distinctIsins(60_000, 19);
    const x = pool.slice(0, 40_000);
    const y = pool.slice(20_000);
    const d = IsinSet.from(x).diff(IsinSet.from(y));
    expect(d.unchanged).toBe(20_000);
    expect([...d.removed]).toEqual(pool.slice(0, 20_000).sort());
    expect([...d.added]).toEqual(pool.slice(40_000).sort());
  });
});

describe('IsinSet.fromBytes: one fault at a time', () => {
  /** A snapshot of `keys` ([hi, lo] pairs) with the header fields given, the checksum right unless told. */
  function snapshot(
    keys: readonly (readonly [number, number])[],
    o: { magic?: number; version?: number; size?: number; crc?: number; extra?: number } = {},
  ): Uint8Array {
    const body = new Uint8Array(8 * keys.length + (o.extra ?? 0));
    const bv = new DataView(body.buffer);
    keys.forEach(([hi, lo], i) => {
      bv.setUint32(8 * i, lo, true);
      bv.setUint32(8 * i + 4, hi, true);
    });
    const out = new Uint8Array(16 + body.length);
    const v = new DataView(out.buffer);
    v.setUint32(0, o.magic ?? 0x53495754, true);
    v.setUint8(4, o.version ?? 1);
    v.setUint32(8, o.size ?? keys.length, true);
    v.setUint32(12, o.crc ?? crc32(body), true);
    out.set(body, 16);
    return out;
  }
  const refusal = (bytes: Uint8Array) => {
    const e = thrown(() => IsinSet.fromBytes(bytes));
    expect(isTickworkError(e, 'VALIDATION')).toBe(true);
    return e.message;
  };
  // Made per test: code run while the file is collected would make its mutants static (see parse-list.test.ts).
  const threeKeys = () => [keyOf('AU0000XVGZA3'), keyOf('DE0007164600'), keyOf('US0378331005')];

  it('reads what it writes, and a hand-made snapshot of the same keys', () => {
    const set = IsinSet.fromBytes(snapshot(threeKeys()));
    expect([...set]).toEqual(['AU0000XVGZA3', 'DE0007164600', 'US0378331005']);
    expect(snapshot(threeKeys())).toEqual(set.toBytes());
    expect(IsinSet.fromBytes(snapshot([])).size).toBe(0);
  });

  it('refuses fewer bytes than a header, and takes exactly a header', () => {
    const header = snapshot([]);
    expect(header.length).toBe(16);
    expect(IsinSet.fromBytes(header).size).toBe(0);
    expect(refusal(header.subarray(0, 15))).toBe('Not an IsinSet snapshot: too short');
    expect(refusal(new Uint8Array(0))).toBe('Not an IsinSet snapshot: too short');
  });

  it('refuses a wrong magic number, and only that, when all else is right', () => {
    for (const magic of [0, 0x53495755, 0x54574953]) {
      expect(refusal(snapshot(threeKeys(), { magic }))).toBe('Not an IsinSet snapshot: bad magic number');
    }
  });

  it('refuses another format version, and names it', () => {
    expect(refusal(snapshot(threeKeys(), { version: 0 }))).toBe(
      'Not an IsinSet snapshot: unsupported format version 0',
    );
    expect(refusal(snapshot(threeKeys(), { version: 2 }))).toBe(
      'Not an IsinSet snapshot: unsupported format version 2',
    );
  });

  it('refuses a count that does not match the length, with a correct checksum', () => {
    const message = 'Not an IsinSet snapshot: length does not match the header';
    expect(refusal(snapshot(threeKeys(), { size: 2 }))).toBe(message);
    expect(refusal(snapshot(threeKeys(), { size: 4 }))).toBe(message);
    expect(refusal(snapshot(threeKeys(), { extra: 1 }))).toBe(message);
    expect(refusal(snapshot(threeKeys(), { extra: 7 }))).toBe(message);
  });

  it('refuses a checksum that does not match, by one bit', () => {
    const good = snapshot(threeKeys());
    const crc = new DataView(good.buffer).getUint32(12, true);
    expect(refusal(snapshot(threeKeys(), { crc: (crc ^ 1) >>> 0 }))).toBe('Not an IsinSet snapshot: checksum mismatch');
  });

  it('refuses keys out of order or repeated, with a correct checksum, wherever they are', () => {
    const message = 'Not an IsinSet snapshot: keys out of order';
    const cases: (readonly [number, number])[][] = [
      [
        [2, 0],
        [1, 5],
      ], // high word down, low word up
      [
        [1, 5],
        [1, 4],
      ], // same high word, low word down
      [
        [1, 5],
        [1, 5],
      ], // a repeat
      [
        [0, 0],
        [1, 0],
        [2, 0],
        [2, 0],
      ], // a repeat at the end
      [
        [0, 9],
        [0, 8],
        [3, 0],
      ], // at the start
    ];
    for (const c of cases) expect(refusal(snapshot(c)), JSON.stringify(c)).toBe(message);
  });

  it('takes keys in order even when a low word goes down with the high word up', () => {
    const ok: (readonly [number, number])[] = [
      [1, 9],
      [2, 0],
      [2, 1],
      [3, 0],
    ];
    expect(IsinSet.fromBytes(snapshot(ok)).size).toBe(4);
  });
});
