/**
 * The push extractor at its limits: string input is encoded 65,536 UTF-16 units at a time, and a surrogate
 * pair is never split between two encodings (nor between two chunks: a high surrogate at a chunk's end waits
 * for the next chunk or for `end`). Checked with the code units either side of the high-surrogate range, a
 * pair exactly on a slice boundary, and when each diagnostic is reported (`onDiagnostic` fires as soon as the
 * scanner finds it, so a held character shows as a diagnostic one call late). Also: each refusal's code and
 * message, and diagnostics carry `key` and `raw` only when they have them.
 */
import { describe, expect, it } from 'vitest';
import { TickworkError } from '../../src/errors.js';
import type { ExtractDiagnostic, ExtractOptions } from '../../src/extract/index.js';
import { createExtractor, extract } from '../../src/extract/index.js';

/** The calls (`write 1`, `write 2`, `end`) during which each diagnostic was reported, in order. */
function reportedDuring(chunks: string[], options: ExtractOptions = {}): string[] {
  const seen: string[] = [];
  let call = '';
  const extractor = createExtractor({
    ...options,
    onDiagnostic: (d: ExtractDiagnostic) => seen.push(`${call}: ${d.kind} ${d.start}-${d.end}`),
  } as { bigint: false });
  chunks.forEach((chunk, i) => {
    call = `write ${i + 1}`;
    extractor.write(chunk);
  });
  call = 'end';
  extractor.end();
  return seen;
}

describe('surrogate pairs at chunk ends', () => {
  it('holds back only a high surrogate (U+D800–U+DBFF), not the code units next to that range', () => {
    // `{"id":1` then one code unit: a number ended by a character that is not a digit is malformed, reported
    // as soon as that character is scanned.
    expect(reportedDuring(['{"id":1\ud7ff', '}'])).toEqual(['write 1: malformed-number 6-7']);
    expect(reportedDuring(['{"id":1\udc00', '}'])).toEqual(['write 1: malformed-number 6-7']);
    expect(reportedDuring(['{"id":1\ud800', '}'])).toEqual(['write 2: malformed-number 6-7']);
    expect(reportedDuring(['{"id":1\udbff', '}'])).toEqual(['write 2: malformed-number 6-7']);
    // A high surrogate held at the end is scanned by `end`, which then counts it in the input's length.
    expect(reportedDuring(['{"id":1\udbff'])).toEqual(['end: malformed-number 6-7', 'end: truncated 8-8']);
    expect(reportedDuring(['{"id":1\ud7ff'])).toEqual(['write 1: malformed-number 6-7', 'end: truncated 8-8']);
  });

  it('matches a key whose character is split between two chunks, with offsets in code units', () => {
    const extractor = createExtractor({ keys: ['😀'] });
    expect(extractor.write('[{"\ud83d')).toEqual([]);
    expect(extractor.write('\ude00":12}]')).toEqual([{ key: '😀', value: 12, start: 7, end: 9 }]);
    expect(extractor.end()).toEqual({ complete: true, diagnostics: [], droppedDiagnostics: 0 });
  });

  it('never splits a pair between two 65,536-unit encodings of one long string', () => {
    for (const before of [65_532, 65_533, 65_534]) {
      // The key's emoji starts at code unit `before + 2`: just before, on, and just after the slice end.
      const text = `${' '.repeat(before)}[{"😀":3,"id":${before}}]`;
      const { matches, diagnostics } = extract(text, { keys: ['😀', 'id'] });
      expect(diagnostics).toEqual([]);
      expect(matches).toEqual([
        { key: '😀', value: 3, start: before + 7, end: before + 8 },
        { key: 'id', value: before, start: before + 14, end: before + 19 },
      ]);
    }
  });

  it('keeps offsets in code units across slices of a long string with characters of every width', () => {
    const unit = 'aé€😀';
    const text = `[${unit.repeat(30_000)},{"id":42}]`;
    const start = text.indexOf('42');
    expect(extract(text).matches).toEqual([{ key: 'id', value: 42, start, end: start + 2 }]);
  });
});

describe('the encoding buffer', () => {
  it('grows for a chunk longer than any before it', () => {
    const extractor = createExtractor();
    expect(extractor.write('[{"id":1}')).toEqual([{ key: 'id', value: 1, start: 7, end: 8 }]);
    // 1,200 units need up to 3,600 bytes: more than the first chunk's buffer of 1,024.
    const long = `,{"s":"${'é'.repeat(1200)}","id":2}]`;
    expect(extractor.write(long)).toEqual([{ key: 'id', value: 2, start: 9 + 1214, end: 9 + 1215 }]);
    expect(extractor.end().complete).toBe(true);
  });
});

describe('refusals and the shape of diagnostics', () => {
  it('refuses a chunk of another type, and any call after end, each with its code and message', () => {
    const extractor = createExtractor();
    const refusal = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(TickworkError);
        return { code: (error as TickworkError).code, message: (error as Error).message };
      }
      throw new Error('expected a refusal');
    };
    expect(refusal(() => extractor.write(42 as unknown as string))).toEqual({
      code: 'VALIDATION',
      message: 'Expected a chunk of type string or Uint8Array',
    });
    extractor.end();
    expect(refusal(() => extractor.write('{}'))).toEqual({
      code: 'CONFLICT',
      message: 'This extractor has ended; create a new one',
    });
    expect(refusal(() => extractor.end())).toEqual({ code: 'CONFLICT', message: 'This extractor has ended already' });
  });

  it('gives a diagnostic `key` and `raw` only when it has them', () => {
    const { diagnostics } = extract('{"a":"b\n"x":0,"id":1.5,"code":');
    expect(diagnostics.map((d: ExtractDiagnostic) => Object.keys(d))).toEqual([
      ['kind', 'message', 'start', 'end'],
      ['kind', 'message', 'start', 'end', 'key', 'raw'],
      ['kind', 'message', 'start', 'end', 'key'],
    ]);
  });

  it('reads a Node Buffer and a view into a larger buffer as their own bytes', () => {
    const backing = new TextEncoder().encode('xx{"id":5}yy');
    expect(extract(backing.subarray(2, 10)).matches).toEqual([{ key: 'id', value: 5, start: 6, end: 7 }]);
    expect(extract(Buffer.from('{"id":6}')).matches).toEqual([{ key: 'id', value: 6, start: 6, end: 7 }]);
  });
});
