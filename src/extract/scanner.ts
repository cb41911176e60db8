/**
 * The resumable byte scanner behind every extract function. It reads UTF-8 bytes (string input is encoded
 * first), so one hot loop serves both; every byte the grammar cares about is ASCII, and bytes of multi-byte
 * characters (all ≥ 0x80) are never mistaken for one, so a chunk may end anywhere, even inside a character.
 *
 * The state carried between chunks is a handful of fields plus at most `maxRawBytes` of a key and
 * `maxDigits + 1` digits of a number: bounded by the longest token, whatever the input.
 */
import type { FastKeys, FastScan } from './fast-scan.js';
import { fastKeys, fastScanner } from './fast-scan.js';
import type { KeySet } from './key-set.js';
import { matchEscapedKey, matchPlainKey } from './key-set.js';
import type { ExtractDiagnosticKind, ExtractMatch } from './options.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const MINUS = 0x2d;
const ZERO = 0x30;

/** Whether `c` ends a run of string content: quote, backslash, or a line break (which resynchronises). */
function isStringStop(c: number): boolean {
  // Most string bytes are above the quote; test the one stop byte up there first.
  return c > QUOTE ? c === BACKSLASH : c === QUOTE || c === LF || c === CR;
}

/** JSON whitespace. */
const SPACE = new Uint8Array(256);
SPACE[0x20] = 1;
SPACE[0x09] = 1;
SPACE[LF] = 1;
SPACE[CR] = 1;

/** What may follow an integer: whitespace, `,`, `}`, `]`. */
const INT_END = new Uint8Array(256);
INT_END.set(SPACE);
INT_END[0x2c] = 1;
INT_END[0x7d] = 1;
INT_END[0x5d] = 1;

/** Characters taken as part of a bad number token, so it is skipped whole: `[0-9A-Za-z.+_-]`. */
const NUMBERISH = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) NUMBERISH[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) NUMBERISH[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) NUMBERISH[c] = 1;
NUMBERISH[0x2e] = 1;
NUMBERISH[0x2b] = 1;
NUMBERISH[MINUS] = 1;
NUMBERISH[0x5f] = 1;

/** Scanner states (plain numbers keep the hot switch monomorphic). */
const State = {
  /** Between tokens. */
  Out: 0,
  /** Inside a string. */
  String: 1,
  /** Inside a string, right after a backslash. */
  Escape: 2,
  /** After the closing quote of a chosen key: expecting `:`. */
  AfterKey: 3,
  /** After `key:`: expecting the value. */
  BeforeValue: 4,
  /** In the digits of an integer. */
  Number: 5,
  /** Skipping the rest of a number that is not an integer. */
  BadNumber: 6,
} as const;
type State = (typeof State)[keyof typeof State];

const RAW_LIMIT = 64;

/** Strings of this many bytes or more are skipped with native `indexOf` rather than byte by byte. */
const SHORT = 32;

/** The fast path keeps depth in a 32-bit integer; deeper input (over a gigabyte of brackets) stays in JS. */
const FAST_DEPTH_LIMIT = 2 ** 30;

// Node's Buffer#indexOf searches with memchr, several times faster than Uint8Array#indexOf on long runs,
// and accepts any Uint8Array. Elsewhere the standard method does the same job.
const nativeIndexOf: (this: Uint8Array, value: number, from: number) => number =
  (globalThis as { Buffer?: { prototype: { indexOf: (value: number, from: number) => number } } }).Buffer?.prototype
    .indexOf ?? Uint8Array.prototype.indexOf;

/**
 * How often the scanner moved between its paths, counted at the hand-overs and never per byte, so they cost
 * nothing on the hot path. A shortcut that gives up too soon still gives the right result, only slower, which
 * no timing test on a shared machine would notice; these counts let a test see it
 * (`test/extract/limits-paths.test.ts`). Shared by every scanner in the process.
 * @internal
 */
export const scanPaths = {
  /** Times the JS scanner passed control to the WebAssembly fast path. */
  fastRuns: 0,
  /** Copies of chunk bytes into the fast path's window. */
  windowCopies: 0,
  /** Tokens the fast path stopped at and left to the JS scanner. */
  handBacks: 0,
  /** Tokens the inline `Out` path gave up on and left to the general states. */
  general: 0,
  /** Native searches for the end of a long string (see `skipLong`). */
  searches: 0,
};

