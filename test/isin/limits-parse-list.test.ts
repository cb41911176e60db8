/**
 * `parseIsinList` at its limits: every option at, just below and just above its bound with the exact
 * refusal; the issue and sample caps at 0, 1 and their defaults; the 64 KiB sniff window and the 100 lines it
 * reads; line numbers with LF, CRLF and lone CR, after blank lines, quoted line breaks and skipped lines;
 * every header alias and the sniffer's ties; and chunk boundaries inside a row, a quoted field, a `""`
 * escape and a CRLF. Inputs are built inside each test (see docs/testing.md: no code under test at
 * collection time).
 */
import { describe, expect, it } from 'vitest';
import { isTickworkError } from '../../src/errors.js';
import {
  type IsinListInput,
  type ParseIsinListOptions,
  parseIsinList,
  resolveParseOptions,
} from '../../src/isin/parse-list.js';
import { RowParser } from '../../src/isin/row-parser.js';
import { distinctIsins } from './generate.js';

/** A valid ISIN and the same with a wrong check digit. */
const GOOD = 'US0378331005';
const GOOD2 = 'DE0007164600';
const BAD = 'US0378331004';

/** The error the promise rejects with (fails the test when it resolves). */
async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string; details?: unknown }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string; details?: unknown };
  }
  return expect.unreachable('expected a rejection');
}

/** The bytes of `text` cut at `cuts` (offsets), as an async iterable. */
async function* cutAt(text: string | Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  let from = 0;
  for (const cut of cuts) {
    yield bytes.subarray(from, cut);
    from = cut;
  }
  yield bytes.subarray(from);
}

/** Everything a parse reports, with the set as an array, for whole-result comparisons. */
async function parsed(input: IsinListInput, options: ParseIsinListOptions = {}) {
  const { set, ...rest } = await parseIsinList(input, options);
  return { ...rest, isins: [...set] };
}

/** The result without the byte count (which a split cannot change) for comparing splits. */
async function splitInvariant(input: IsinListInput, options: ParseIsinListOptions = {}) {
  const { bytes: _, ...rest } = await parsed(input, options);
  return rest;
}

describe('parseIsinList options at their bounds', () => {
  it('refuses each option just outside its range, word for word, and takes the value at the bound', async () => {
    const refusals: [ParseIsinListOptions, string, string][] = [
      [{ format: 'xml' as never }, 'format', `Expected \`format\` to be one of 'auto', 'csv', 'text', got "xml"`],
      [
        { delimiter: ':' as never },
        'delimiter',
        `Expected \`delimiter\` to be one of 'auto', ',', ';', '|', '\t', got ":"`,
      ],
      [
        { encoding: 'utf-16' as never },
        'encoding',
        `Expected \`encoding\` to be one of 'utf-8', 'latin1', got "utf-16"`,
      ],
      [{ mode: 'loose' as never }, 'mode', `Expected \`mode\` to be one of 'strict', 'lenient', got "loose"`],
      [
        { prefixes: 'ignore' as never },
        'prefixes',
        `Expected \`prefixes\` to be one of 'warn', 'reject', got "ignore"`,
      ],
      [{ header: 0 }, 'header', 'Expected `header` to be a positive integer, got 0'],
      [{ header: 1.5 }, 'header', 'Expected `header` to be a positive integer, got 1.5'],
      [{ header: 'first' as never }, 'header', `Expected \`header\` to be one of 'auto', got "first"`],
      [{ header: true as never }, 'header', `Expected \`header\` to be one of 'auto', got true`],
      [{ header: '' as never }, 'header', `Expected \`header\` to be one of 'auto', got ""`],
      [{ column: -1 }, 'column', 'Expected `column` to be an integer ≥ 0, got -1'],
      [{ column: '' }, 'column', 'Expected `column` to be a header name, names, an index or "auto"'],
      [{ column: [] }, 'column', 'Expected `column` to be a header name, names, an index or "auto"'],
      [{ column: {} as never }, 'column', 'Expected `column` to be a header name, names, an index or "auto"'],
      [
        { skipLinesAfterHeader: -1 },
        'skipLinesAfterHeader',
        'Expected `skipLinesAfterHeader` to be an integer ≥ 0, got -1',
      ],
      [{ maxIssues: -1 }, 'maxIssues', 'Expected `maxIssues` to be an integer ≥ 0, got -1'],
      [{ maxDuplicateSample: -1 }, 'maxDuplicateSample', 'Expected `maxDuplicateSample` to be an integer ≥ 0, got -1'],
    ];
    for (const [options, option, message] of refusals) {
      const e = await rejection(parseIsinList(`ISIN\n${GOOD}\n`, options));
      expect(isTickworkError(e, 'INVALID_OPTION'), option).toBe(true);
      expect({ message: e.message, details: e.details }, option).toEqual({ message, details: { option } });
    }
    const accepted: ParseIsinListOptions[] = [
      { header: 1 },
      { header: false },
      { header: 'auto' },
      { column: 0 },
      { column: 'ISIN' },
      { column: ['ISIN'] },
      { column: 'auto' },
      { skipLinesAfterHeader: 0 },
      { maxIssues: 0 },
      { maxDuplicateSample: 0 },
      { format: 'csv', delimiter: '\t', encoding: 'latin1', mode: 'lenient', prefixes: 'reject' },
    ];
    for (const options of accepted) {
      const list = await parseIsinList(`ISIN\n${GOOD}\n`, options);
      expect(list.set.size, JSON.stringify(options)).toBe(1);
    }
  });
});

