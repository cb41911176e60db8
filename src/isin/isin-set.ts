/**
 * A sorted, de-duplicated, compact set of ISINs: 8 bytes each in one `BigUint64Array`, never a `Set<string>`
 * (7 M strings cost ~600 MB, and a JS `Set` stops at 2²⁴ entries).
 */
import { crc32 } from 'node:zlib';
import { TickworkError } from '../errors.js';
import { HI_LIMIT, packed, packIsinString, unpackIsin } from './pack.js';
import { radixSortPairs } from './radix-sort.js';
import { validateIsin } from './validate.js';

// The 32-bit word view reads a 64-bit key as [lo, hi]; every platform Node runs on is little-endian.
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const MAGIC = 0x53495754; // "TWIS" read little-endian
const FORMAT_VERSION = 1;
const HEADER_BYTES = 16;

/** Changes between two sets, as returned by {@link IsinSet.diff}. */
export interface IsinSetDiff {
  /** ISINs in the other set only. */
  readonly added: IsinSet;
  /** ISINs in this set only. */
  readonly removed: IsinSet;
  /** How many ISINs are in both. */
  readonly unchanged: number;
}

/** Lower index in `words` (pairs [lo, hi]) of the first key ≥ (hi, lo). */
function lowerBound(words: Uint32Array, size: number, hi: number, lo: number): number {
  let a = 0;
  let b = size;
  while (a < b) {
    const m = (a + b) >>> 1;
    const h = words[2 * m + 1]!;
    if (h < hi || (h === hi && words[2 * m]! < lo)) a = m + 1;
    else b = m;
  }
  return a;
}

function grow(words: Uint32Array, used: number): Uint32Array<ArrayBuffer> {
  const bigger = new Uint32Array(Math.max(64, words.length * 2));
  bigger.set(words.subarray(0, 2 * used));
  return bigger;
}

/**
 * One linear merge of two sorted word arrays. The outputs start small (real lists change by a few per cent
 * a day) and double when full, so a typical diff is one pass with little memory.
 */
function mergeWords(a: Uint32Array, n: number, b: Uint32Array, m: number) {
  let added: Uint32Array<ArrayBuffer> = new Uint32Array(2 * (1024 + ((n + m) >>> 6)));
  let removed: Uint32Array<ArrayBuffer> = new Uint32Array(added.length);
  let i = 0;
  let j = 0;
  let na = 0;
  let nr = 0;
  let same = 0;
  while (i < n && j < m) {
    const ah = a[2 * i + 1]!;
    const bh = b[2 * j + 1]!;
    const al = a[2 * i]!;
    const bl = b[2 * j]!;
    if (ah === bh && al === bl) {
      same++;
      i++;
      j++;
    } else if (ah < bh || (ah === bh && al < bl)) {
      if (2 * nr === removed.length) removed = grow(removed, nr);
      removed[2 * nr] = al;
      removed[2 * nr + 1] = ah;
      nr++;
      i++;
    } else {
      if (2 * na === added.length) added = grow(added, na);
      added[2 * na] = bl;
      added[2 * na + 1] = bh;
      na++;
      j++;
    }
  }
  const addedKeys = new BigUint64Array(na + (m - j));
  const removedKeys = new BigUint64Array(nr + (n - i));
  const addedOut = new Uint32Array(addedKeys.buffer);
  const removedOut = new Uint32Array(removedKeys.buffer);
  addedOut.set(added.subarray(0, 2 * na));
  addedOut.set(b.subarray(2 * j, 2 * m), 2 * na);
  removedOut.set(removed.subarray(0, 2 * nr));
  removedOut.set(a.subarray(2 * i, 2 * n), 2 * nr);
  return { added: addedKeys, removed: removedKeys, unchanged: same };
}