/** Sets every count of {@link scanPaths} to 0. @internal */
export function resetScanPaths(): void {
  scanPaths.fastRuns = 0;
  scanPaths.windowCopies = 0;
  scanPaths.handBacks = 0;
  scanPaths.general = 0;
  scanPaths.searches = 0;
}

/** Index of `byte` in `buf[from, n)`, or `n`. */
function find(buf: Uint8Array, byte: number, from: number, n: number): number {
  scanPaths.searches++;
  const at = nativeIndexOf.call(buf, byte, from);
  return at === -1 || at >= n ? n : at;
}

function latin1(buf: Uint8Array, from: number, to: number): string {
  let s = '';
  // Digit runs are short (≤ maxDigits); build in slices to stay under the argument-count limit.
  for (let i = from; i < to; i += 4096) {
    s += String.fromCharCode.apply(null, buf.subarray(i, Math.min(to, i + 4096)) as unknown as number[]);
  }
  return s;
}

/** Receives what the scanner finds. */
export interface ScanSink<V extends number | bigint> {
  /** Matches found so far, appended in document order. */
  readonly matches: ExtractMatch<V>[];
  /** Reports a diagnostic. */
  diagnostic(
    kind: ExtractDiagnosticKind,
    message: string,
    start: number,
    end: number,
    key?: string,
    raw?: string,
  ): void;
}

/** A scanner for one input. Feed it chunks with {@link Scanner.scan}, then call {@link Scanner.finish}. */
export class Scanner<V extends number | bigint> {
  private state: State = State.Out;
  private depth = 0;
  /** Offset (in input units) where the current string or number started. */
  private tokenStart = 0;
  /** Whether the current string may still be a chosen key. */
  private keyCandidate = false;
  private keyEscaped = false;
  /** Raw key bytes carried over from earlier chunks. */
  private readonly keyCarry: Uint8Array;
  private keyCarryLength = 0;
  private key = '';
  private negative = false;
  private digits = 0;
  private value = 0;
  /** Digits (or, for a bad number, raw text) carried over from earlier chunks. */
  private numberCarry = '';
  private badKind: ExtractDiagnosticKind = 'non-integer';

  // Mapping from byte index in the current chunk to input units (UTF-16 code units for string input).
  private base = 0;
  private ascii = true;
  private mapByte = 0;
  private mapUnit = 0;
  private chunk: Uint8Array = new Uint8Array(0);
  // Next positions of the string stop bytes in the current chunk (see skipLong).
  private nextQuote = -1;
  private nextBackslash = -1;
  private nextLf = -1;
  private nextCr = -1;
  // The WebAssembly fast path (see fast-scan.ts): the key table, and which bytes of this chunk its window holds.
  private readonly fastKeys: FastKeys | undefined;
  private readonly fastMaxDigits: number;
  private fastDepth = 0;
  private windowStart = 0;
  private windowEnd = 0;
  private windowGeneration = -1;

  constructor(
    private readonly keys: KeySet,
    private readonly bigint: boolean,
    private readonly maxDigits: number,
    private readonly sink: ScanSink<V>,
    /** Push bare values instead of match objects (for `extractIds`, which needs no offsets). */
    private readonly valuesOnly = false,
  ) {
    this.keyCarry = new Uint8Array(keys.maxRawBytes);
    this.fastKeys = fastKeys(keys);
    // The inline integer path takes at most 15 digits (exact in a double) and never more than maxDigits.
    this.fastMaxDigits = Math.min(15, maxDigits);
  }

  /** Offset in input units of byte `i` of the current chunk (a character boundary). */
  private pos(i: number): number {
    if (this.ascii) return this.base + i;
    if (i < this.mapByte) {
      this.mapByte = 0;
      this.mapUnit = 0;
    }
    const buf = this.chunk;
    let u = this.mapUnit;
    for (let b = this.mapByte; b < i; b++) {
      const c = buf[b]!;
      if ((c & 0xc0) !== 0x80) u += c >= 0xf0 ? 2 : 1;
    }
    this.mapByte = i;
    this.mapUnit = u;
    return this.base + u;
  }