describe('parseIsinList caps on issues, notices and the duplicate sample', () => {
  it('keeps maxIssues invalid rows and as many notices, at 0, 1 and the default 1000, and counts them all', async () => {
    // Three invalid rows and three ragged rows (notices) after a header.
    const text = `a,ISIN\nx,${BAD}\nshort\nx,AB\nshort\nx,C\nshort\n`;
    for (const [maxIssues, kept] of [
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 3],
    ] as const) {
      const list = await parseIsinList(text, { maxIssues });
      expect(list.invalid, `maxIssues ${maxIssues}`).toBe(3);
      expect(list.issues.length, `maxIssues ${maxIssues}`).toBe(kept);
      expect(list.noticesByCode, `maxIssues ${maxIssues}`).toEqual({ RAGGED_ROW: 3 });
      expect(list.notices.length, `maxIssues ${maxIssues}`).toBe(kept);
    }
    const bad = Array.from({ length: 1001 }, (_, i) => `${i},X${i}`);
    const many = await parseIsinList(`n,ISIN\n${bad.join('\n')}\n`);
    expect(many.invalid).toBe(1001);
    expect(many.issues.length).toBe(1000);
    expect(many.issues.at(-1)).toStrictEqual({ line: 1001, code: 'LENGTH', value: 'X999' });
  });

  it('keeps maxDuplicateSample repeats, at 0, 1 and the default 100', async () => {
    const isins = distinctIsins(101, 3);
    const twice = [...isins, ...isins].join('\n');
    expect((await parseIsinList(`${twice}\n`)).duplicateSample.length).toBe(100);
    expect((await parseIsinList(`${twice}\n`, { maxDuplicateSample: 1 })).duplicateSample.length).toBe(1);
    const none = await parseIsinList(`${twice}\n`, { maxDuplicateSample: 0 });
    expect(none.duplicateSample).toEqual([]);
    expect(none.duplicates).toBe(101);
  });

  it('reports a value cut to 64 characters, in an issue and in a notice', async () => {
    const long = 'X'.repeat(65);
    const list = await parseIsinList(`a,ISIN\nx,${long}\n${long}\n`);
    expect(list.issues).toStrictEqual([{ line: 2, code: 'LENGTH', value: 'X'.repeat(64) }]);
    expect(list.notices).toEqual([{ line: 3, code: 'RAGGED_ROW', value: 'X'.repeat(64) }]);
  });
});

describe('parseIsinList results, field by field', () => {
  it('reports the shape of a CSV with and without a header and of plain text', async () => {
    const withHeader = await parsed(`Name;ISIN\nApple;${GOOD}\n`);
    expect(withHeader).toEqual({
      format: 'csv',
      delimiter: ';',
      headerLine: 1,
      column: { index: 1, name: 'ISIN' },
      bytes: 29,
      lines: 2,
      rows: 1,
      valid: 1,
      invalid: 0,
      empty: 0,
      ragged: 0,
      skipped: 1,
      duplicates: 0,
      duplicateSample: [],
      invalidByCode: {},
      issues: [],
      noticesByCode: {},
      notices: [],
      complete: true,
      isins: [GOOD],
    });
    // No header: neither headerLine nor a column name.
    const bare = await parsed(`1;${GOOD}\n2;${GOOD2}\n`);
    expect(bare).toMatchObject({ format: 'csv', delimiter: ';', column: { index: 1 } });
    expect(bare).not.toHaveProperty('headerLine');
    expect(Object.keys(bare.column!)).toEqual(['index']);
    const text = await parsed(`${GOOD}\n`);
    expect(text.format).toBe('text');
    for (const key of ['delimiter', 'headerLine', 'column']) expect(text).not.toHaveProperty(key);
  });

  it('reports progress after every chunk: bytes so far and data rows so far', async () => {
    const seen: { bytes: number; rows: number }[] = [];
    const once: number[] = [];
    await parseIsinList(`ISIN\n${GOOD}\n`, { onProgress: (p) => once.push(p.bytes) });
    // A string is one chunk.
    expect(once).toEqual([18]);
    const text = `ISIN\n${GOOD}\n${GOOD2}\n`;
    // The shape is only known at the end of input shorter than 64 KiB: no rows before.
    await parseIsinList(cutAt(text, [5, 18]), { onProgress: (p) => seen.push(p) });
    expect(seen).toEqual([
      { bytes: 5, rows: 0 },
      { bytes: 18, rows: 0 },
      { bytes: 31, rows: 0 },
    ]);
  });

  it('sniffs at exactly 64 KiB: rows are counted from the chunk that completes it, not one byte earlier', async () => {
    // 65,536 bytes: a header line and rows of 13 bytes, the last row cut short by the window's end.
    const header = 'ISIN\n';
    const isins = distinctIsins(5100, 11);
    const body = Buffer.from(header + isins.map((i) => `${i}\n`).join(''));
    for (const [first, rowsAfterFirst] of [
      [65_535, 0],
      [65_536, 5040],
    ] as const) {
      const seen: number[] = [];
      const list = await parseIsinList(cutAt(body, [first]), { onProgress: (p) => seen.push(p.rows) });
      expect(seen[0], `first chunk ${first} bytes`).toBe(rowsAfterFirst);
      expect(list.set.size).toBe(5100);
      expect(list.rows).toBe(5100);
    }
  });

  it('aborts between chunks and after the last one with ABORTED and its message', async () => {
    const controller = new AbortController();
    async function* chunks() {
      yield Buffer.from(`ISIN\n${GOOD}\n`);
      controller.abort();
      yield Buffer.from(`${GOOD2}\n`);
    }
    const e = await rejection(parseIsinList(chunks(), { signal: controller.signal }));
    expect(isTickworkError(e, 'ABORTED')).toBe(true);
    expect(e.message).toBe('Parsing the list was aborted');
    const late = new AbortController();
    async function* last() {
      yield Buffer.from(`ISIN\n${GOOD}\n`);
      late.abort();
    }
    const after = await rejection(parseIsinList(last(), { signal: late.signal }));
    expect(isTickworkError(after, 'ABORTED')).toBe(true);
    expect(after.message).toBe('Parsing the list was aborted');
  });

  it('reads string chunks from streams and iterables, and releases a stream it has read', async () => {
    const text = `ISIN\n${GOOD}\n${GOOD2}\n`;
    const stream = new ReadableStream<string>({
      start(c) {
        c.enqueue(text.slice(0, 7));
        c.enqueue(text.slice(7));
        c.close();
      },
    });
    expect((await parsed(stream)).isins).toEqual([GOOD2, GOOD]);
    expect(stream.locked).toBe(false);
    expect((await parsed([text.slice(0, 3), Buffer.from(text.slice(3))])).isins).toEqual([GOOD2, GOOD]);
    // An object with only `getReader` (a stream from another implementation) is read through its reader.
    const readerOnly = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(Buffer.from(text));
        c.close();
      },
    });
    expect((await parsed({ getReader: () => readerOnly.getReader() } as never)).isins).toEqual([GOOD2, GOOD]);
    expect(readerOnly.locked).toBe(false);
    // A byte array is one chunk, not an iterable of numbers.
    expect((await parsed(new Uint8Array(Buffer.from(text)))).isins).toEqual([GOOD2, GOOD]);
  });
});

