/**
 * The key matchers on their own, at the positions the scanner reaches them from: a key in the middle of a
 * buffer (not at offset 0, as a key carried over a chunk boundary is), several candidates of one length with
 * the match last or absent, and escapes that are invalid in ways that would still decode to something.
 */
import { describe, expect, it } from 'vitest';
import { createKeySet, matchEscapedKey, matchPlainKey } from '../../src/extract/key-set.js';

const encode = (s: string) => new TextEncoder().encode(s);

describe('matchPlainKey', () => {
  it('matches the bytes between from and to, wherever they are in the buffer', () => {
    const keys = createKeySet(['id', 'code']);
    const buf = encode('xx{"id":1,"code":2}');
    expect(matchPlainKey(keys, buf, 4, 6)).toBe('id');
    expect(matchPlainKey(keys, buf, 11, 15)).toBe('code');
    // The same lengths at other places: not keys.
    expect(matchPlainKey(keys, buf, 3, 5)).toBeUndefined();
    expect(matchPlainKey(keys, buf, 0, 4)).toBeUndefined();
    // A length no key has.
    expect(matchPlainKey(keys, buf, 4, 7)).toBeUndefined();
  });

  it('tries every candidate of the length, and only returns one that matches in full', () => {
    const keys = createKeySet(['ab', 'cd', 'ef']);
    for (const k of ['ab', 'cd', 'ef']) expect(matchPlainKey(keys, encode(`"${k}"`), 1, 3)).toBe(k);
    for (const k of ['ax', 'xb', 'ce', 'fe']) expect(matchPlainKey(keys, encode(`"${k}"`), 1, 3), k).toBeUndefined();
  });

  it('matches a key that ends the buffer', () => {
    const keys = createKeySet(['id']);
    expect(matchPlainKey(keys, encode('id'), 0, 2)).toBe('id');
    expect(matchPlainKey(keys, encode('ix'), 0, 2)).toBeUndefined();
  });
});

describe('matchEscapedKey', () => {
  const match = (keys: string[], raw: string) => matchEscapedKey(createKeySet(keys), encode(raw));

  it('decodes the escapes of the raw form and matches the decoded name', () => {
    expect(match(['id'], '\\u0069d')).toBe('id');
    expect(match(['a\tb'], 'a\\tb')).toBe('a\tb');
    expect(match(['id'], 'id')).toBe('id');
    expect(match(['id'], '\\u0069e')).toBeUndefined();
  });

  it('refuses a \\u escape whose four characters are not all hex, even if a prefix of them parses', () => {
    // Number.parseInt('00zz', 16) is 0 and parseInt('0g', 16) is 0: a lax check would decode them to U+0000.
    expect(match(['\u0000'], '\\u00zz')).toBeUndefined();
    expect(match(['\u0000x'], '\\u0g00x')).toBeUndefined();
    expect(match(['\u0000'], '\\u0000')).toBe('\u0000');
    // Too few characters left for the escape.
    expect(match(['\u0000', '\u0006'], '\\u006')).toBeUndefined();
  });

  it('refuses an unknown escape rather than decoding it to anything', () => {
    for (const raw of ['a\\x', 'a\\a', 'a\\0', 'a\\']) {
      expect(match(['a', 'aundefined', 'ax', 'a\\x', 'a0'], raw), raw).toBeUndefined();
    }
  });
});