  /**
   * Scans `buf[0, n)`. `base` is the input offset of its first byte in input units; `ascii` says whether
   * one byte is one unit (always for byte input; for string input when the chunk is ASCII).
   *
   * The common case (a whole string, key, `:` and integer inside this chunk, no escapes) is handled inline
   * in the `Out` state; everything else goes through the general resumable states, which give the same
   * results, so chunk boundaries only change which path runs.
   */
  scan(buf: Uint8Array, n: number, base: number, ascii: boolean): void {
    this.chunk = buf;
    this.base = base;
    this.ascii = ascii;
    this.mapByte = 0;
    this.mapUnit = 0;
    this.nextQuote = -1;
    this.nextBackslash = -1;
    this.nextLf = -1;
    this.nextCr = -1;
    // The caller may have refilled the buffer since the last chunk: the window is stale.
    this.windowGeneration = -1;
    const fast = this.fastKeys === undefined ? undefined : fastScanner();
    const fastMaxDigits = this.fastMaxDigits;
    const keys = this.keys;
    const byLength = keys.byLength;
    const maxBytes = keys.maxBytes;
    const firstByte = keys.firstByte;
    const bigint = this.bigint;
    const out = this.sink.matches as unknown[];
    const valuesOnly = this.valuesOnly;
    let state: State = this.state;
    let depth = this.depth;
    let i = 0;
    /** Index of the opening quote of the last string opened in this chunk. */
    let openedAt = -1;
    /** Start of the current string's content, or of the current number's digits, in this chunk. */
    let from = 0;
    while (i < n) {
      switch (state) {
        case State.Out: {
          // The fast path runs up to a token it leaves to JS; JS takes that one token and hands back.
          let handBack = n + 1;
          if (fast !== undefined && n - i >= fast.minBytes && depth < FAST_DEPTH_LIMIT) {
            i = this.runFast(fast, buf, i, n, depth);
            depth = this.fastDepth;
            if (i >= n) break;
            handBack = i + 1;
          }
          while (i < n) {
            const c = buf[i++]!;
            if (c !== QUOTE) {
              // Brackets are all ≥ 0x5b, so digits and punctuation cost one compare. `{` and `[` differ only in
              // bit 0x20, and so do `}` and `]`.
              if (c >= 0x5b) {
                const folded = c | 0x20;
                if (folded === 0x7b) depth++;
                else if (folded === 0x7d && depth > 0) depth--;
              }
              continue;
            }
            const s = i;
            let escaped = false;
            for (;;) {
              const limit = i + SHORT < n ? i + SHORT : n;
              while (i < limit && !isStringStop(buf[i]!)) i++;
              if (i === limit && i < n) i = this.skipLong(buf, i, n);
              // An escape whose second byte is here and is not a line break is skipped in place.
              if (i + 1 < n && buf[i] === BACKSLASH && buf[i + 1] !== LF && buf[i + 1] !== CR) {
                escaped = true;
                i += 2;
                continue;
              }
              break;
            }
            if (escaped && i < n && buf[i] === QUOTE && depth > 0) {
              // A possible key with escapes: decoded only when a `:` follows (as closeKey does), in the
              // general states; an escaped string value followed by `,` `}` `]` is done here.
              let j = i + 1;
              while (j < n && SPACE[buf[j]!] === 1) j++;
              if (j === n || buf[j] === COLON) i = n;
            }
            if (i === n || buf[i] !== QUOTE) {
              // An escape, a line break or the chunk's end: the general string state takes over, from the start
              // of the content (the bytes were plain, so rescanning them is cheap and keeps one code path).
              scanPaths.general++;
              state = State.String;
              i = s;
              from = s;
              openedAt = s - 1;
              this.keyCandidate = depth > 0;
              this.keyEscaped = false;
              this.keyCarryLength = 0;
              break;
            }
            const length = i - s;
            i++;
            const candidates = byLength[length];
            if (escaped || length > maxBytes || firstByte[buf[s]!] === 0 || depth === 0 || candidates === undefined) {
              if (i >= handBack) break;
              continue;
            }
            let key: string | undefined;
            for (let m = 0; m < candidates.length; m++) {
              const bytes = candidates[m]!.bytes;
              let b = 0;
              while (b < length && buf[s + b] === bytes[b]) b++;
              if (b === length) {
                key = candidates[m]!.name;
                break;
              }
            }
            if (key === undefined) {
              if (i >= handBack) break;
              continue;
            }
            this.key = key;
            // Fast path for `"key":123,` inside this chunk; anything else falls back to the general states.
            let j = i;
            while (j < n && SPACE[buf[j]!] === 1) j++;
            if (j < n && buf[j] === COLON) {
              j++;
              while (j < n && SPACE[buf[j]!] === 1) j++;
              const first = j < n ? buf[j]! : 0;
              let k = first === MINUS ? j + 1 : j;
              const digitsFrom = k;
              let value = 0;
              while (k < n) {
                const d = buf[k]! - ZERO;
                if (d < 0 || d > 9) break;
                value = value * 10 + d;
                k++;
              }
              const digits = k - digitsFrom;
              if (
                k < n &&
                digits > 0 &&
                digits <= fastMaxDigits &&
                INT_END[buf[k]!] === 1 &&
                (digits === 1 || buf[digitsFrom] !== ZERO)
              ) {
                const v = first === MINUS ? -value + 0 : value;
                const typed = bigint ? BigInt(v) : v;
                if (valuesOnly) out.push(typed);
                else
                  out.push({
                    key,
                    value: typed,
                    start: ascii ? base + j : this.pos(j),
                    end: ascii ? base + k : this.pos(k),
                  });
                i = k;
                if (i >= handBack) break;
                continue;
              }
            }
            scanPaths.general++;
            state = State.AfterKey;
            break;
          }
          break;
        }
        case State.Escape: {
          const c = buf[i]!;
          if (c === LF || c === CR) {
            state = this.resync(i);
            i++;
            break;
          }
          i++;
          state = State.String;
          break;
        }
        case State.String: {
          for (;;) {
            const limit = i + SHORT < n ? i + SHORT : n;
            while (i < limit && !isStringStop(buf[i]!)) i++;
            if (i === limit && i < n) i = this.skipLong(buf, i, n);
            if (i === n) break;
            const c = buf[i]!;
            if (c === QUOTE) {
              i++;
              state = this.keyCandidate ? this.closeKey(buf, n, from, i - 1) : State.Out;
              break;
            }
            if (c === BACKSLASH) {
              this.keyEscaped = true;
              i++;
              if (i === n) {
                state = State.Escape;
                break;
              }
              if (buf[i] === LF || buf[i] === CR) {
                state = this.resync(i);
                i++;
                break;
              }
              i++;
              continue;
            }
            state = this.resync(i);
            i++;
            break;
          }
          break;
        }
        case State.AfterKey: {
          while (i < n && SPACE[buf[i]!] === 1) i++;
          if (i === n) break;
          if (buf[i] === COLON) {
            i++;
            state = State.BeforeValue;
          } else {
            state = State.Out;
          }
          break;
        }
        case State.BeforeValue: {
          while (i < n && SPACE[buf[i]!] === 1) i++;
          if (i === n) break;
          const c = buf[i]!;
          if (c === MINUS || (c >= ZERO && c <= 0x39)) {
            this.tokenStart = this.pos(i);
            this.negative = c === MINUS;
            if (c === MINUS) i++;
            this.digits = 0;
            this.value = 0;
            this.numberCarry = '';
            from = i;
            state = State.Number;
          } else {
            state = State.Out;
          }
          break;
        }
        case State.Number: {
          let value = this.value;
          const start = i;
          while (i < n) {
            const d = buf[i]! - ZERO;
            if (d < 0 || d > 9) break;
            value = value * 10 + d;
            i++;
          }
          this.value = value;
          this.digits += i - start;
          if (i === n) {
            this.numberCarry = this.digitText(buf, from, n, this.maxDigits + 1);
            break;
          }
          state = this.endNumber(buf, from, i);
          if (state === State.BadNumber) from = i;
          break;
        }
        case State.BadNumber: {
          while (i < n && NUMBERISH[buf[i]!] === 1) i++;
          if (i === n) {
            if (this.numberCarry.length < RAW_LIMIT)
              this.numberCarry += latin1(buf, from, Math.min(n, from + RAW_LIMIT));
            break;
          }
          this.badNumber(buf, from, i);
          state = State.Out;
          break;
        }
      }
    }
    this.state = state;
    this.depth = depth;
    if (state === State.String || state === State.Escape) {
      this.carryKey(buf, from, n);
      // Only needed if the input ends inside this string; computed now while the chunk is at hand.
      if (openedAt >= 0) this.tokenStart = this.pos(openedAt);
    }
  }

