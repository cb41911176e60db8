/**
 * Exact, order-preserving packing of an ISIN into two 32-bit words, so a list of millions of ISINs is a
 * typed array instead of millions of strings.
 *
 *   hi = (prefix1 · 26 + prefix2) · 36⁴ + NSIN[0..4] in base 36      < 676 · 36⁴ = 1,135,420,416
 *   lo = NSIN[4..9] in base 36 · 10 + check digit                    < 36⁵ · 10  =   604,661,760
 *
 * Characters map monotonically (digits 0–9 before letters 10–35, as in ASCII), so comparing (hi, lo) — or
 * the 64-bit value hi · 2³² + lo — orders ISINs exactly as comparing the strings does.
 */
import { isinCharValue } from './validate.js';

const C36_4 = 36 * 36 * 36 * 36;

/** The high word divided by this (rounded down) is the prefix: first letter · 26 + second letter. */
export const PREFIX_DIVISOR = C36_4;
/** Upper bound (exclusive) of the high word. */
export const HI_LIMIT = 676 * C36_4;

// Byte-level tables, built on first use. VALUE: 0–35, or 255 for a byte that is no ISIN character.
// SUM: what the character adds to the checksum, at [c] when its rightmost digit is not doubled and at
// [256 + c] when it is; FLIPS: 256 for a digit (one checksum position, so the next one flips), 0 for a letter
// (two positions, parity kept). Indexing by parity instead of branching keeps the loop free of jumps.
// The tables are filled on first use; the constant bindings let V8 skip hole checks in the hot loop.
const VALUE = new Uint8Array(256);
const SUM = new Uint8Array(512);
const FLIPS = new Uint16Array(256);
let ready = false;

function prepare(): void {
  VALUE.fill(255);
  const dbl = (d: number) => (d * 2 > 9 ? d * 2 - 9 : d * 2);
  for (let c = 0; c < 256; c++) {
    const v = isinCharValue(c);
    if (v < 0) continue;
    VALUE[c] = v;
    if (v < 10) {
      SUM[256 + c] = dbl(v);
      SUM[c] = v;
      FLIPS[c] = 256;
    } else {
      // Read right to left, the low digit comes first.
      SUM[256 + c] = dbl(v % 10) + Math.floor(v / 10);
      SUM[c] = (v % 10) + dbl(Math.floor(v / 10));
    }
  }
  ready = true;
}

/** Where {@link packIsinBytes} leaves its result: `[hi, lo]`. Read it right after a successful call. */
export const packed = new Uint32Array(2);

/**
 * Validates the 12 bytes `buf[start..start+12)` as a strict ISIN (exact bytes, check digit right) and packs
 * it into {@link packed}. Returns false, without a reason, for anything else: callers that need the reason
 * decode the bytes and ask `validateIsin`, which is rare enough not to matter for speed. One pass: each byte
 * is read once, for both the checksum and the packed value.
 */
export function packIsinBytes(buf: Uint8Array, start: number): boolean {
  if (!ready) prepare();
  const a = buf[start]! - 65;
  const b = buf[start + 1]! - 65;
  if (a < 0 || a > 25 || b < 0 || b > 25) return false;
  const check = buf[start + 11]! - 48;
  if (check < 0 || check > 9) return false;
  // Right to left over the first 11 characters, as the check digit is defined; `parity` is 256 while the
  // next character's rightmost digit is doubled.
  let sum = 0;
  let parity = 256;
  let lo = 0;
  let scale = 10;
  for (let i = start + 10; i > start + 5; i--) {
    const c = buf[i]!;
    const v = VALUE[c]!;
    if (v === 255) return false;
    sum += SUM[parity + c]!;
    parity ^= FLIPS[c]!;
    lo += v * scale;
    scale *= 36;
  }
  let hi = 0;
  scale = 1;
  for (let i = start + 5; i > start + 1; i--) {
    const c = buf[i]!;
    const v = VALUE[c]!;
    if (v === 255) return false;
    sum += SUM[parity + c]!;
    parity ^= FLIPS[c]!;
    hi += v * scale;
    scale *= 36;
  }
  const cb = buf[start + 1]!;
  sum += SUM[parity + cb]!;
  parity ^= FLIPS[cb]!;
  sum += SUM[parity + buf[start]!]!;
  if ((10 - (sum % 10)) % 10 !== check) return false;
  packed[0] = (a * 26 + b) * C36_4 + hi;
  packed[1] = lo + check;
  return true;
}

/** Packs a canonical, already validated ISIN string into {@link packed}. */
export function packIsinString(isin: string): void {
  let hi = (isin.charCodeAt(0) - 65) * 26 + (isin.charCodeAt(1) - 65);
  for (let i = 2; i < 6; i++) hi = hi * 36 + isinCharValue(isin.charCodeAt(i));
  let lo = 0;
  for (let i = 6; i < 11; i++) lo = lo * 36 + isinCharValue(isin.charCodeAt(i));
  packed[0] = hi;
  packed[1] = lo * 10 + (isin.charCodeAt(11) - 48);
}

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** The ISIN string of a packed pair. */
export function unpackIsin(hi: number, lo: number): string {
  const check = lo % 10;
  let rest = (lo - check) / 10;
  let tail = '';
  for (let i = 0; i < 5; i++) {
    tail = ALNUM[rest % 36]! + tail;
    rest = Math.floor(rest / 36);
  }
  let head = '';
  let h = hi;
  for (let i = 0; i < 4; i++) {
    head = ALNUM[h % 36]! + head;
    h = Math.floor(h / 36);
  }
  const prefix = String.fromCharCode(65 + Math.floor(h / 26), 65 + (h % 26));
  return prefix + head + tail + String(check);
}
