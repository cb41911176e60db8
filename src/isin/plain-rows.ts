/**
 * The parser's hot loop: a run of plain data lines — the ISIN field exactly 12 bytes, a strict valid ISIN
 * with a known prefix, the line ended by LF or CRLF — read in one pass over the bytes. It finds the field,
 * validates and packs it in place and jumps straight to the line's end, with no call into `Buffer.indexOf`
 * and no counter written per row. It stops at the first line that is anything else (blank, ragged, invalid,
 * unknown prefix, unfinished) and leaves that line to the parser's general path, which reports it.
 */
import type { IsinSetBuilder } from './isin-set.js';
import { PREFIX_DIVISOR, packed, packIsinBytes } from './pack.js';

const LF = 0x0a;
const CR = 0x0d;
// For the four-bytes-at-once search: each byte's lowest bit, each byte's highest bit, LF in every byte.
const ONES = 0x01010101;
const HIGHS = 0x80808080 | 0;
const LINE_FEEDS = LF * ONES;

/** Where {@link scanPlainRows} stopped: the start of the first line it did not take, and the rows it took. */
export const plainRun = { end: 0, rows: 0 };

/**
 * Takes plain lines from `pos` on and adds their ISINs to `builder`; results in {@link plainRun}.
 * `delimiter` is the field delimiter's byte, or -1 for one ISIN per line (plain text); `column` is the
 * 0-based field (0 for plain text). `known[prefix]` is 1 for a prefix that needs no notice.
 */
export function scanPlainRows(
  buf: Uint8Array,
  pos: number,
  delimiter: number,
  column: number,
  known: Uint8Array,
  builder: IsinSetBuilder,
): void {
  const length = buf.length;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const delimiters = Math.imul(delimiter & 0xff, ONES);
  let line = pos;
  let rows = 0;
  for (;;) {
    let start = line;
    // Skip the fields before the ISIN column; a line break first means a ragged or blank line.
    let field = 0;
    while (field < column && start < length) {
      if (start + 4 <= length) {
        // Four bytes at once while none is a delimiter or LF (a zero byte after XOR, found bitwise).
        const word = view.getUint32(start, true);
        const d = word ^ delimiters;
        const l = word ^ LINE_FEEDS;
        if (((((d - ONES) & ~d) | ((l - ONES) & ~l)) & HIGHS) === 0) {
          start += 4;
          continue;
        }
      }
      const c = buf[start++]!;
      if (c === delimiter) field++;
      else if (c === LF) break;
    }
    if (field < column || start + 12 >= length || !packIsinBytes(buf, start)) break;
    // The 12 bytes are alphanumeric, so the field ends right after them or it is longer than an ISIN.
    let next = start + 12;
    const after = buf[next]!;
    if (after === CR) {
      if (next + 1 >= length || buf[next + 1] !== LF) break;
      next++;
    } else if (after === delimiter) {
      next++;
      while (next < length && buf[next] !== LF) next++;
      if (next === length) break;
    } else if (after !== LF) break;
    if (known[Math.floor(packed[0]! / PREFIX_DIVISOR)] !== 1) break;
    builder.add(packed[0]!, packed[1]!);
    rows++;
    line = next + 1;
  }
  plainRun.end = line;
  plainRun.rows = rows;
}