  /**
   * Runs the fast path from `i` (in the `Out` state at bracket depth `depth`) until the chunk ends or it stops
   * at a token for the JS scanner; returns where, with the depth in `fastDepth`. The window is copied from the
   * chunk when it does not hold `i` with room to spare, so each byte is copied about once.
   */
  private runFast(fast: FastScan, buf: Uint8Array, i: number, n: number, depth: number): number {
    const fastKeys = this.fastKeys!;
    scanPaths.fastRuns++;
    for (;;) {
      if (
        this.windowGeneration !== fast.generation ||
        i < this.windowStart ||
        i >= this.windowEnd ||
        (this.windowEnd < n && this.windowEnd - i < fast.window >>> 3)
      ) {
        const end = Math.min(n, i + fast.window);
        scanPaths.windowCopies++;
        fast.bytes.set(buf.subarray(i, end));
        this.windowStart = i;
        this.windowEnd = end;
        this.windowGeneration = ++fast.generation;
      }
      fast.useKeys(fastKeys);
      const start = this.windowStart;
      i = start + fast.scan(i - start, this.windowEnd - start, depth, this.fastMaxDigits);
      const status = fast.status;
      depth = status[0]!;
      if (status[1]! > 0) this.emitFast(fast, status[1]!, start);
      if (status[2] === 1) {
        scanPaths.handBacks++;
        break;
      }
      if (i >= n) break;
    }
    this.fastDepth = depth;
    return i;
  }

