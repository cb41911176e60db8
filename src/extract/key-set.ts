/**
 * The chosen keys in the shapes the scanner compares against: raw UTF-8 bytes grouped by length for keys
 * written without escapes (the common case, compared in place), and decoded names for keys with escapes.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/** Keys prepared for matching. */
export interface KeySet {
  /** `byLength[n]` lists the keys whose UTF-8 form is `n` bytes long. */
  readonly byLength: ReadonlyArray<readonly { readonly name: string; readonly bytes: Uint8Array }[] | undefined>;
  /** Decoded names, for keys written with escapes. */
  readonly names: ReadonlySet<string>;
  /** `firstByte[b]` is 1 when some key's UTF-8 form starts with byte `b`: a cheap first filter. */
  readonly firstByte: Uint8Array;
  /** Longest key in UTF-8 bytes. */
  readonly maxBytes: number;
  /**
   * Longest raw (escaped) form that can still decode to a key: one byte of a key is at most six bytes of
   * escapes (`\u0069`). Keys longer than this are never kept, which bounds the scanner's carried state.
   */
  readonly maxRawBytes: number;
}

/** Prepares `keys` for the scanner. */
export function createKeySet(keys: readonly string[]): KeySet {
  const byLength: { name: string; bytes: Uint8Array }[][] = [];
  let maxBytes = 0;
  const firstByte = new Uint8Array(256);
  for (const name of keys) {
    const bytes = encoder.encode(name);
    firstByte[bytes[0]!] = 1;
    maxBytes = Math.max(maxBytes, bytes.length);
    const list = byLength[bytes.length] ?? [];
    list.push({ name, bytes });
    byLength[bytes.length] = list;
  }
  return { byLength, firstByte, names: new Set(keys), maxBytes, maxRawBytes: maxBytes * 6 };
}

/** The key written without escapes in `buf[from, to)`, or `undefined`. */
export function matchPlainKey(keys: KeySet, buf: Uint8Array, from: number, to: number): string | undefined {
  const candidates = keys.byLength[to - from];
  if (candidates === undefined) return undefined;
  for (let c = 0; c < candidates.length; c++) {
    const bytes = candidates[c]!.bytes;
    let j = 0;
    while (j < bytes.length && buf[from + j] === bytes[j]) j++;
    if (j === bytes.length) return candidates[c]!.name;
  }
  return undefined;
}

const HEX = /^[0-9a-fA-F]{4}$/;
const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/**
 * The key whose raw form (between the quotes, escapes included) is `raw`, or `undefined`. Invalid escapes
 * mean no match. `raw` is at most `maxRawBytes` long, so the regular expression here runs on bounded input.
 */
export function matchEscapedKey(keys: KeySet, raw: Uint8Array): string | undefined {
  const text = decoder.decode(raw);
  let name = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch !== '\\') {
      name += ch;
      continue;
    }
    const e = text[++i];
    if (e === 'u') {
      const hex = text.slice(i + 1, i + 5);
      if (!HEX.test(hex)) return undefined;
      name += String.fromCharCode(Number.parseInt(hex, 16));
      i += 4;
    } else {
      const s = e === undefined ? undefined : SIMPLE_ESCAPES[e];
      if (s === undefined) return undefined;
      name += s;
    }
  }
  return keys.names.has(name) ? name : undefined;
}
