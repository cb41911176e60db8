/**
 * Least-significant-digit radix sort of packed ISIN keys held as [lo, hi] 32-bit word pairs, ordered by
 * (hi, lo). A packed low word is below 36⁵ · 10 < 2³⁰ (see pack.ts; a test packs the largest one), so the key
 * is the 62-bit number hi · 2³⁰ + lo, read in six 11-bit digits. One pass counts every digit; a digit that is
 * the same for every key is skipped, so a bucket of keys that share their top bits costs fewer passes. Linear
 * in the keys, where the native sort of a bucket of several hundred thousand keys was most of the time of
 * building a set of millions.
 */
const BITS = 11;
const RADIX = 1 << BITS;
const MASK = RADIX - 1;
const DIGITS = 6;
// Digit d is ((lo >>> LO_SHIFT[d]) & LO_KEEP[d]) | ((hi << HI_LEFT[d]) >>> HI_RIGHT[d]), masked to 11 bits:
// bits [11d, 11d + 11) of hi · 2³⁰ + lo.
const LO_SHIFT = [0, 11, 22, 0, 0, 0];
const LO_KEEP = [-1, -1, -1, 0, 0, 0];
const HI_LEFT = [30, 19, 8, 0, 0, 0];
const HI_RIGHT = [0, 0, 0, 3, 14, 25];

const counts = new Uint32Array(DIGITS * RADIX);

/**
 * Sorts the keys `[from, to)` of `words` (pairs [lo, hi]) ascending by (hi, lo). `temp` holds at least
 * `2 · (to − from)` words; its content is overwritten.
 */
export function radixSortPairs(words: Uint32Array, from: number, to: number, temp: Uint32Array): void {
  const n = to - from;
  if (n < 2) return;
  counts.fill(0);
  for (let i = 2 * from; i < 2 * to; i += 2) {
    const lo = words[i]!;
    const hi = words[i + 1]!;
    counts[lo & MASK]!++;
    counts[RADIX + ((lo >>> 11) & MASK)]!++;
    counts[2 * RADIX + (((lo >>> 22) | (hi << 8)) & MASK)]!++;
    counts[3 * RADIX + ((hi >>> 3) & MASK)]!++;
    counts[4 * RADIX + ((hi >>> 14) & MASK)]!++;
    counts[5 * RADIX + (hi >>> 25)]!++;
  }
  let src = words;
  let srcAt = 2 * from;
  let dst = temp;
  let dstAt = 0;
  for (let d = 0; d < DIGITS; d++) {
    const base = d * RADIX;
    // Counts to start offsets; skip the pass when one digit value holds every key (its order is kept).
    let sum = 0;
    let trivial = false;
    for (let v = 0; v < RADIX; v++) {
      const c = counts[base + v]!;
      if (c === n) trivial = true;
      counts[base + v] = sum;
      sum += c;
    }
    if (trivial) continue;
    const loShift = LO_SHIFT[d]!;
    const loKeep = LO_KEEP[d]!;
    const hiLeft = HI_LEFT[d]!;
    const hiRight = HI_RIGHT[d]!;
    for (let i = srcAt; i < srcAt + 2 * n; i += 2) {
      const lo = src[i]!;
      const hi = src[i + 1]!;
      const digit = (((lo >>> loShift) & loKeep) | ((hi << hiLeft) >>> hiRight)) & MASK;
      const p = dstAt + 2 * counts[base + digit]!++;
      dst[p] = lo;
      dst[p + 1] = hi;
    }
    const s = src;
    const sAt = srcAt;
    src = dst;
    srcAt = dstAt;
    dst = s;
    dstAt = sAt;
  }
  if (src !== words) words.set(src.subarray(srcAt, srcAt + 2 * n), 2 * from);
}