  /** Appends the fast path's `count` matches (offsets relative to `start` in this chunk), as `scan` would. */
  private emitFast(fast: FastScan, count: number, start: number): void {
    const out = this.sink.matches as unknown[];
    const values = fast.values;
    const names = this.fastKeys!.names;
    const bigint = this.bigint;
    if (this.valuesOnly) {
      for (let m = 0; m < count; m++) out.push(bigint ? BigInt(values[m]!) : values[m]!);
    } else {
      const ascii = this.ascii;
      const base = this.base;
      const starts = fast.starts;
      const ends = fast.ends;
      const keyIndexes = fast.keyIndexes;
      for (let m = 0; m < count; m++) {
        const j = start + starts[m]!;
        const k = start + ends[m]!;
        const value = values[m]!;
        out.push({
          key: names[keyIndexes[m]!]!,
          value: bigint ? BigInt(value) : value,
          start: ascii ? base + j : this.pos(j),
          end: ascii ? base + k : this.pos(k),
        });
      }
    }
    this.key = names[fast.keyIndexes[count - 1]!]!;
  }

  /**
   * The index of the next quote, backslash or line break at or after `i` in `buf[0, n)`, or `n`. Used once a
   * string runs longer than {@link SHORT}: native `indexOf` (memchr in Node) then beats a byte loop. Each
   * byte's next position is cached until passed, so every search covers new ground and the total stays linear.
   */
  private skipLong(buf: Uint8Array, i: number, n: number): number {
    if (this.nextQuote < i) this.nextQuote = find(buf, QUOTE, i, n);
    if (this.nextBackslash < i) this.nextBackslash = find(buf, BACKSLASH, i, n);
    if (this.nextLf < i) this.nextLf = find(buf, LF, i, n);
    if (this.nextCr < i) this.nextCr = find(buf, CR, i, n);
    return Math.min(this.nextQuote, this.nextBackslash, this.nextLf, this.nextCr);
  }

  /** Keeps the raw bytes of a possible key that runs past the end of a chunk, or gives up on it. */
  private carryKey(buf: Uint8Array, from: number, to: number): void {
    if (!this.keyCandidate) return;
    const length = this.keyCarryLength + (to - from);
    if (length > this.keyCarry.length) {
      this.keyCandidate = false;
      return;
    }
    this.keyCarry.set(buf.subarray(from, to), this.keyCarryLength);
    this.keyCarryLength = length;
  }

  /** At the closing quote of a possible key (`buf[from, to)` is its content in this chunk). */
  private closeKey(buf: Uint8Array, n: number, from: number, to: number): State {
    let key: string | undefined;
    if (this.keyCarryLength === 0 && !this.keyEscaped) {
      key = to - from <= this.keys.maxBytes ? matchPlainKey(this.keys, buf, from, to) : undefined;
    } else {
      // Decoding escapes costs; escaped strings are mostly values, so look for the `:` first when it is here.
      let j = to + 1;
      while (j < n && SPACE[buf[j]!] === 1) j++;
      if (j < n && buf[j] !== COLON) return State.Out;
      this.carryKey(buf, from, to);
      if (!this.keyCandidate) return State.Out;
      const raw = this.keyCarry.subarray(0, this.keyCarryLength);
      key = this.keyEscaped ? matchEscapedKey(this.keys, raw) : matchPlainKey(this.keys, raw, 0, raw.length);
    }
    if (key === undefined) return State.Out;
    this.key = key;
    return State.AfterKey;
  }

  private resync(i: number): State {
    const at = this.pos(i);
    this.sink.diagnostic(
      'resync',
      `Line break inside a string at offset ${at}: the text before it was not JSON; scanning resumes after it.`,
      at,
      at + 1,
    );
    return State.Out;
  }