describe('parseIsinList line numbers and line ends', () => {
  it('counts LF, CRLF and lone CR alike on the plain path and the quoted path', async () => {
    for (const eol of ['\n', '\r\n']) {
      for (const q of ['', '"']) {
        const row = (a: string, isin: string) => `${q}${a}${q},${q}${isin}${q}`;
        const text = [row('n', 'ISIN'), row('a', GOOD), '', row('b', BAD), row('c', GOOD2), ''].join(eol);
        const list = await parseIsinList(text);
        const label = `${JSON.stringify(eol)} ${q ? 'quoted' : 'plain'}`;
        expect(list.issues, label).toEqual([{ line: 4, code: 'CHECK_MISMATCH', value: BAD, expected: 5 }]);
        expect({ lines: list.lines, rows: list.rows, skipped: list.skipped }, label).toEqual({
          lines: 5,
          rows: 3,
          skipped: 2,
        });
        expect([...list.set], label).toEqual([GOOD2, GOOD]);
      }
    }
    // A lone CR is no line end: it stays in the field, which is then too long.
    const cr = await parseIsinList(`n,ISIN\ra,${GOOD}\r`);
    expect(cr.lines).toBe(1);
  });

  it('reads a last line without a line end, plain and quoted, with and without CR', async () => {
    for (const last of [`c,${GOOD2}`, `c,${GOOD2}\r`, `"c","${GOOD2}"`, `"c","${GOOD2}"\r`, `"c",${GOOD2}\r`]) {
      const list = await parseIsinList(`n,ISIN\na,${GOOD}\n${last}`);
      expect({ isins: [...list.set], lines: list.lines, invalid: list.invalid }, last).toEqual({
        isins: [GOOD2, GOOD],
        lines: 3,
        invalid: 0,
      });
    }
    // A quoted last record with the ISIN in its last, unquoted field.
    const tail = await parseIsinList(`"n",ISIN\n"a",${GOOD}\n"c",${GOOD2}`);
    expect([...tail.set]).toEqual([GOOD2, GOOD]);
  });

  it('counts the physical lines of a quoted field with line breaks, LF and CRLF', async () => {
    for (const eol of ['\n', '\r\n']) {
      const text = `name,isin${eol}"two${eol}lines",${BAD}${eol}"three${eol}${eol}lines",${GOOD}${eol}x,${BAD}${eol}`;
      const list = await parseIsinList(text);
      expect(
        list.issues.map((i) => i.line),
        JSON.stringify(eol),
      ).toEqual([2, 7]);
      expect(list.lines, JSON.stringify(eol)).toBe(7);
    }
  });

  it('skips blank lines, lone-CR lines and lines after the header, and counts them', async () => {
    const plain = await parseIsinList(`ISIN;n\n\r\n\n${GOOD};a\n`);
    expect(plain).toMatchObject({ lines: 4, rows: 1, skipped: 3, empty: 0 });
    const quoted = await parseIsinList(`"ISIN";n\n\r\n\n"${GOOD}";a\n`);
    expect(quoted).toMatchObject({ lines: 4, rows: 1, skipped: 3, empty: 0 });
    for (const q of ['', '"']) {
      const text = `pre\nISIN\n${q}title${q}\n${q}${BAD}${q}\n${q}${GOOD}${q}\n`;
      for (const [skip, firstIssue] of [
        [0, 3],
        [1, 4],
        [2, undefined],
      ] as const) {
        const list = await parseIsinList(text, { format: 'csv', skipLinesAfterHeader: skip });
        expect(list.issues[0]?.line, `${q} skip ${skip}`).toBe(firstIssue);
        expect(list.skipped, `${q} skip ${skip}`).toBe(2 + skip);
      }
    }
  });

  it('ignores skipLinesAfterHeader without a header', async () => {
    const list = await parseIsinList(`1;${BAD}\n2;${GOOD}\n`, { header: false, skipLinesAfterHeader: 1 });
    expect(list.issues.map((i) => i.line)).toEqual([1]);
    expect(list.skipped).toBe(0);
  });

  it('tests skipLinePattern on every line, a global pattern too, on both paths and in text', async () => {
    for (const q of ['', '"']) {
      const text = `ISIN,n\n${q}${GOOD}${q},a\nEND,1\nEND,2\n${q}${GOOD2}${q},b\n`;
      const list = await parseIsinList(text, { skipLinePattern: /^END/g });
      expect({ skipped: list.skipped, rows: list.rows, invalid: list.invalid }, q).toEqual({
        skipped: 3,
        rows: 2,
        invalid: 0,
      });
    }
    const text = await parseIsinList(`${GOOD}\n-- end\n`, { format: 'text', skipLinePattern: /^--/ });
    expect(text).toMatchObject({ skipped: 1, rows: 1, invalid: 0 });
  });
});

