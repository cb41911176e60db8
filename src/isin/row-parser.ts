/**
 * The row parser: the incremental engine behind `parseIsinList` (parse-list.ts holds that public function,
 * its options and its result). Bytes in through `push`, rows found and their ISIN field checked, an
 * {@link IsinSet} and counts out. Lines without a quote character take a byte-level path (find the field,
 * validate and pack the 12 bytes in place, no string per row); buffers with quotes go through an RFC 4180
 * record reader that also handles line breaks in fields.
 */
import { IsinSetBuilder } from './isin-set.js';
import type { ListShape, ShapeOptions } from './list-sniff.js';
import { sniffShape } from './list-sniff.js';
import { PREFIX_DIVISOR, packed, packIsinBytes, packIsinString } from './pack.js';
import { plainRun, scanPlainRows } from './plain-rows.js';
import { knownPrefixTable } from './prefixes.js';
import type { IsinErrorCode } from './validate.js';
import { validateIsin } from './validate.js';

/** Codes of notices about rows that were kept or skipped without counting as invalid. */
export type IsinListNoticeCode = 'UNKNOWN_PREFIX' | 'NORMALIZED' | 'RAGGED_ROW';

/** One reported row: an invalid ISIN, or a notice. */
export interface IsinListIssue {
  /** 1-based physical line number (the header, when there is one, counts). */
  readonly line: number;
  /** Why the row is reported. */
  readonly code: IsinErrorCode | IsinListNoticeCode;
  /** The field's value (at most 64 characters). */
  readonly value: string;
  /** With `CHECK_MISMATCH`: the check digit the first 11 characters call for. */
  readonly expected?: number;
}

/** Resolved parser settings. */
export interface RowParserSettings extends ShapeOptions {
  /** Character encoding of the bytes. */
  readonly encoding: 'utf-8' | 'latin1';
  /** Unknown prefixes: warn or reject. */
  readonly prefixes: 'warn' | 'reject';
  /** Lines skipped right after the header. */
  readonly skipLinesAfterHeader: number;
  /** Lines matching this are skipped. */
  readonly skipLinePattern: RegExp | undefined;
  /** How many invalid rows and how many notices to keep. */
  readonly maxIssues: number;
}

/** Counts and samples gathered while parsing, before the set is built. */
interface RowCounts {
  /** Physical lines read. */
  lines: number;
  /** Data rows: every line or record after the header that is not blank, a comment or skipped. */
  rows: number;
  /** Rows with a valid ISIN (repeats included). */
  valid: number;
  /** Rows with an invalid ISIN. */
  invalid: number;
  /** Rows whose ISIN field is empty. */
  empty: number;
  /** Rows too short to have the ISIN field. */
  ragged: number;
  /** Blank lines, comments, preamble lines and skipped lines. */
  skipped: number;
  /** Invalid rows by reason code. */
  invalidByCode: Partial<Record<IsinErrorCode, number>>;
  /** Notices by code. */
  noticesByCode: Partial<Record<IsinListNoticeCode, number>>;
  /** The first invalid rows. */
  issues: IsinListIssue[];
  /** The first notices. */
  notices: IsinListIssue[];
}

const SNIFF_BYTES = 64 * 1024;
const SNIFF_LINES = 100;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Parses one list; feed bytes with `push`, then call `finish`. */
export class RowParser {
  readonly #s: RowParserSettings;
  readonly #decoder: TextDecoder;
  readonly #builder = new IsinSetBuilder();
  readonly #known = knownPrefixTable();
  #shape: ListShape | undefined;
  #sniffed: Buffer[] = [];
  #sniffedBytes = 0;
  #carry: Buffer | undefined;
  #atStart = true;
  /** The first bytes while they may still be a byte order mark split over chunks. */
  #head: Buffer | undefined;
  #unterminatedQuote = false;
  /** Counters, readable while parsing (progress). */
  readonly counts: RowCounts = {
    lines: 0,
    rows: 0,
    valid: 0,
    invalid: 0,
    empty: 0,
    ragged: 0,
    skipped: 0,
    invalidByCode: {},
    noticesByCode: {},
    issues: [],
    notices: [],
  };

