/**
 * Key matching at its limits: keys of one length that differ in one byte, keys that are prefixes of others,
 * multi-byte keys, every JSON escape in a key name, escapes that are almost valid, and a key written with
 * every byte escaped (the longest raw form that can still be a key). Each case runs on string and byte input.
 */
import { describe, expect, it } from 'vitest';
import type { ExtractOptions } from '../../src/extract/index.js';
import { extract } from '../../src/extract/index.js';

const encode = (s: string) => new TextEncoder().encode(s);

/** `[key, value]` of every match, the same on string and byte input. */
function found(input: string, options?: ExtractOptions): [string, number][] {
  const fromText = extract(input, options).matches.map((m) => [m.key, m.value] as [string, number]);
  const fromBytes = extract(encode(input), options).matches.map((m) => [m.key, m.value] as [string, number]);
  expect(fromBytes).toEqual(fromText);
  return fromText;
}

/** Every UTF-16 unit of `name` as a `\uXXXX` escape (a surrogate pair as two). */
const escapeAll = (name: string) =>
  Array.from({ length: name.length }, (_, i) => `\\u${name.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');

describe('plain keys', () => {
  it('tells apart keys of one length that differ in the first, a middle or the last byte', () => {
    const keys = ['abc', 'abd', 'xbc', 'aXc'];
    const input = '{"abc":1,"abd":2,"xbc":3,"aXc":4,"abe":5,"ybc":6,"aYc":7,"ab":8,"abcd":9}';
    expect(found(input, { keys })).toEqual([
      ['abc', 1],
      ['abd', 2],
      ['xbc', 3],
      ['aXc', 4],
    ]);
  });

  it('matches a key and a longer key it is the start of, each only in full', () => {
    const keys = ['id', 'idx'];
    expect(found('{"i":0,"id":1,"idx":2,"idxy":3,"xid":4}', { keys })).toEqual([
      ['id', 1],
      ['idx', 2],
    ]);
  });

  it('matches keys by their UTF-8 bytes, not their length in characters', () => {
    const keys = ['név', 'ne', '😀', 'ü'];
    expect(found('{"név":1,"nev":2,"ne":3,"😀":4,"😁":5,"ü":6,"u":7}', { keys })).toEqual([
      ['név', 1],
      ['ne', 3],
      ['😀', 4],
      ['ü', 6],
    ]);
  });
});

describe('escaped keys', () => {
  it('decodes every simple escape in a key name', () => {
    const names: [string, string][] = [
      ['a"b', 'a\\"b'],
      ['a\\b', 'a\\\\b'],
      ['a/b', 'a\\/b'],
      ['a\bb', 'a\\bb'],
      ['a\fb', 'a\\fb'],
      ['a\nb', 'a\\nb'],
      ['a\rb', 'a\\rb'],
      ['a\tb', 'a\\tb'],
    ];
    for (const [name, raw] of names) {
      expect(found(`{"${raw}":1}`, { keys: [name] }), raw).toEqual([[name, 1]]);
      // The same escape does not stand for any other key.
      expect(found(`{"${raw}":1}`, { keys: ['ab', 'a b'] }), raw).toEqual([]);
    }
  });

  it('decodes \\u escapes in either case, anywhere in the name', () => {
    expect(found('{"\\u0069d":1,"i\\u0064":2,"\\u0049D":3,"\\u0069\\u0044":4}', { keys: ['id', 'ID', 'iD'] })).toEqual([
      ['id', 1],
      ['id', 2],
      ['ID', 3],
      ['iD', 4],
    ]);
    expect(found('{"\\u00E9":1,"\\u00e9":2}', { keys: ['é'] })).toEqual([
      ['é', 1],
      ['é', 2],
    ]);
  });

  it('matches the longest raw form a key can have: every character escaped', () => {
    for (const keys of [['id'], ['code'], ['é'], ['😀'], ['id', 'code']]) {
      for (const key of keys) {
        const raw = escapeAll(key);
        expect(found(`{"${raw}":7}`, { keys }), raw).toEqual([[key, 7]]);
      }
    }
  });

  it('matches nothing for an escape that is almost valid', () => {
    const keys = ['id', 'i', 'ig'];
    for (const raw of ['\\u006', '\\u006g', '\\u00G9d', '\\x69d', '\\U0069d', '\\u{69}d', '\\ id', 'i\\d', '\\0id']) {
      expect(found(`{"${raw}":1}`, { keys }), raw).toEqual([]);
    }
  });

  it('does not take an escaped key for a plain one of the same bytes', () => {
    // `\u0069d` is 7 bytes, as is the plain key `1234567`: lengths alone must not match.
    expect(found('{"\\u0069d":1,"1234567":2}', { keys: ['1234567'] })).toEqual([['1234567', 2]]);
  });
});