describe('parseIsinList quoted fields', () => {
  it('unquotes a field only when it opens with a quote, and reads "" as one quote', async () => {
    const list = await parseIsinList(
      `n,ISIN\n"a""b",${BAD}\nx"y,"${GOOD}"\n"",""\n"q","US0378""331005"\n"z","${GOOD2}"\n`,
      { maxIssues: 10 },
    );
    expect(list.issues).toEqual([
      { line: 2, code: 'CHECK_MISMATCH', value: BAD, expected: 5 },
      { line: 5, code: 'LENGTH', value: 'US0378"331005' },
    ]);
    expect([...list.set]).toEqual([GOOD2, GOOD]);
    expect(list.empty).toBe(1);
  });

  it('counts an empty quoted value as empty, and one of spaces as empty only in lenient mode', async () => {
    const text = `n,ISIN\n"a",""\n"b","  "\n"c",${GOOD}\n`;
    expect(await parseIsinList(text)).toMatchObject({ empty: 1, invalid: 1, rows: 3 });
    expect(await parseIsinList(text, { mode: 'lenient' })).toMatchObject({ empty: 2, invalid: 0, rows: 3 });
    // The same unquoted: spaces and tabs are blank, other characters are not.
    const plain = `n,ISIN\na,\nb, \t \nc,${GOOD}\nd, x \n`;
    expect(await parseIsinList(plain)).toMatchObject({ empty: 1, invalid: 2, rows: 4 });
    expect(await parseIsinList(plain, { mode: 'lenient' })).toMatchObject({ empty: 2, invalid: 1, rows: 4 });
  });

  it('counts a field of the spaces lenient mode trims as empty, and of other spaces as invalid, quoted or not', async () => {
    // Lenient mode trims space, tab, VT, FF and NBSP (validateIsin); an em space is no such space.
    for (const q of ['', '"']) {
      const rows = [' \t ', '\u000b', '\u00a0', '\u000c ', '\u2003'].map((v, i) => `${q}r${i}${q},${q}${v}${q}`);
      const text = `n,ISIN\n${rows.join('\n')}\n${q}ok${q},${q}${GOOD}${q}\n`;
      const lenient = await parseIsinList(text, { mode: 'lenient' });
      expect({ empty: lenient.empty, invalid: lenient.invalid, rows: lenient.rows }, `${q} lenient`).toEqual({
        empty: 4,
        invalid: 1,
        rows: 6,
      });
      expect(lenient.issues, `${q} lenient`).toStrictEqual([{ line: 6, code: 'LENGTH', value: '\u2003' }]);
      const strict = await parseIsinList(text);
      expect({ empty: strict.empty, invalid: strict.invalid }, `${q} strict`).toEqual({ empty: 0, invalid: 5 });
    }
  });

  it('reports a quoted record too short for the column as a ragged row with its text', async () => {
    const list = await parseIsinList(`"n","x","ISIN"\n"a","b"\n"c","d","${GOOD}"\n"e"\r\n`);
    expect(list.notices).toEqual([
      { line: 2, code: 'RAGGED_ROW', value: '"a","b"' },
      { line: 4, code: 'RAGGED_ROW', value: '"e"' },
    ]);
    expect(list).toMatchObject({ ragged: 2, rows: 1, valid: 1 });
  });

  it('marks a list cut inside a quoted field incomplete, and only then', async () => {
    expect((await parseIsinList(`n,ISIN\n"a,${GOOD}\n`)).complete).toBe(false);
    expect((await parseIsinList(`n,ISIN\n"a",${GOOD}\n"b`)).complete).toBe(false);
    expect((await parseIsinList(`n,ISIN\n"a",${GOOD}\n"b"`)).complete).toBe(true);
    expect((await parseIsinList(`n,ISIN\n"a",${GOOD}\n`)).complete).toBe(true);
  });

  it('ends a record at LF only: a CR inside quotes stays, a CR before LF goes', async () => {
    const list = await parseIsinList(`"n","ISIN"\r\n"a\rb","${GOOD}"\r\n"c","${GOOD2}\r"\r\n`);
    expect(list.lines).toBe(3);
    expect(list.issues).toEqual([{ line: 3, code: 'LENGTH', value: `${GOOD2}\r` }]);
  });
});

describe('parseIsinList with a chunk boundary anywhere', () => {
  it('gives the same result at every cut of a quoted list: inside a row, a field, a "" escape and a CRLF', async () => {
    const text = `"n","ISIN"\r\n"a ""q""",${GOOD}\r\n"b\r\nc","${BAD}"\r\n,\r\n"d",""\r\n"e"\r\nf,"${GOOD2}"`;
    const whole = await splitInvariant(Buffer.from(text));
    // `,` is a record whose ISIN field is empty; `"e"` has no ISIN field.
    expect(whole).toMatchObject({ lines: 8, rows: 5, valid: 2, invalid: 1, empty: 2, ragged: 1, complete: true });
    for (let cut = 1; cut < text.length; cut++) {
      expect(await splitInvariant(cutAt(text, [cut])), `cut at ${cut}`).toEqual(whole);
    }
  });

  it('gives the same result at every cut of a plain list and of plain text, LF and CRLF', async () => {
    for (const eol of ['\n', '\r\n']) {
      for (const text of [
        ['x;ISIN', `a;${GOOD}`, '', `b;${BAD}`, 'short', `c;${GOOD2};tail`, 'd;', `e;${GOOD}`].join(eol),
        [GOOD, '', `  # note`, BAD, ' \t', GOOD2, GOOD].join(eol),
      ]) {
        const whole = await splitInvariant(Buffer.from(text));
        for (let cut = 1; cut < text.length; cut++) {
          expect(await splitInvariant(cutAt(text, [cut])), `cut at ${cut}`).toEqual(whole);
        }
        for (let cut = 1; cut + 1 < text.length; cut++) {
          expect(await splitInvariant(cutAt(text, [cut, cut + 1])), `cuts at ${cut}, ${cut + 1}`).toEqual(whole);
        }
      }
    }
  });

  it('gives the same result at every cut after the sniff window, where a split row is carried to the next chunk', async () => {
    // 64 KiB of long plain rows end the sniffing with the first chunk; the rows after it are then cut at every
    // byte, alone (a carried row finished by the next chunk) and together with the window (carried from it).
    const isins = distinctIsins(300, 13);
    const prefix = `n,ISIN\n${isins.map((i, n) => `${String(n).padEnd(220, '.')},${i}\n`).join('')}`;
    expect(prefix.length).toBeGreaterThan(65_536);
    const tails = [
      `"a ""q""",${GOOD}\r\n"b\r\nc","${BAD}"\r\n,\r\n"d",""\r\n"e"\r\nf,"${GOOD2}"\r\ng,${GOOD}\r\nh,x"y\r\n`,
      `a,${GOOD}\nb,${BAD}\n\nshort\nc,${GOOD2}\r\nd,\r\ne,${GOOD}`,
      `a,${GOOD}\nb,"${GOOD2}"\nc,${BAD}\n`,
      // A carried row whose quote opens its second field, finished by a chunk without quotes.
      `,"q,x",y\nd,${GOOD2}\n`,
    ];
    for (const tail of tails) {
      const text = prefix + tail;
      const whole = await splitInvariant(Buffer.from(text));
      for (let cut = 1; cut < tail.length; cut++) {
        const at = prefix.length + cut;
        expect(await splitInvariant(cutAt(text, [prefix.length, at])), `cut at ${cut}`).toEqual(whole);
        expect(await splitInvariant(cutAt(text, [at])), `window to ${cut}`).toEqual(whole);
      }
    }
  });

  it('finishes a row split across the sniff window, with quotes in either part or neither', async () => {
    // The window closes inside a row; the rest of the row arrives with the next chunk.
    for (const quoteAt of ['none', 'before', 'after'] as const) {
      const rows: string[] = ['n,ISIN'];
      const isins = distinctIsins(4000, 5);
      for (const [i, isin] of isins.entries()) {
        rows.push(
          quoteAt === 'before' && i === 5
            ? `"q",${isin}`
            : quoteAt === 'after' && i === 3999
              ? `"q",${isin}`
              : `r${i},${isin}`,
        );
      }
      const text = `${rows.join('\n')}\n`;
      const cut = 65_536 + 7;
      expect(text.length).toBeGreaterThan(cut);
      const whole = await splitInvariant(Buffer.from(text));
      expect(whole.valid, quoteAt).toBe(4000);
      expect(await splitInvariant(cutAt(text, [65_536, cut])), quoteAt).toEqual(whole);
      expect(await splitInvariant(cutAt(text, [cut - 20, cut])), quoteAt).toEqual(whole);
    }
  });
});