/**
 * An immutable, sorted set of valid ISINs packed to 64-bit keys. Build one with {@link IsinSet.from}, from
 * `parseIsinList`, or with {@link IsinSet.fromBytes}.
 *
 * @example
 * ```ts
 * const before = IsinSet.from(['US0378331005', 'DE0007164600']);
 * const after = IsinSet.from(['US0378331005', 'IE00B4L5Y983']);
 * const { added, removed } = before.diff(after);
 * [...added]; // ['IE00B4L5Y983']
 * [...removed]; // ['DE0007164600']
 * ```
 */
export class IsinSet implements Iterable<string> {
  readonly #keys: BigUint64Array;
  readonly #words: Uint32Array;

  /** @internal Use the static factories; `keys` must be sorted and unique. */
  constructor(keys: BigUint64Array) {
    if (!littleEndian) throw new TickworkError('INTERNAL', 'IsinSet needs a little-endian platform');
    this.#keys = keys;
    this.#words = new Uint32Array(keys.buffer, keys.byteOffset, keys.length * 2);
  }

  /** An empty set. */
  static empty(): IsinSet {
    return new IsinSet(new BigUint64Array(0));
  }

  /**
   * A set of the given ISINs (duplicates collapse). Throws `VALIDATION` at the first value that is not a
   * strict, valid ISIN, with its index and reason code in `details`.
   */
  static from(isins: Iterable<string>): IsinSet {
    const builder = new IsinSetBuilder();
    let index = 0;
    for (const isin of isins) {
      const r = validateIsin(isin);
      if (!r.ok) {
        throw new TickworkError('VALIDATION', `Item ${index} is not a valid ISIN: ${r.message}`, {
          details: { index, code: r.code },
        });
      }
      packIsinString(r.isin);
      builder.add(packed[0]!, packed[1]!);
      index++;
    }
    return builder.build().set;
  }

