/**
 * The byte-level packer at the edges of each character class, against `validateIsin` as the reference: for
 * every bad byte, all ten check digits are tried, so a packer that skipped a byte check could not hide
 * behind a check digit that happens not to match.
 */
import { describe, expect, it } from 'vitest';
import { packIsinBytes } from '../../src/isin/pack.js';
import { validateIsin } from '../../src/isin/validate.js';

const bytes = (s: string) => new TextEncoder().encode(s);

/** Whether the packer and the strict validator agree on `s`, at offset 0 and inside a longer buffer. */
function agrees(s: string): void {
  const expected = validateIsin(s).ok;
  expect(packIsinBytes(bytes(s), 0), s).toBe(expected);
  expect(packIsinBytes(bytes(`xx,${s},yy`), 3), s).toBe(expected);
}

describe('packIsinBytes at the edges of each character class', () => {
  it('agrees with validateIsin on every prefix byte next to A–Z, under every check digit', () => {
    for (const c of '09@[`az') {
      for (let d = 0; d < 10; d++) {
        agrees(`${c}S037833100${d}`);
        agrees(`U${c}037833100${d}`);
      }
    }
    for (const p of ['AA', 'AZ', 'ZA', 'ZZ']) {
      for (let d = 0; d < 10; d++) agrees(`${p}037833100${d}`);
    }
  });

  it('agrees on every NSIN byte next to 0–9 and A–Z, at every position, under every check digit', () => {
    for (const c of '/:@[`-') {
      for (let at = 2; at < 11; at++) {
        for (let d = 0; d < 10; d++) agrees(`${'US0378331005'.slice(0, at)}${c}${'US037833100'.slice(at + 1)}${d}`);
      }
    }
  });

  it('agrees on check bytes next to 0–9', () => {
    for (const c of '/:@A') agrees(`US037833100${c}`);
    for (let d = 0; d < 10; d++) agrees(`US037833100${d}`);
  });
});