describe('parseIsinList header sniffing', () => {
  it('knows every header alias, in any case, padded, with inner spaces collapsed, quoted or after a mark', async () => {
    const aliases = [
      'isin',
      'isin number',
      'isinnumber',
      'isin no',
      'isin no.',
      'isin code',
      'isincode',
      'isin_code',
      'isin-code',
      'isin_cd',
      'isin_number',
    ];
    for (const alias of aliases) {
      for (const name of [alias, alias.toUpperCase(), ` ${alias.replace(' ', '   ')}\t`, `"${alias}"`]) {
        const list = await parseIsinList(`id;${name};x\n1;${GOOD};${GOOD2}\n`);
        expect(list.column, name).toEqual({ index: 1, name: name.replaceAll('"', '').trim() });
        expect(list.headerLine, name).toBe(1);
      }
    }
    // Not an alias: the column is then found by its values.
    for (const name of ['isin2', 'the isin', 'isin no..', 'isin_no']) {
      const list = await parseIsinList(`id;${name};x\n1;${GOOD};y\n`);
      expect(list.column, name).toEqual({ index: 1 });
    }
    // A mark inside a name is part of it.
    expect((await parseIsinList(`id;IS\uFEFFIN\n1;${GOOD}\n`)).column).toEqual({ index: 1 });
    // A mark opening a later field is not part of the name either.
    expect((await parseIsinList(`id;\uFEFFISIN\n1;${GOOD}\n`)).column).toEqual({ index: 1, name: 'ISIN' });
    // A second mark after the one the parser removes is not part of the name.
    const marked = await parseIsinList(`\uFEFF\uFEFFISIN;n\n${GOOD};a\n`);
    expect(marked.column).toEqual({ index: 0, name: 'ISIN' });
  });

  it('finds a header on the 100th line and not on the 101st', async () => {
    for (const [preamble, found] of [
      [99, true],
      [100, false],
    ] as const) {
      const lines = Array.from({ length: preamble }, (_, i) => `note ${i}`);
      const text = `${lines.join('\n')}\nid;ISIN\n1;${GOOD}\n2;${GOOD2}\n`;
      const list = await parseIsinList(text);
      expect(list.headerLine, `header on line ${preamble + 1}`).toBe(found ? preamble + 1 : undefined);
    }
  });

  it('does not sniff the unfinished line at the end of the 64 KiB window', async () => {
    // The window ends in the middle of the header line: it is not seen whole, so not taken as the header.
    const pad = 'x'.repeat(1000);
    const lines: string[] = [];
    while ((lines.length + 1) * 1001 < 65_536 - 300) lines.push(pad);
    const before = `${lines.join('\n')}\n`;
    const text = `${before}zz;ISIN;${'y'.repeat(1000)}\n1;${GOOD};y\n`;
    expect(before.length + 8).toBeLessThan(65_536);
    // Nothing in the lines it does see looks like a list of ISINs: plain text.
    expect((await parseIsinList(cutAt(text, [65_536]))).format).toBe('text');
    const whole = await parseIsinList(text);
    expect(whole).toMatchObject({ format: 'csv', headerLine: lines.length + 1, column: { index: 1 } });
  });

  it('takes the first delimiter that splits the header, in the order , ; | tab', async () => {
    // Split at either delimiter, the line has a field named ISIN.
    const list = await parseIsinList(`x;ISIN;y,ISIN,z\n1;${GOOD};y,${GOOD2},z\n`);
    expect(list).toMatchObject({ delimiter: ',', column: { index: 1, name: 'ISIN' } });
    expect([...list.set]).toEqual([GOOD2]);
    const semi = await parseIsinList(`x|ISIN|y;ISIN;z\n1|${GOOD}|y;${GOOD2};z\n`);
    expect(semi).toMatchObject({ delimiter: ';', column: { index: 1 } });
    const pipe = await parseIsinList(`x\tISIN\ty|ISIN|z\n1\t${GOOD}\ty|${GOOD2}|z\n`);
    expect(pipe).toMatchObject({ delimiter: '|', column: { index: 1 } });
    const tab = await parseIsinList(`a\tISIN\nx\t${GOOD}\n`);
    expect(tab).toMatchObject({ delimiter: '\t', column: { index: 1, name: 'ISIN' } });
    const forced = await parseIsinList(`x;ISIN;y,ISIN,z\n1;${GOOD};y,${GOOD2},z\n`, { delimiter: ';' });
    expect(forced).toMatchObject({ delimiter: ';', column: { index: 1, name: 'ISIN' } });
    expect([...forced.set]).toEqual([GOOD]);
  });

  it('takes a column by index with a header line: the header must have that field and a delimiter', async () => {
    // header: 1 and column 1: the line has two fields, enough.
    expect(await parseIsinList(`a,b\n1,${GOOD}\n`, { header: 1, column: 1 })).toMatchObject({
      headerLine: 1,
      column: { index: 1, name: 'b' },
      valid: 1,
    });
    // column 2 is past the header's last field: no header at line 1.
    const past = await parseIsinList(`a,b\n1,x,${GOOD}\n`, { header: 1, column: 2 });
    expect(past.column).toStrictEqual({ index: 2 });
    // Without a header line given, a column index takes no line with enough fields for the header.
    const data = await parseIsinList(`x,${GOOD}\ny,${GOOD2}\n`, { column: 1 });
    expect(data).toMatchObject({ valid: 2, skipped: 0 });
    expect(data).not.toHaveProperty('headerLine');
    // A header line with too few fields for the column does not choose the delimiter: the rows do.
    const few = await parseIsinList(`a;b\n1,x,${GOOD}\n`, { header: 1, column: 2 });
    expect(few).toMatchObject({ delimiter: ',', headerLine: 1, valid: 1 });
    // One field is no CSV header, even for column 0.
    const single = await parseIsinList(`ISIN\n${GOOD}\n`, { header: 1, column: 0 });
    expect(single).toMatchObject({ headerLine: 1, column: { index: 0 } });
    expect(single.column).toEqual({ index: 0 });
    // A header line past the end of the sniffed lines.
    const beyond = await parseIsinList(`a,b\n1,${GOOD}\n`, { header: 5, column: 1 });
    expect(beyond).toMatchObject({ headerLine: 5, column: { index: 1 }, skipped: 2, rows: 0 });
  });

  it('reads quotes in a header line as CSV does: "" inside quotes, a quote inside a field is a character', async () => {
    const escaped = await parseIsinList(`"x""y";b\n${GOOD};z\n`, { column: 'x"y' });
    expect(escaped).toMatchObject({ delimiter: ';', headerLine: 1, column: { index: 0, name: 'x"y' }, valid: 1 });
    const inner = await parseIsinList(`id"x;ISIN\n1;${GOOD}\n`);
    expect(inner).toMatchObject({ delimiter: ';', column: { index: 1, name: 'ISIN' }, valid: 1 });
    const quotedDelimiter = await parseIsinList(`"a;b";"ISIN"\n"1;2";${GOOD}\n`);
    expect(quotedDelimiter).toMatchObject({ delimiter: ';', column: { index: 1, name: 'ISIN' }, valid: 1 });
  });

  it('refuses a named column no header has, naming it', async () => {
    for (const column of ['Code', ['Code', 'Id']] as const) {
      const e = await rejection(parseIsinList(`a,b\n1,${GOOD}\n`, { column }));
      expect(isTickworkError(e, 'VALIDATION')).toBe(true);
      expect({ message: e.message, details: e.details }).toEqual({
        message: `No header names the ISIN column ${JSON.stringify(column)}`,
        details: { column },
      });
    }
    // A name matches trimmed and case-insensitive, any of a list.
    expect(await parseIsinList(`a,Code\n1,${GOOD}\n`, { column: ' code ' })).toMatchObject({ column: { index: 1 } });
    expect(await parseIsinList(`a,Id\n1,${GOOD}\n`, { column: ['Code', 'ID'] })).toMatchObject({
      column: { index: 1, name: 'Id' },
    });
  });
});