  constructor(settings: RowParserSettings) {
    this.#s = settings;
    // `ignoreBOM`: the file's own mark is removed in `push`; a mark the decoder dropped from the start of any
    // other slice would turn a field such as `\uFEFFUS0378331005` into a valid ISIN on the plain path only.
    this.#decoder = new TextDecoder(settings.encoding === 'latin1' ? 'latin1' : 'utf-8', { ignoreBOM: true });
  }

  /** The shape found (after the first 64 KiB, or at the end). */
  get shape(): ListShape | undefined {
    return this.#shape;
  }

  /** Whether the input ended inside a quoted field. */
  get unterminatedQuote(): boolean {
    return this.#unterminatedQuote;
  }

  /** Feeds the next bytes. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.#atStart) {
      if (this.#head !== undefined) buf = Buffer.concat([this.#head, buf]);
      this.#head = undefined;
      // A byte order mark may arrive split over the first chunks: hold its start until it is whole or broken.
      if (this.#s.encoding === 'utf-8' && buf.length < BOM.length && BOM.subarray(0, buf.length).equals(buf)) {
        this.#head = Buffer.from(buf);
        return;
      }
      this.#atStart = false;
      if (this.#s.encoding === 'utf-8' && buf.subarray(0, BOM.length).equals(BOM)) buf = buf.subarray(BOM.length);
      if (buf.length === 0) return;
    }
    this.#take(buf);
  }

  /** Bytes after the mark: held for sniffing until the shape is known, then parsed. */
  #take(buf: Buffer): void {
    if (this.#shape === undefined) {
      // Copied (64 KiB or one chunk, once): every other byte is read in place, so a reader may reuse its buffer.
      this.#sniffed.push(Buffer.from(buf));
      this.#sniffedBytes += buf.length;
      if (this.#sniffedBytes >= SNIFF_BYTES) this.#startBody(false);
      return;
    }
    this.#feed(buf, false);
  }

