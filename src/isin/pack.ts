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

const C36_2 = 36 * 36;
const C36_3 = 36 * 36 * 36;
const C36_4 = 36 * 36 * 36 * 36;

/** Upper bound (exclusive) of the high word. */
export const HI_LIMIT = 676 * C36_4;
/** Upper bound (exclusive) of the low word. */
export const LO_LIMIT = 36 * C36_4 * 10;

// Byte → value tables for the byte-level path: -1 for bytes that cannot appear at that position.
let alnumTable: Int8Array | undefined;
function alnum(): Int8Array {
  if (alnumTable === undefined) {
    alnumTable = new Int8Array(256).fill(-1);
    for (let c = 0; c < 256; c++) alnumTable[c] = isinCharValue(c);
  }
  return alnumTable;
}

/** Where {@link packIsinBytes} leaves its result: `[hi, lo]`. Read it right after a successful call. */
export const packed = new Uint32Array(2);

/**
 * Validates the 12 bytes `buf[start..start+12)` as a strict ISIN (exact bytes, check digit right) and packs
 * it into {@link packed}. Returns false, without a reason, for anything else: callers that need the reason
 * decode the bytes and ask `validateIsin`, which is rare enough not to matter for speed.
 */
export function packIsinBytes(buf: Uint8Array, start: number): boolean {
  const table = alnum();
  const a = buf[start]! - 65;
  const b = buf[start + 1]! - 65;
  if (a < 0 || a > 25 || b < 0 || b > 25) return false;
  const check = buf[start + 11]! - 48;
  if (check < 0 || check > 9) return false;
  let hi = a * 26 + b;
  let lo = 0;
  let sum = 0;
  let double = true;
  // Prefix letters and NSIN feed the checksum right to left; they are packed left to right below.
  for (let i = start + 10; i >= start; i--) {
    const v = table[buf[i]!]!;
    if (v < 0) return false;
    if (v >= 10) {
      let d = v % 10;
      if (double) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
      d = (v / 10) | 0;
      if (!double) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    } else {
      sum += double ? (v * 2 > 9 ? v * 2 - 9 : v * 2) : v;
      double = !double;
    }
  }
  // Two letters at positions 0–1 were checked above; the alnum table would also accept digits there.
  if ((10 - (sum % 10)) % 10 !== check) return false;
  hi =
    hi * C36_4 +
    table[buf[start + 2]!]! * C36_3 +
    table[buf[start + 3]!]! * C36_2 +
    table[buf[start + 4]!]! * 36 +
    table[buf[start + 5]!]!;
  lo =
    (((table[buf[start + 6]!]! * 36 + table[buf[start + 7]!]!) * 36 + table[buf[start + 8]!]!) * 36 +
      table[buf[start + 9]!]!) *
      36 +
    table[buf[start + 10]!]!;
  packed[0] = hi;
  packed[1] = lo * 10 + check;
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