describe('parseIsinList without a header: the column with the most ISINs', () => {
  it('prefers plain text on a tie with the best column, the column when it has one more', async () => {
    // Two lines that are ISINs as they stand, and two or three with a delimiter and an ISIN field.
    const tie = await parseIsinList(`${GOOD}\n${GOOD2}\nx,${GOOD}\nx,${GOOD2}\n`);
    expect(tie.format).toBe('text');
    const more = await parseIsinList(`${GOOD}\n${GOOD2}\nx,${GOOD}\nx,${GOOD2}\nx,${GOOD}\n`);
    expect(more).toMatchObject({ format: 'csv', delimiter: ',', column: { index: 1 } });
    // The first line has no field 1: it is taken for a header.
    expect(more.headerLine).toBe(1);
  });

  it('takes the first delimiter and column on a tie between them', async () => {
    const list = await parseIsinList(`${GOOD};x,${GOOD2}\n${GOOD};x,${GOOD2}\n`);
    expect(list).toMatchObject({ format: 'csv', delimiter: ',', column: { index: 1 } });
    const columns = await parseIsinList(`${GOOD},${GOOD2}\nx,y\n`);
    expect(columns).toMatchObject({ format: 'csv', delimiter: ',', column: { index: 0 } });
    // Lines without the delimiter do not count for it.
    expect(await parseIsinList(`${GOOD}\n${GOOD2}\nx;${GOOD}\n`, { format: 'csv' })).toMatchObject({
      delimiter: ';',
      column: { index: 1 },
    });
    // A delimiter only in one line still counts that line.
    const one = await parseIsinList(`a\nb\n${GOOD}|x\n`, { format: 'csv' });
    expect(one).toMatchObject({ delimiter: '|', column: { index: 0 } });
  });

  it('counts ISINs only in the given column when the column is an index', async () => {
    const list = await parseIsinList(`${GOOD};x,${GOOD2}\n${GOOD};x,${GOOD2}\n`, { column: 1 });
    expect(list).toMatchObject({ format: 'csv', delimiter: ',', column: { index: 1 } });
    expect(list.valid).toBe(2);
    // Only column 0 counts with `column: 0`: one ISIN there split at '|' beats three in column 1 split at ','.
    expect(await parseIsinList(`${GOOD}|x,${GOOD2}\ny,${GOOD}\ny,${GOOD2}\n`, { column: 0 })).toMatchObject({
      delimiter: '|',
      column: { index: 0 },
    });
    // A column index means CSV, even when the lines are ISINs as they stand, and that column even when no
    // value in it looks like one.
    expect(await parseIsinList(`${GOOD}\n${GOOD2}\n`, { column: 0 })).toMatchObject({ format: 'csv', valid: 2 });
    expect(await parseIsinList('a,b\nc,d\n', { column: 1 })).toMatchObject({ format: 'csv', column: { index: 1 } });
  });

  it('stays CSV when asked, even with nothing that looks like an ISIN', async () => {
    for (const text of ['', '\n\n']) {
      expect(await parseIsinList(text, { format: 'csv' }), JSON.stringify(text)).toMatchObject({ rows: 0, valid: 0 });
    }
    const list = await parseIsinList('a\nb\n', { format: 'csv' });
    expect(list).toMatchObject({ format: 'csv', delimiter: ',', column: { index: 0 }, headerLine: 1 });
    expect(await parseIsinList('a\nb\n')).toMatchObject({ format: 'text' });
    expect(await parseIsinList(`${GOOD}\n`, { format: 'text', delimiter: ';' })).toMatchObject({ format: 'text' });
  });

  it('takes the first non-blank line as a header when its ISIN field is not an ISIN or is missing', async () => {
    for (const [text, headerLine] of [
      [`\n\nname,code\nx,${GOOD}\ny,${GOOD2}\n`, 3],
      [`\n \nlonely\nx,${GOOD}\ny,${GOOD2}\n`, 3],
      [`\nx,${BAD}\nx,${GOOD}\ny,${GOOD2}\n`, 2],
      [`\nx,${GOOD}\ny,${GOOD2}\n`, undefined],
      [`x,${GOOD.toLowerCase()}\ny,${GOOD2}\nz,${GOOD}\n`, undefined],
    ] as const) {
      expect((await parseIsinList(text)).headerLine, JSON.stringify(text)).toBe(headerLine);
    }
    // A header given by number is kept even when that line holds an ISIN.
    expect(await parseIsinList(`x,${GOOD}\ny,${GOOD2}\n`, { header: 1 })).toMatchObject({ headerLine: 1, valid: 1 });
    // header: false never makes one, not even of a line naming the ISIN column.
    const named = await parseIsinList(`a,ISIN\nx,${GOOD}\n`, { header: false });
    expect(named).toMatchObject({ valid: 1, invalid: 1, column: { index: 1 } });
    expect(named).not.toHaveProperty('headerLine');
    expect(await parseIsinList(`name,code\nx,${GOOD}\ny,${GOOD2}\n`, { header: false })).not.toHaveProperty(
      'headerLine',
    );
  });
});

