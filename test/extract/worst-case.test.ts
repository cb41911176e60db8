/**
 * Hostile inputs finish, with the right output, in one linear pass and bounded state. The assertions are on
 * output only; how long they take is a benchmark's business, but a quadratic or exponential scanner would
 * run past the test timeout on these sizes.
 */
import { describe, expect, it } from 'vitest';
import { createExtractor, extract, extractIds } from '../../src/extract/index.js';

const MB = 1024 * 1024;

describe('worst-case inputs', () => {
  it('a million backslashes inside a string (even: the string ends; odd: the quote is escaped)', () => {
    expect(extractIds(`{"x":"${'\\'.repeat(1_000_000)}","id":1}`)).toEqual([1]);
    const odd = extract(`{"x":"${'\\'.repeat(999_999)}","id":1}`);
    expect(odd.matches).toEqual([]);
    expect(odd.complete).toBe(false);
  });

  it('a million backslashes outside any string', () => {
    expect(extractIds(`${'\\'.repeat(1_000_000)}{"id":2}`)).toEqual([2]);
  });

  it('a 10 MB unterminated string is reported as truncated, with the match before it', () => {
    const input = `{"id":1,"s":"${'a'.repeat(10 * MB)}`;
    const result = extract(new TextEncoder().encode(input));
    expect(result.matches.map((m) => m.value)).toEqual([1]);
    expect(result.diagnostics).toMatchObject([{ kind: 'truncated', start: 12, end: input.length }]);
  });

  it('10 MB of {"id": repeats: no values, one truncation', () => {
    const input = '{"id":'.repeat((10 * MB) / 6);
    const result = extract(input);
    expect(result.matches).toEqual([]);
    expect(result.complete).toBe(false);
    expect(result.diagnostics.map((d) => d.kind)).toEqual(['truncated']);
  });

  it('10 MB of ever deeper {"id":1,"code": objects, streamed in 64 KiB chunks', () => {
    const block = new TextEncoder().encode('{"id":1,"code":'.repeat(4096));
    const extractor = createExtractor();
    let count = 0;
    let blocks = 0;
    for (let sent = 0; sent < 10 * MB; sent += block.length, blocks++) count += extractor.write(block).length;
    // Every id is a real member; each code's value is the next object, never a number.
    expect(count).toBe(blocks * 4096);
    expect(extractor.end().diagnostics).toMatchObject([{ kind: 'truncated' }]);
  });

  it('a 10 MB number is skipped as too long, in bounded state, even with bigint', () => {
    const input = `{"id":${'7'.repeat(10 * MB)},"id":3}`;
    const result = extract(input, { bigint: true });
    expect(result.matches.map((m) => m.value)).toEqual([3n]);
    expect(result.diagnostics).toMatchObject([{ kind: 'too-long', key: 'id' }]);
    expect(result.diagnostics[0]!.raw!.length).toBeLessThanOrEqual(64);
  });

  it('a 10 MB key and 100k resyncs', () => {
    expect(extractIds(`{"${'i'.repeat(10 * MB)}":1,"id":2}`)).toEqual([2]);
    const lines = extract(`${'"\n'.repeat(100_000)}{"id":3}`, { maxDiagnostics: 10 });
    expect(lines.matches.map((m) => m.value)).toEqual([3]);
    expect(lines.diagnostics).toHaveLength(10);
    expect(lines.droppedDiagnostics).toBe(100_000 - 10);
  });
});