  /**
   * Reads the output of {@link IsinSet.toBytes}. Throws `VALIDATION` when the header, length, checksum or
   * order is wrong, so a damaged file is never taken for a list.
   */
  static fromBytes(bytes: Uint8Array): IsinSet {
    const fail = (why: string) => new TickworkError('VALIDATION', `Not an IsinSet snapshot: ${why}`);
    if (bytes.length < HEADER_BYTES) throw fail('too short');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(0, true) !== MAGIC) throw fail('bad magic number');
    const version = view.getUint8(4);
    if (version !== FORMAT_VERSION) throw fail(`unsupported format version ${version}`);
    const size = view.getUint32(8, true);
    if (bytes.length !== HEADER_BYTES + size * 8) throw fail('length does not match the header');
    const body = bytes.subarray(HEADER_BYTES);
    if (crc32(body) !== view.getUint32(12, true)) throw fail('checksum mismatch');
    // Copy: the input may be unaligned or shared, and the set must own its memory.
    const keys = new BigUint64Array(size);
    new Uint8Array(keys.buffer).set(body);
    const words = new Uint32Array(keys.buffer);
    for (let i = 0; i < size; i++) {
      const hi = words[2 * i + 1]!;
      const lo = words[2 * i]!;
      if (i > 0) {
        const ph = words[2 * i - 1]!;
        if (ph > hi || (ph === hi && words[2 * i - 2]! >= lo)) throw fail('keys out of order');
      }
    }
    return new IsinSet(keys);
  }

  /** Number of ISINs. */
  get size(): number {
    return this.#keys.length;
  }

  /** Whether `isin` (a canonical ISIN) is in the set: a binary search, no allocation. */
  has(isin: string): boolean {
    if (typeof isin !== 'string' || isin.length !== 12 || !validateIsin(isin).ok) return false;
    packIsinString(isin);
    const hi = packed[0]!;
    const lo = packed[1]!;
    const i = lowerBound(this.#words, this.size, hi, lo);
    return i < this.size && this.#words[2 * i + 1] === hi && this.#words[2 * i] === lo;
  }

  /** The ISIN at position `index` in sorted order, or undefined. */
  at(index: number): string | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) return undefined;
    return unpackIsin(this.#words[2 * index + 1]!, this.#words[2 * index]!);
  }

  /** Up to `limit` ISINs from the start, in order. */
  first(limit: number): string[] {
    const out: string[] = [];
    for (let i = 0; i < Math.min(limit, this.size); i++) out.push(this.at(i)!);
    return out;
  }

  /** ISINs in ascending order. */
  *[Symbol.iterator](): IterableIterator<string> {
    for (let i = 0; i < this.size; i++) yield unpackIsin(this.#words[2 * i + 1]!, this.#words[2 * i]!);
  }

  /**
   * What changed from this set to `next`, by one linear merge of the two sorted arrays: O(n + m), no hashing.
   */
  diff(next: IsinSet): IsinSetDiff {
    const r = mergeWords(this.#words, this.size, next.#words, next.size);
    return { added: new IsinSet(r.added), removed: new IsinSet(r.removed), unchanged: r.unchanged };
  }

  /** Whether both sets hold the same ISINs. */
  equals(other: IsinSet): boolean {
    if (other.size !== this.size) return false;
    const a = this.#words;
    const b = other.#words;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /**
   * A compact binary form: a 16-byte header (magic `TWIS`, format version, count, CRC-32 of the body) and
   * 8 little-endian bytes per ISIN. {@link IsinSet.fromBytes} reads it back.
   */
  toBytes(): Uint8Array {
    const body = new Uint8Array(this.#keys.buffer, this.#keys.byteOffset, this.#keys.byteLength);
    const out = new Uint8Array(HEADER_BYTES + body.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint8(4, FORMAT_VERSION);
    view.setUint32(8, this.size, true);
    view.setUint32(12, crc32(body), true);
    out.set(body, HEADER_BYTES);
    return out;
  }
}

/** The result of {@link IsinSetBuilder.build}. */
interface BuiltIsinSet {
  /** The sorted, unique set. */
  readonly set: IsinSet;
  /** How many added keys were repeats of another. */
  readonly duplicates: number;
  /** Up to `duplicateSample` repeated ISINs, in sorted order. */
  readonly duplicateSample: readonly string[];
}

/** Keys the builder holds at first; it doubles in place from there. */
const INITIAL_KEYS = 2048;
/**
 * Most keys one builder takes: 2³⁰ bytes of address space, reserved, not used, until keys arrive (GLEIF's
 * list has about 9 M; all ISINs ever issued are far fewer than this).
 */
const MAX_KEYS = 2 ** 27;
/** Keys moved per step of `build`; the collected memory shrinks by this much after each step. */
const SLICE = 1 << 18;
/**
 * Buckets of the one scatter pass, by the top bits of the high word: about a thousand, so each fills a run of
 * pages in turn (the sorted copy becomes resident as it fills, not all at once) and sorts in cache.
 */
const BUCKET_SHIFT = 20;
/** Buckets this small sort faster natively than through the radix sort's counting passes. */
const RADIX_MIN_KEYS = 512;
/** The radix sort's scratch array holds this many keys at most (8 MiB). */
const RADIX_MAX_KEYS = 1 << 20;

/**
 * Collects packed keys, then sorts and de-duplicates them once. Peak memory is one copy of the keys: they
 * are collected in a resizable buffer that grows in place, and `build` scatters them into the sorted array
 * from the end, shrinking that buffer (which returns its pages at once) as it goes.
 * @internal
 */
export class IsinSetBuilder {
  #buffer = new ArrayBuffer(INITIAL_KEYS * 8, { maxByteLength: MAX_KEYS * 8 });
  /** Tracks the buffer's length: [lo, hi] per key. */
  #words = new Uint32Array(this.#buffer);
  #fill = 0;

  /** Keys added so far, repeats included. */
  get count(): number {
    return this.#fill >>> 1;
  }

  /** Adds one packed ISIN. */
  add(hi: number, lo: number): void {
    if (this.#fill === this.#words.length) this.#grow();
    this.#words[this.#fill++] = lo;
    this.#words[this.#fill++] = hi;
  }

  #grow(): void {
    const bytes = this.#buffer.byteLength;
    if (bytes >= MAX_KEYS * 8) {
      throw new TickworkError('UNPROCESSABLE', `A list of more than ${MAX_KEYS} ISINs is not supported`);
    }
    this.#buffer.resize(Math.min(MAX_KEYS * 8, bytes * 2));
  }

  /** Sorts, removes repeats and returns the set; the builder is empty afterwards. */
  build(duplicateSample = 100): BuiltIsinSet {
    const count = this.#fill >>> 1;
    const source = this.#words;
    const keys = new BigUint64Array(count);
    const words = new Uint32Array(keys.buffer);
    // One bucket pass on the top bits of the high word, then a native sort per bucket: a bucket fits in
    // cache, where one sort of the whole array would not (about half the time of a single sort of 7 M keys).
    const buckets = (HI_LIMIT >>> BUCKET_SHIFT) + 1;
    const starts = new Uint32Array(buckets + 1);
    for (let i = 1; i < 2 * count; i += 2) starts[(source[i]! >>> BUCKET_SHIFT) + 1]!++;
    for (let b = 0; b < buckets; b++) starts[b + 1]! += starts[b]!;
    const next = starts.slice(0, buckets);
    for (let end = count; end > 0; ) {
      const from = Math.max(0, end - SLICE);
      for (let i = 2 * from; i < 2 * end; i += 2) {
        const hi = source[i + 1]!;
        const p = next[hi >>> BUCKET_SHIFT]!++;
        words[2 * p] = source[i]!;
        words[2 * p + 1] = hi;
      }
      end = from;
      this.#buffer.resize(from * 8);
    }
    this.#buffer = new ArrayBuffer(INITIAL_KEYS * 8, { maxByteLength: MAX_KEYS * 8 });
    this.#words = new Uint32Array(this.#buffer);
    this.#fill = 0;
    // Small buckets take the native sort; the rest a radix sort through one scratch array, at most
    // RADIX_MAX_KEYS long (a bucket bigger than that, from a very skewed list, takes the native sort).
    let largest = 0;
    for (let b = 0; b < buckets; b++) largest = Math.max(largest, starts[b + 1]! - starts[b]!);
    const temp = new Uint32Array(2 * Math.min(largest, RADIX_MAX_KEYS));
    for (let b = 0; b < buckets; b++) {
      const s = starts[b]!;
      const e = starts[b + 1]!;
      if (e - s >= RADIX_MIN_KEYS && e - s <= RADIX_MAX_KEYS) radixSortPairs(words, s, e, temp);
      else if (e - s > 1) keys.subarray(s, e).sort();
    }
    let unique = 0;
    const sample: string[] = [];
    let sampledHi = -1;
    let sampledLo = -1;
    // Compare and move 32-bit words: reading BigUint64Array elements would allocate a BigInt each.
    for (let i = 0; i < keys.length; i++) {
      const lo = words[2 * i]!;
      const hi = words[2 * i + 1]!;
      if (unique > 0 && words[2 * unique - 1] === hi && words[2 * unique - 2] === lo) {
        if (sample.length < duplicateSample && (hi !== sampledHi || lo !== sampledLo)) {
          sample.push(unpackIsin(hi, lo));
          sampledHi = hi;
          sampledLo = lo;
        }
        continue;
      }
      words[2 * unique] = lo;
      words[2 * unique + 1] = hi;
      unique++;
    }
    // A view, not a copy: repeats are few, and a copy would double the peak.
    const set = new IsinSet(unique === keys.length ? keys : keys.subarray(0, unique));
    return { set, duplicates: keys.length - unique, duplicateSample: sample };
  }
}
