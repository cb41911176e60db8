/**
 * The parser's one-pass path for plain lines (src/isin/plain-rows.ts) against its general line path and
 * against a string reference, on generated lists that mix plain rows with every kind of line the fast path
 * must hand back: CRLF, trailing fields, blank, ragged, invalid, lower-case, unknown-prefix and over-long
 * fields, a CR inside a field, and a last line without a line break; first fields of any length and bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParseIsinListOptions } from '../../src/isin/parse-list.js';
import { parseIsinList } from '../../src/isin/parse-list.js';
import { isinCheckDigit, validateIsin } from '../../src/isin/validate.js';
import { prng, randomIsin, randomLei } from './generate.js';

/** Line kinds; the first is plain, the rest leave the fast path. */
const KINDS = [
  (lei: string, isin: string) => `${lei},${isin}\n`,
  (lei: string, isin: string) => `${lei},${isin}\r\n`,
  (lei: string, isin: string) => `${lei},${isin},extra\n`,
  () => '\n',
  () => '\r\n',
  (lei: string) => `${lei}\n`,
  (lei: string, isin: string) => `${lei},${isin.slice(0, 11)}${(Number(isin[11]) + 1) % 10}\n`,
  (lei: string, isin: string) => `${lei},${isin.toLowerCase()}\n`,
  (lei: string, isin: string) => `${lei},ZZ${isin.slice(2, 11)}${isinCheckDigit(`ZZ${isin.slice(2, 11)}`)}\n`,
  (lei: string, isin: string) => `${lei},${isin}0\n`,
  (lei: string, isin: string) => `${lei},${isin}\r,x\n`,
  (lei: string) => `${lei},\n`,
  // First fields of other lengths and bytes, so the ISIN field starts at every offset of a 4-byte word.
  (lei: string, isin: string) => `${lei.slice(0, 3)},${isin}\n`,
  (lei: string, isin: string) => `Ünïcødé ${lei.slice(0, isin.charCodeAt(5) % 7)},${isin}\n`,
  (_lei: string, isin: string) => `,${isin}\r\n`,
];

/** A GLEIF-shaped list: mostly plain rows, `kinds[i]` choosing each line's kind. */
function list(kinds: readonly number[], seed: number, lastBreak: boolean): string {
  const next = prng(seed);
  let text = 'LEI,ISIN\n';
  for (const k of kinds) text += KINDS[k % KINDS.length]!(randomLei(next), randomIsin(next));
  return lastBreak ? text : text.replace(/\r?\n$/, '');
}

/** The string reference: split lines and fields, validate each value with `validateIsin`. */
function reference(text: string) {
  const isins = new Set<string>();
  const issues: { line: number; code: string }[] = [];
  const notices: { line: number; code: string }[] = [];
  let rows = 0;
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (i === 0 || line === '') return;
    const fields = line.split(',');
    if (fields.length < 2) {
      notices.push({ line: i + 1, code: 'RAGGED_ROW' });
      return;
    }
    rows++;
    const value = fields[1]!;
    if (value === '') return;
    const r = validateIsin(value);
    if (!r.ok) issues.push({ line: i + 1, code: r.code });
    else {
      isins.add(r.isin);
      for (const code of r.warnings) notices.push({ line: i + 1, code });
    }
  });
  return { isins: [...isins].sort(), rows, issues, notices };
}

const lineKinds = fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.nat(KINDS.length - 1)), { maxLength: 60 });
const chunked = (bytes: Uint8Array, size: number) => {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
};
const strip = ({ set, ...rest }: Awaited<ReturnType<typeof parseIsinList>>) => ({ isins: [...set], ...rest });
/** A pattern that matches no line: it only sends every line through the general path. */
const generalPath: ParseIsinListOptions = { skipLinePattern: /^\uFFFF/ };

describe('the one-pass path for plain lines', () => {
  it('gives what the general line path gives, however the input is split', async () => {
    await fc.assert(
      fc.asyncProperty(
        lineKinds,
        fc.nat(),
        fc.boolean(),
        fc.integer({ min: 1, max: 80 }),
        async (kinds, seed, lf, size) => {
          const bytes = new TextEncoder().encode(list(kinds, seed, lf));
          const general = strip(await parseIsinList(bytes, generalPath));
          expect(strip(await parseIsinList(chunked(bytes, size)))).toEqual(general);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('agrees with a string reference built on validateIsin', async () => {
    await fc.assert(
      fc.asyncProperty(lineKinds, fc.nat(), fc.boolean(), async (kinds, seed, lf) => {
        const text = list(kinds, seed, lf);
        const parsed = await parseIsinList(text, { format: 'csv', header: 1, column: 'ISIN' });
        const ref = reference(text);
        expect([...parsed.set]).toEqual(ref.isins);
        expect(parsed.rows).toBe(ref.rows);
        expect(parsed.issues.map(({ line, code }) => ({ line, code }))).toEqual(ref.issues);
        expect(parsed.notices.map(({ line, code }) => ({ line, code }))).toEqual(ref.notices);
      }),
      { numRuns: 200 },
    );
  });

  it('reads one ISIN per line (plain text) as the general path does', async () => {
    await fc.assert(
      fc.asyncProperty(lineKinds, fc.nat(), fc.integer({ min: 1, max: 40 }), async (kinds, seed, size) => {
        // The list without its LEI column: one ISIN (or a broken line) per line.
        const text = list(kinds, seed, true)
          .split('\n')
          .map((l) => l.replace(/^[0-9A-Z]{20},?/, ''))
          .join('\n');
        const bytes = new TextEncoder().encode(text);
        const options = { format: 'text' } as const;
        const general = strip(await parseIsinList(bytes, { ...options, ...generalPath }));
        expect(strip(await parseIsinList(chunked(bytes, size), options))).toEqual(general);
      }),
      { numRuns: 150 },
    );
  });
});
