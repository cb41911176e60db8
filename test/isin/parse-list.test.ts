import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTickworkError } from '../../src/errors.js';
import { parseIsinList } from '../../src/isin/parse-list.js';
import { bse, euronext, gleif, nse, plainText, six, xetra } from './fixtures.js';

const sorted = (a: readonly string[]) => [...a].sort();
const chunked = (bytes: Uint8Array, sizes: number[]) => {
  const out: Uint8Array[] = [];
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length]!;
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
};

describe('parseIsinList on exchange-shaped files', () => {
  // The fixtures are made inside the test, not while the file is collected: code run at collection is
  // covered by no test in particular, so mutation testing would count its mutants as static (judged by every
  // test of the module, at many times the cost).
  it.each([
    ['gleif', () => gleif(), {}],
    ['nse', nse, {}],
    ['bse', bse, {}],
    ['xetra', xetra, {}],
    ['euronext', euronext, {}],
    ['six', six, { encoding: 'latin1' as const }],
    ['text', plainText, { mode: 'lenient' as const }],
  ] as const)('reads %s', async (_, make, options) => {
    const fixture = make();
    const list = await parseIsinList(fixture.bytes, options);
    expect([...list.set]).toEqual(sorted(fixture.isins));
    expect(list.issues.map(({ line, code }) => ({ line, code }))).toEqual(fixture.invalid);
    expect(list.invalid).toBe(fixture.invalid.length);
    expect(list.complete).toBe(true);
  });

  it('finds the header, delimiter and column it should', async () => {
    const x = await parseIsinList(xetra().bytes);
    expect(x).toMatchObject({ format: 'csv', delimiter: ';', headerLine: 3, column: { index: 3, name: 'ISIN' } });
    expect(x.skipped).toBe(3);
    const n = await parseIsinList(nse().bytes);
    expect(n).toMatchObject({ delimiter: ',', headerLine: 1, column: { index: 6, name: 'ISIN NUMBER' } });
    const e = await parseIsinList(euronext().bytes);
    expect(e).toMatchObject({ delimiter: ';', headerLine: 1, column: { index: 3, name: 'ISIN' } });
    // The three junk lines after the header have no ISIN field: ragged rows, not invalid ones.
    expect(e.ragged).toBe(3);
    expect(e.notices.map((n) => n.line)).toEqual([2, 3, 4]);
    const b = await parseIsinList(bse().bytes);
    expect(b.ragged).toBe(1);
    const t = await parseIsinList(plainText().bytes, { mode: 'lenient' });
    expect(t.format).toBe('text');
    expect(t.noticesByCode.NORMALIZED).toBe(1);
    expect(t.notices[0]).toMatchObject({ line: 4, code: 'NORMALIZED' });
  });

  it('keeps strict mode strict on padded or lower-case values', async () => {
    const t = await parseIsinList(plainText().bytes);
    expect(t.issues.map((i) => [i.line, i.code])).toEqual([
      [4, 'LENGTH'],
      [8, 'LENGTH'],
    ]);
  });

  it('reports every invalid code by line, with counts and the expected digit', async () => {
    const rows = [
      'US0378331004',
      'US037833100O',
      'gb0002634946',
      'AU0000xvgzA3',
      '3133EHHF3',
      'US0378331005',
      'US0378331005',
    ];
    const list = await parseIsinList(`id,isin\n${rows.map((r, i) => `${i},${r}`).join('\n')}\n`, { maxIssues: 3 });
    expect(list.invalid).toBe(5);
    expect(list.invalidByCode).toEqual({
      CHECK_MISMATCH: 1,
      CHECK_NOT_DIGIT: 1,
      PREFIX_NOT_ALPHA: 1,
      NSIN_CHARSET: 1,
      LENGTH: 1,
    });
    expect(list.issues).toEqual([
      { line: 2, code: 'CHECK_MISMATCH', value: 'US0378331004', expected: 5 },
      { line: 3, code: 'CHECK_NOT_DIGIT', value: 'US037833100O' },
      { line: 4, code: 'PREFIX_NOT_ALPHA', value: 'gb0002634946' },
    ]);
    expect(list.duplicates).toBe(1);
    expect(list.duplicateSample).toEqual(['US0378331005']);
    expect(list.set.size).toBe(1);
  });

  it('reads RFC 4180 quotes with line breaks in fields, keeping physical line numbers', async () => {
    const csv = 'name,isin\r\n"multi\r\nline, name",US0378331005\r\n"say ""hi""","US0378331004"\r\nplain,DE0007164600';
    const list = await parseIsinList(csv);
    expect([...list.set]).toEqual(['DE0007164600', 'US0378331005']);
    expect(list.issues).toEqual([{ line: 4, code: 'CHECK_MISMATCH', value: 'US0378331004', expected: 5 }]);
    expect(list.lines).toBe(5);
    const cut = await parseIsinList('name,isin\n"unterminated,US0378331005\n');
    expect(cut.complete).toBe(false);
  });

  it('takes a column by index, by name list, and a header line number', async () => {
    const csv = 'a|b|c\nx|y|US0378331005\nx|y|DE0007164600\n';
    expect((await parseIsinList(csv, { column: 2 })).set.size).toBe(2);
    expect((await parseIsinList(csv, { column: ['C'], delimiter: '|' })).set.size).toBe(2);
    expect((await parseIsinList(csv, { header: 1, column: 2 })).skipped).toBe(1);
    await expect(parseIsinList(csv, { column: 'isin code' })).rejects.toSatisfy((e) =>
      isTickworkError(e, 'VALIDATION'),
    );
    // A headerless CSV: the column is found by its values.
    const bare = await parseIsinList('1;US0378331005\n2;DE0007164600\n');
    expect(bare).toMatchObject({ format: 'csv', delimiter: ';', column: { index: 1 } });
    expect(bare.set.size).toBe(2);
  });

  it('skips footer lines by pattern and lines after the header', async () => {
    const text = 'Symbol|ISIN\nA|US0378331005\nFile Creation Time: 0810202622:01||\n';
    const list = await parseIsinList(text, { skipLinePattern: /^File Creation Time/ });
    expect(list).toMatchObject({ invalid: 0, empty: 0, skipped: 2 });
    const after = await parseIsinList('ISIN\ntitle\nUS0378331005\n', { skipLinesAfterHeader: 1 });
    expect(after).toMatchObject({ invalid: 0, rows: 1 });
  });

  it('reads web streams, async iterables and strings alike', async () => {
    const f = gleif(200, 4);
    const expected = [...(await parseIsinList(f.bytes)).set];
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (const chunk of chunked(f.bytes, [100, 7])) c.enqueue(chunk);
        c.close();
      },
    });
    expect([...(await parseIsinList(stream)).set]).toEqual(expected);
    async function* gen() {
      yield* chunked(f.bytes, [33]);
    }
    expect([...(await parseIsinList(gen())).set]).toEqual(expected);
    expect([...(await parseIsinList(new TextDecoder().decode(f.bytes))).set]).toEqual(expected);
  });

  it('gives the same result however the input is split', async () => {
    const fixtures = [gleif(300, 9), nse(), bse(), xetra(), euronext(), plainText()];
    const options = { mode: 'lenient' as const };
    const whole = await Promise.all(fixtures.map((f) => parseIsinList(f.bytes, options)));
    const strip = ({ set, ...rest }: Awaited<ReturnType<typeof parseIsinList>>) => ({ isins: [...set], ...rest });
    await fc.assert(
      fc.asyncProperty(
        fc.nat(fixtures.length - 1),
        fc.array(fc.integer({ min: 1, max: 70 }), { minLength: 1, maxLength: 8 }),
        async (which, sizes) => {
          const f = fixtures[which]!;
          const parts = await parseIsinList(chunked(f.bytes, sizes), options);
          expect(strip(parts)).toEqual(strip(whole[which]!));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('takes each chunk before asking for the next, so a reader may reuse one buffer', async () => {
    // A file reader that refills one buffer (no garbage per read, the lowest peak RSS): the bytes a chunk
    // held are gone once the next is read, so the parser must have copied what it keeps.
    const fixtures = [gleif(3000, 9), nse(), xetra(), euronext(), plainText()];
    const options = { mode: 'lenient' as const };
    const strip = ({ set, ...rest }: Awaited<ReturnType<typeof parseIsinList>>) => ({ isins: [...set], ...rest });
    for (const size of [7, 100, 4096, 70_000]) {
      for (const f of fixtures) {
        async function* reused() {
          const buffer = new Uint8Array(size);
          for (let at = 0; at < f.bytes.length; at += size) {
            const part = f.bytes.subarray(at, at + size);
            buffer.set(part);
            yield buffer.subarray(0, part.length);
            buffer.fill(0x2c);
          }
        }
        expect(strip(await parseIsinList(reused(), options))).toEqual(strip(await parseIsinList(f.bytes, options)));
      }
    }
  });

  it('checks options up front and honours abort', async () => {
    await expect(parseIsinList('x', { delimiter: ':' as never })).rejects.toSatisfy((e) =>
      isTickworkError(e, 'INVALID_OPTION'),
    );
    const controller = new AbortController();
    controller.abort();
    await expect(parseIsinList('ISIN\nUS0378331005\n', { signal: controller.signal })).rejects.toSatisfy((e) =>
      isTickworkError(e, 'ABORTED'),
    );
  });

  it('handles empty input and a header-only file', async () => {
    expect((await parseIsinList('')).set.size).toBe(0);
    expect(await parseIsinList('LEI,ISIN\n')).toMatchObject({ rows: 0, invalid: 0, format: 'csv' });
  });
});
