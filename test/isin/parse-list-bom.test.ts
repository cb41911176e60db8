/**
 * A UTF-8 byte order mark is not a line and not part of the first value: invalid rows after it keep their
 * physical line numbers, on every parsing path (plain lines, quoted records, plain text) and however the
 * input is split — including splits inside the three BOM bytes.
 */
import { describe, expect, it } from 'vitest';
import { parseIsinList } from '../../src/isin/parse-list.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

interface BomCase {
  readonly name: string;
  readonly text: string;
  readonly isins: readonly string[];
  readonly issues: readonly { readonly line: number; readonly code: string }[];
}

const cases: readonly BomCase[] = [
  {
    name: 'CSV with a header, CRLF',
    text: 'ISIN;Name\r\nUS0378331004;bad digit\r\nDE0007164600;ok\r\nXX12;short\r\nUS0378331005;ok\r\n',
    isins: ['DE0007164600', 'US0378331005'],
    issues: [
      { line: 2, code: 'CHECK_MISMATCH' },
      { line: 4, code: 'LENGTH' },
    ],
  },
  {
    name: 'CSV with quoted fields',
    text: '"ISIN","Name"\n"US0378331004","bad, digit"\n"DE0007164600","ok"\n"US0378331005","ok"\n"gb0002634946","lower"\n',
    isins: ['DE0007164600', 'US0378331005'],
    issues: [
      { line: 2, code: 'CHECK_MISMATCH' },
      { line: 5, code: 'PREFIX_NOT_ALPHA' },
    ],
  },
  {
    name: 'CSV with a preamble before the header',
    text: 'Exported list\n\nName,ISIN\nok,DE0007164600\nbad,US0378331004\n',
    isins: ['DE0007164600'],
    issues: [{ line: 5, code: 'CHECK_MISMATCH' }],
  },
  {
    name: 'plain text, invalid first line',
    text: 'US0378331004\nUS0378331005\n# comment\nDE000716460X\n',
    isins: ['US0378331005'],
    issues: [
      { line: 1, code: 'CHECK_MISMATCH' },
      { line: 4, code: 'CHECK_NOT_DIGIT' },
    ],
  },
  {
    // The mark must go before the comment test, or the first line is read as a value.
    name: 'plain text opening with a comment',
    text: '# ISIN list\nUS0378331004\nUS0378331005\n',
    isins: ['US0378331005'],
    issues: [{ line: 2, code: 'CHECK_MISMATCH' }],
  },
];

/** The bytes in parts cut at `cuts` (offsets), as an async iterable. */
async function* cutAt(bytes: Buffer, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  let from = 0;
  for (const cut of cuts) {
    yield bytes.subarray(from, cut);
    from = cut;
  }
  yield bytes.subarray(from);
}

describe('parseIsinList after a byte order mark', () => {
  it.each(cases)('$name: line numbers count from the first line, not the BOM', async (c) => {
    const withBom = Buffer.concat([BOM, Buffer.from(c.text)]);
    for (const cuts of [[], [1], [2], [3], [4], [1, 2, 3], [withBom.indexOf(0x0a) + 1]]) {
      const list = await parseIsinList(cutAt(withBom, cuts));
      const label = `cut at ${cuts.join(', ') || 'nothing'}`;
      expect([...list.set], label).toEqual(c.isins);
      expect(
        list.issues.map(({ line, code }) => ({ line, code })),
        label,
      ).toEqual(c.issues);
      expect(list.invalid, label).toBe(c.issues.length);
    }
    // And the same as without the mark, but for the three bytes it takes.
    const { set: a, bytes: aBytes, ...plain } = await parseIsinList(Buffer.from(c.text));
    const { set: b, bytes: bBytes, ...marked } = await parseIsinList(withBom);
    expect({ ...marked, isins: [...b], bytes: bBytes - 3 }).toEqual({ ...plain, isins: [...a], bytes: aBytes });
  });

  it('reads an input that is only the start of a mark as data, split or not', async () => {
    const partial = Buffer.from([0xef, 0xbb]);
    const whole = await parseIsinList(partial);
    const split = await parseIsinList(cutAt(partial, [1]));
    expect({ ...split, set: [...split.set] }).toEqual({ ...whole, set: [...whole.set] });
    expect(whole.bytes).toBe(2);
  });

  it('reads a BOM in a string input the same way', async () => {
    const c = cases[0]!;
    const list = await parseIsinList(`\uFEFF${c.text}`);
    expect(list.issues.map(({ line, code }) => ({ line, code }))).toEqual(c.issues);
  });
});