describe('parseIsinList prefixes, encodings and lenient values', () => {
  it('warns about an unknown prefix or refuses it, on the packed path and the string path', async () => {
    // QQ is no country and no special code.
    const unknown = 'QQ0378331003';
    for (const q of ['', '"']) {
      const text = `n,ISIN\na,${q}${unknown}${q}\nb,${q}${GOOD}${q}\n`;
      const warned = await parseIsinList(text);
      expect(warned.notices, q).toEqual([{ line: 2, code: 'UNKNOWN_PREFIX', value: unknown }]);
      expect(warned.noticesByCode, q).toEqual({ UNKNOWN_PREFIX: 1 });
      expect(warned.set.size, q).toBe(2);
      const refused = await parseIsinList(text, { prefixes: 'reject' });
      expect(refused.issues, q).toEqual([{ line: 2, code: 'UNKNOWN_PREFIX', value: unknown }]);
      expect(refused.invalidByCode, q).toEqual({ UNKNOWN_PREFIX: 1 });
      expect({ valid: refused.valid, size: refused.set.size, notices: refused.notices }, q).toEqual({
        valid: 1,
        size: 1,
        notices: [],
      });
    }
  });

  it('normalises lenient values with a notice, and reads latin1 names and values', async () => {
    const list = await parseIsinList(`n,ISIN\na, ${GOOD.toLowerCase()} \nb,${GOOD2}\n`, { mode: 'lenient' });
    expect(list.notices).toEqual([{ line: 2, code: 'NORMALIZED', value: ` ${GOOD.toLowerCase()} ` }]);
    expect([...list.set]).toEqual([GOOD2, GOOD]);
    const bytes = Uint8Array.from(`Soci\u00e9t\u00e9;ISIN\nx;\u00e9${GOOD.slice(1)}\n`, (c) => c.charCodeAt(0));
    const latin = await parseIsinList(bytes, { encoding: 'latin1' });
    expect(latin.issues).toEqual([{ line: 2, code: 'PREFIX_NOT_ALPHA', value: `\u00e9${GOOD.slice(1)}` }]);
    // A latin1 file starting with the bytes of a UTF-8 mark keeps them.
    const marked = await parseIsinList(Uint8Array.from([0xef, 0xbb, 0xbf, ...Buffer.from(`\n${GOOD}\n`)]), {
      encoding: 'latin1',
    });
    expect(marked).toMatchObject({ lines: 2, invalid: 1, valid: 1 });
  });
});

describe('RowParser.shape', () => {
  it('is unknown until 64 KiB have arrived or the input ends', () => {
    const short = new RowParser(resolveParseOptions());
    short.push(Buffer.from(`ISIN\n${GOOD}\n`));
    expect(short.shape).toBeUndefined();
    short.finish(0);
    expect(short.shape).toEqual({ format: 'csv', delimiter: ',', headerLine: 1, column: 0, columnName: 'ISIN' });
    const long = new RowParser(resolveParseOptions());
    long.push(Buffer.from(`ISIN\n${`${GOOD}\n`.repeat(5041)}`));
    expect(long.shape).toMatchObject({ format: 'csv', headerLine: 1 });
    expect(long.counts.rows).toBe(5041);
  });
});