  /** At the byte after a number's digits (`buf[from, i)` are its digits in this chunk). */
  private endNumber(buf: Uint8Array, from: number, i: number): State {
    const c = buf[i]!;
    if (INT_END[c] === 0) {
      this.badKind = c === 0x2e || c === 0x65 || c === 0x45 ? 'non-integer' : 'malformed-number';
      this.numberCarry = (this.negative ? '-' : '') + this.digitText(buf, from, i, RAW_LIMIT);
      return State.BadNumber;
    }
    const end = this.pos(i);
    const digits = this.digits;
    const sign = this.negative ? '-' : '';
    if (digits === 0) {
      this.report('malformed-number', 'is not a number', end, sign);
      return State.Out;
    }
    if (digits > 1 && (this.numberCarry === '' ? buf[from] : this.numberCarry.charCodeAt(0)) === ZERO) {
      this.report('non-integer', 'has a leading zero', end, sign + this.digitText(buf, from, i, RAW_LIMIT));
      return State.Out;
    }
    if (digits > this.maxDigits) {
      this.report(
        'too-long',
        `has more than ${this.maxDigits} digits`,
        end,
        sign + this.digitText(buf, from, i, RAW_LIMIT),
      );
      return State.Out;
    }
    let value: number | bigint;
    if (digits < 16 || (digits === 16 && this.value <= Number.MAX_SAFE_INTEGER)) {
      // `+ 0` turns `-0` into 0.
      value = this.bigint
        ? BigInt(this.negative ? -this.value : this.value)
        : (this.negative ? -this.value : this.value) + 0;
    } else if (this.bigint) {
      value = BigInt(sign + this.digitText(buf, from, i, digits));
    } else {
      const raw = sign + this.digitText(buf, from, i, RAW_LIMIT);
      this.report(
        'unsafe-integer',
        `is beyond Number.MAX_SAFE_INTEGER and would be rounded; use { bigint: true } for exact values`,
        end,
        raw.slice(0, RAW_LIMIT),
      );
      return State.Out;
    }
    if (this.valuesOnly) (this.sink.matches as unknown[]).push(value);
    else this.sink.matches.push({ key: this.key, value: value as V, start: this.tokenStart, end });
    return State.Out;
  }

  /** The carried digits plus `buf[from, to)`, cut to `limit` characters. */
  private digitText(buf: Uint8Array, from: number, to: number, limit: number): string {
    const carried = this.numberCarry;
    if (carried.length >= limit) return carried.slice(0, limit);
    return carried + latin1(buf, from, Math.min(to, from + limit - carried.length));
  }

  private badNumber(buf: Uint8Array, from: number, i: number): void {
    const raw = (this.numberCarry + latin1(buf, from, Math.min(i, from + RAW_LIMIT))).slice(0, RAW_LIMIT);
    const what = this.badKind === 'non-integer' ? 'is not an integer; skipped, not truncated' : 'is not a number';
    this.report(this.badKind, what, this.pos(i), raw);
  }

  private report(kind: ExtractDiagnosticKind, what: string, end: number, raw: string): void {
    this.sink.diagnostic(
      kind,
      `Value of "${this.key}" at offset ${this.tokenStart} (${raw}) ${what}.`,
      this.tokenStart,
      end,
      this.key,
      raw,
    );
  }

  /** Ends the input at offset `end`; reports a token or container left open. Returns whether it was complete. */
  finish(end: number): boolean {
    const state = this.state;
    let what: string | undefined;
    let start = end;
    let key: string | undefined;
    let raw: string | undefined;
    if (state === State.String || state === State.Escape) {
      what = 'inside a string';
      start = this.tokenStart;
    } else if (state === State.Number || state === State.BadNumber) {
      what = `inside the value of "${this.key}"; the cut-off number is not returned`;
      start = this.tokenStart;
      key = this.key;
      raw = ((this.negative ? '-' : '') + this.numberCarry).slice(0, RAW_LIMIT);
      if (state === State.BadNumber) raw = this.numberCarry.slice(0, RAW_LIMIT);
    } else if (state === State.AfterKey || state === State.BeforeValue) {
      what = `after the key "${this.key}", before its value`;
      key = this.key;
    } else if (this.depth > 0) {
      what = `with ${this.depth} object(s) or array(s) still open`;
    }
    this.state = State.Out;
    this.depth = 0;
    if (what === undefined) return true;
    this.sink.diagnostic('truncated', `Input ended at offset ${end} ${what}.`, start, end, key, raw);
    return false;
  }
}
