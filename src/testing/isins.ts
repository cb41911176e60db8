/** Deterministic, distinct valid ISINs: the isin tests, the benchmark and the snapshot-store suite share them. */
import { isinCheckDigit } from '../isin/validate.js';

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const PREFIXES = ['DE', 'US', 'GB', 'CH', 'NL', 'FR', 'IT', 'SE', 'ES', 'IE', 'XS', 'EU', 'NG', 'IN', 'JP'];

/** A small, fast, seeded PRNG (mulberry32) returning integers in [0, 2³²). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** A random valid ISIN (about a third of NSIN characters are letters). */
export function randomIsin(next: () => number): string {
  let body = PREFIXES[next() % PREFIXES.length]!;
  for (let i = 0; i < 9; i++) body += next() % 3 === 0 ? ALNUM[10 + (next() % 26)] : ALNUM[next() % 10];
  return body + isinCheckDigit(body);
}

/** `count` distinct valid ISINs, deterministic for a seed. */
export function distinctIsins(count: number, seed = 1): string[] {
  const next = prng(seed);
  const seen = new Set<string>();
  while (seen.size < count) seen.add(randomIsin(next));
  return [...seen];
}