  /** Ends the input; returns the counts and the built set. */
  finish(duplicateSample: number) {
    // Input that was only the start of a byte order mark: those bytes are data after all.
    if (this.#head !== undefined) {
      this.#atStart = false;
      this.#take(this.#head);
      this.#head = undefined;
    }
    if (this.#shape === undefined) this.#startBody(true);
    else this.#feed(Buffer.alloc(0), true);
    return { counts: this.counts, shape: this.#shape!, ...this.#builder.build(duplicateSample) };
  }

  #startBody(final: boolean): void {
    const head = Buffer.concat(this.#sniffed);
    this.#sniffed = [];
    const lines = this.#decoder.decode(head).split('\n');
    if (!final) lines.pop();
    this.#shape = sniffShape(
      lines.slice(0, SNIFF_LINES).map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)),
      this.#s,
    );
    this.#feed(head, final);
  }

  #feed(chunk: Buffer, final: boolean): void {
    const shape = this.#shape!;
    const text = shape.format === 'text';
    let buf = chunk;
    if (this.#carry !== undefined) {
      const carry = this.#carry;
      this.#carry = undefined;
      const nl = chunk.indexOf(LF);
      if (nl >= 0 && (text || (carry.indexOf(QUOTE) === -1 && chunk.indexOf(QUOTE) === -1))) {
        // Finish the split line on its own, so the big chunk is read in place instead of copied.
        this.#lines(Buffer.concat([carry, chunk.subarray(0, nl + 1)]), false);
        buf = chunk.subarray(nl + 1);
      } else buf = Buffer.concat([carry, chunk]);
    }
    const used = text || buf.indexOf(QUOTE) === -1 ? this.#lines(buf, final) : this.#records(buf, final);
    // Copy the unfinished tail so the big chunk it came from can be collected.
    if (used < buf.length) this.#carry = Buffer.from(buf.subarray(used));
  }

  /** Kind of the line `n`: before the header, the header, skipped after it, or data. */
  #isData(n: number): boolean {
    const header = this.#shape!.headerLine;
    if (n <= header + (header > 0 ? this.#s.skipLinesAfterHeader : 0)) {
      this.counts.skipped++;
      return false;
    }
    return true;
  }

  #skippedByPattern(buf: Buffer, start: number, end: number): boolean {
    const pattern = this.#s.skipLinePattern;
    if (pattern === undefined) return false;
    pattern.lastIndex = 0;
    if (!pattern.test(this.#decoder.decode(buf.subarray(start, end)))) return false;
    this.counts.skipped++;
    return true;
  }

  /** Byte-level path: every line is a record (no quotes in this buffer, or plain text). */
  #lines(buf: Buffer, final: boolean): number {
    const shape = this.#shape!;
    const text = shape.format === 'text';
    const delimiter = shape.delimiter.charCodeAt(0);
    const column = shape.column;
    const lenient = this.#s.mode === 'lenient';
    const header = shape.headerLine;
    // Lines after this one are data; the hot loop takes them while they are plain (no skip pattern to test).
    const lastSkipped = header > 0 ? header + this.#s.skipLinesAfterHeader : 0;
    const plain = this.#s.skipLinePattern === undefined;
    let pos = 0;
    while (pos < buf.length) {
      if (plain && this.counts.lines >= lastSkipped) {
        scanPlainRows(buf, pos, text ? -1 : delimiter, text ? 0 : column, this.#known, this.#builder);
        if (plainRun.rows > 0) {
          this.counts.lines += plainRun.rows;
          this.counts.rows += plainRun.rows;
          this.counts.valid += plainRun.rows;
          pos = plainRun.end;
          if (pos >= buf.length) break;
        }
      }
      let nl = buf.indexOf(LF, pos);
      if (nl === -1) {
        if (!final) break;
        nl = buf.length;
      }
      let end = nl > pos && buf[nl - 1] === CR ? nl - 1 : nl;
      const line = ++this.counts.lines;
      let start = pos;
      pos = nl + 1;
      if (!this.#isData(line) || this.#skippedByPattern(buf, start, end)) continue;
      if (text) {
        let first = start;
        while (first < end && (buf[first] === 32 || buf[first] === 9)) first++;
        if (first === end || buf[first] === 0x23 /* # */) {
          this.counts.skipped++;
          continue;
        }
      } else {
        if (start === end) {
          this.counts.skipped++;
          continue;
        }
        const lineStart = start;
        let found = true;
        for (let field = 0; field < column; field++) {
          while (start < end && buf[start] !== delimiter) start++;
          if (start === end) {
            found = false;
            break;
          }
          start++;
        }
        if (!found) {
          this.#ragged(line, buf, lineStart, end);
          continue;
        }
        let fieldEnd = start;
        while (fieldEnd < end && buf[fieldEnd] !== delimiter) fieldEnd++;
        end = fieldEnd;
      }
      this.counts.rows++;
      if (end - start === 12 && packIsinBytes(buf, start)) {
        this.#addPacked(line, buf, start, end);
      } else if (start === end || (lenient && isBlank(buf, start, end))) {
        this.counts.empty++;
      } else {
        this.#acceptString(line, this.#decoder.decode(buf.subarray(start, end)));
      }
    }
    return Math.min(pos, buf.length);
  }

  /** RFC 4180 path for buffers with quotes; returns how many bytes formed complete records. */
  #records(buf: Buffer, final: boolean): number {
    const shape = this.#shape!;
    const delimiter = shape.delimiter.charCodeAt(0);
    let pos = 0;
    while (pos < buf.length) {
      let i = pos;
      let field = 0;
      let fieldStart = pos;
      let value: string | undefined;
      let breaks = 0;
      let inQuotes = false;
      let recordEnd = -1;
      let next = -1;
      while (recordEnd < 0) {
        if (i >= buf.length) {
          if (!final) return pos;
          if (inQuotes) this.#unterminatedQuote = true;
          recordEnd = buf.length;
          next = buf.length;
          break;
        }
        const c = buf[i]!;
        if (inQuotes) {
          if (c === QUOTE) {
            if (i + 1 >= buf.length && !final) return pos;
            if (buf[i + 1] === QUOTE) i += 2;
            else {
              inQuotes = false;
              i++;
            }
          } else {
            if (c === LF) breaks++;
            i++;
          }
        } else if (c === QUOTE && i === fieldStart) {
          inQuotes = true;
          i++;
        } else if (c === delimiter || c === LF) {
          const fieldEnd = c === LF && i > fieldStart && buf[i - 1] === CR ? i - 1 : i;
          if (field === shape.column) value = this.#fieldValue(buf, fieldStart, fieldEnd);
          if (c === LF) {
            recordEnd = fieldEnd;
            next = i + 1;
          } else {
            field++;
            fieldStart = i + 1;
          }
          i++;
        } else i++;
      }
      if (next === buf.length && recordEnd === buf.length && field === shape.column && value === undefined) {
        let end = recordEnd;
        if (end > fieldStart && buf[end - 1] === CR) end--;
        value = this.#fieldValue(buf, fieldStart, end);
      }
      const line = this.counts.lines + 1;
      this.counts.lines += 1 + breaks;
      const start = pos;
      pos = next;
      if (!this.#isData(line) || this.#skippedByPattern(buf, start, recordEnd)) continue;
      if (recordEnd === start || (recordEnd === start + 1 && buf[start] === CR)) {
        this.counts.skipped++;
        continue;
      }
      if (value === undefined) {
        this.#ragged(line, buf, start, recordEnd);
        continue;
      }
      this.counts.rows++;
      if (value.length === 0) this.counts.empty++;
      else this.#acceptString(line, value);
    }
    return pos;
  }

  #fieldValue(buf: Buffer, start: number, end: number): string {
    const raw = this.#decoder.decode(buf.subarray(start, end));
    if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) return raw.slice(1, -1).replaceAll('""', '"');
    return raw;
  }

  #addPacked(line: number, buf: Buffer, start: number, end: number): void {
    const prefix = Math.floor(packed[0]! / PREFIX_DIVISOR);
    if (this.#known[prefix] !== 1) {
      const value = this.#decoder.decode(buf.subarray(start, end));
      if (this.#s.prefixes === 'reject') {
        this.#invalid(line, value, 'UNKNOWN_PREFIX');
        return;
      }
      this.#notice(line, value, 'UNKNOWN_PREFIX');
    }
    this.counts.valid++;
    this.#builder.add(packed[0]!, packed[1]!);
  }

  #acceptString(line: number, value: string): void {
    const r = validateIsin(value, { mode: this.#s.mode, prefixes: this.#s.prefixes });
    if (!r.ok) {
      // `EMPTY` comes only from lenient mode, for a value of the spaces it trims: an empty field on either path.
      if (r.code === 'EMPTY') this.counts.empty++;
      else this.#invalid(line, value, r.code, r.expected);
      return;
    }
    for (const w of r.warnings) this.#notice(line, value, w);
    this.counts.valid++;
    packIsinString(r.isin);
    this.#builder.add(packed[0]!, packed[1]!);
  }

  #invalid(line: number, value: string, code: IsinErrorCode, expected?: number): void {
    this.counts.invalid++;
    this.counts.invalidByCode[code] = (this.counts.invalidByCode[code] ?? 0) + 1;
    if (this.counts.issues.length < this.#s.maxIssues) {
      const v = value.slice(0, 64);
      this.counts.issues.push(expected === undefined ? { line, code, value: v } : { line, code, value: v, expected });
    }
  }

  #notice(line: number, value: string, code: IsinListNoticeCode): void {
    this.counts.noticesByCode[code] = (this.counts.noticesByCode[code] ?? 0) + 1;
    if (this.counts.notices.length < this.#s.maxIssues)
      this.counts.notices.push({ line, code, value: value.slice(0, 64) });
  }

  #ragged(line: number, buf: Buffer, start: number, end: number): void {
    this.counts.ragged++;
    this.#notice(line, this.#decoder.decode(buf.subarray(start, end)), 'RAGGED_ROW');
  }
}

function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] !== 32 && buf[i] !== 9) return false;
  return true;
}