describe('parseIsinList edge rows', () => {
  it('reads an input that is only the start of a mark as one line of data', async () => {
    for (const bytes of [[0xef], [0xef, 0xbb]]) {
      const list = await parseIsinList(Uint8Array.from(bytes));
      expect(list, String(bytes)).toMatchObject({ format: 'text', lines: 1, rows: 1, invalid: 1 });
    }
  });

  it('reads an input that is exactly a mark as empty, whole or split, and keeps it in latin1', async () => {
    const mark = Buffer.from([0xef, 0xbb, 0xbf]);
    for (const cuts of [[], [1], [2], [1, 2]]) {
      const list = await parseIsinList(cutAt(mark, cuts));
      expect(list, String(cuts)).toMatchObject({ lines: 0, rows: 0, bytes: 3 });
    }
    // Then the list: the mark alone in the first chunk.
    expect(await parseIsinList(cutAt(Buffer.concat([mark, Buffer.from(`${GOOD}\n`)]), [3]))).toMatchObject({
      lines: 1,
      valid: 1,
      invalid: 0,
    });
    expect(await parseIsinList(mark, { encoding: 'latin1' })).toMatchObject({ lines: 1, rows: 1, invalid: 1 });
  });

  it('refuses a value that opens with a mark, on every path and in both modes, as validateIsin does', async () => {
    const marked = `\uFEFF${GOOD}`;
    for (const [name, text, line] of [
      ['plain CSV', `a,ISIN\nx,${marked}\ny,${GOOD2}\n`, 2],
      ['quoted CSV', `a,ISIN\n"x","${marked}"\n"y","${GOOD2}"\n`, 2],
      ['plain text', `${GOOD2}\n${marked}\n`, 2],
      ['plain text, first line after the file mark', `\uFEFF${marked}\n${GOOD2}\n`, 1],
    ] as const) {
      for (const mode of ['strict', 'lenient'] as const) {
        const list = await parseIsinList(text, { mode });
        expect(list.issues, `${name}, ${mode}`).toStrictEqual([{ line, code: 'LENGTH', value: marked }]);
        expect([...list.set], `${name}, ${mode}`).toEqual([GOOD2]);
      }
    }
  });

  it('keeps a mark that starts a later chunk, whole or split over chunks', async () => {
    const text = Buffer.from(`${GOOD}\n\uFEFF${GOOD2}\n`);
    const at = text.indexOf(0xef);
    const whole = await splitInvariant(text);
    expect(whole.issues).toStrictEqual([{ line: 2, code: 'LENGTH', value: `\uFEFF${GOOD2}` }]);
    for (const cuts of [[at], [at, at + 1], [at + 1, at + 2], [at, at + 1, at + 2], [at + 2]]) {
      expect(await splitInvariant(cutAt(text, cuts)), String(cuts)).toEqual(whole);
    }
  });

  it('skips blank and comment lines in plain text, indented by spaces or tabs, and nothing else', async () => {
    const text = `${GOOD}\n\n  \n\t\n \t# note\n#\n\t#x\n x\n${GOOD2}\n-#\n`;
    const list = await parseIsinList(text, { format: 'text' });
    expect({ lines: list.lines, rows: list.rows, skipped: list.skipped, valid: list.valid }).toEqual({
      lines: 10,
      rows: 4,
      skipped: 6,
      valid: 2,
    });
    expect(list.issues).toStrictEqual([
      { line: 8, code: 'LENGTH', value: ' x' },
      { line: 10, code: 'LENGTH', value: '-#' },
    ]);
  });

  it('reads "" inside quotes as a quote, not as the end of the field, before a delimiter or a line break', async () => {
    const list = await parseIsinList(`n,ISIN\n"say "",x"",ok",${GOOD}\n"two ""\nlines""",${GOOD2}\n`);
    expect(list).toMatchObject({ valid: 2, invalid: 0, ragged: 0, lines: 4 });
  });

  it('reads the last line of a list longer than 64 KiB that has no line end', async () => {
    const isins = distinctIsins(4000, 9);
    for (const q of ['', '"']) {
      const text = `n,ISIN\n${isins.map((i, n) => `${q}r${n}${q},${i}`).join('\n')}`;
      expect(text.length).toBeGreaterThan(65_536);
      const list = await parseIsinList(text);
      expect({ valid: list.valid, lines: list.lines, invalid: list.invalid }, q).toEqual({
        valid: 4000,
        lines: 4001,
        invalid: 0,
      });
    }
  });

  it('sniffs the last line of a short list that has no line end', async () => {
    expect(await parseIsinList(`a,b\nx,${GOOD}`)).toMatchObject({ format: 'csv', column: { index: 1 }, valid: 1 });
  });

  it('names the column by index without the CR of a CRLF header', async () => {
    const list = await parseIsinList(`a,b\r\n1,${GOOD}\r\n`, { header: 1, column: 1 });
    expect(list.column).toEqual({ index: 1, name: 'b' });
  });

  it('reads a quote in plain text as a character, whole or split', async () => {
    const text = `"${GOOD}"\n${GOOD2}\n`;
    for (const cuts of [[], [3], [15]]) {
      const list = await parseIsinList(cutAt(text, cuts), { format: 'text' });
      expect(list.issues, String(cuts)).toStrictEqual([{ line: 1, code: 'LENGTH', value: `"${GOOD}"` }]);
      expect([...list.set]).toEqual([GOOD2]);
    }
  });

  it('takes no valid ISIN from the header, the lines after it or a skipped line as data', async () => {
    const after = await parseIsinList(`ISIN\n${GOOD}\n${GOOD2}\n`, { skipLinesAfterHeader: 1 });
    expect([...after.set]).toEqual([GOOD2]);
    expect(after).toMatchObject({ rows: 1, valid: 1, skipped: 2 });
    const two = await parseIsinList(`ISIN\n${GOOD}\n${GOOD2}\n${GOOD}\n`, { skipLinesAfterHeader: 2 });
    expect([...two.set]).toEqual([GOOD]);
    const pattern = await parseIsinList(`${GOOD}\n${GOOD2}\n`, { skipLinePattern: /^US/ });
    expect([...pattern.set]).toEqual([GOOD2]);
    expect(pattern).toMatchObject({ rows: 1, valid: 1, skipped: 1, notices: [] });
  });

  it('ends a plain-text ISIN only at a line end, not at a control byte', async () => {
    const list = await parseIsinList(`${GOOD}\n${GOOD2}\x01x\n`, { format: 'text' });
    expect(list.issues).toStrictEqual([{ line: 2, code: 'LENGTH', value: `${GOOD2}\x01x` }]);
  });

  it('refuses a field whose first 12 characters are an ISIN, on both paths', async () => {
    for (const q of ['', '"']) {
      const list = await parseIsinList(`${q}n${q},ISIN\n${q}a${q},${GOOD}X\n${q}b${q},${GOOD2}\n`);
      expect(list.issues, q).toStrictEqual([{ line: 2, code: 'LENGTH', value: `${GOOD}X` }]);
      expect([...list.set], q).toEqual([GOOD2]);
    }
  });

  it('reads quoted lists that open with a blank line or end with a lone CR', async () => {
    const blank = await parseIsinList(`\n"n","ISIN"\n"a","${GOOD}"\n`);
    expect(blank).toMatchObject({ headerLine: 2, lines: 3, valid: 1, skipped: 2 });
    // A record that opens with a CR and goes on is a record.
    const opensWithCr = await parseIsinList(`"n","ISIN"\n\r,${GOOD}\n"b","${GOOD2}"\n`);
    expect(opensWithCr).toMatchObject({ valid: 2, skipped: 1 });
    const cr = await parseIsinList(`"n","ISIN"\n"a","${GOOD}"\n\r`);
    expect(cr).toMatchObject({ lines: 3, rows: 1, valid: 1, ragged: 0, skipped: 2 });
  });

  it('keeps a CR before a delimiter in the field, and reads a last record too short for the column as ragged', async () => {
    const list = await parseIsinList(`"n",ISIN,x\n"a",${GOOD}\r,x\n"b",${GOOD2},x\n"e"`);
    expect(list.issues).toStrictEqual([{ line: 2, code: 'LENGTH', value: `${GOOD}\r` }]);
    expect(list.notices).toStrictEqual([{ line: 4, code: 'RAGGED_ROW', value: '"e"' }]);
    expect(list).toMatchObject({ valid: 1, ragged: 1 });
  });

  it('unquotes only a field both opened and closed by a quote', async () => {
    const list = await parseIsinList(`"n","ISIN"\n"a",${GOOD}"\n"b","${GOOD}"x\n"c","${GOOD2}"\n"d","`, {
      maxIssues: 5,
    });
    expect(list.issues).toStrictEqual([
      { line: 2, code: 'LENGTH', value: `${GOOD}"` },
      { line: 3, code: 'LENGTH', value: `"${GOOD}"x` },
      { line: 5, code: 'LENGTH', value: '"' },
    ]);
    expect(list.complete).toBe(false);
    expect([...list.set]).toEqual([GOOD2]);
  });
});
