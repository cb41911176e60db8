/** Deterministic ISIN and LEI generators shared by the isin tests and the benchmark. */
export { distinctIsins, prng, randomIsin } from '../../src/testing/isins.js';

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A 20-character LEI-shaped string (not checksummed: the parser never reads it). */
export function randomLei(next: () => number): string {
  let s = '';
  for (let i = 0; i < 20; i++) s += ALNUM[next() % 36];
  return s;
}
