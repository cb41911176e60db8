import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isTickworkError } from '../../src/errors.js';
import type { ExtractMatch } from '../../src/extract/index.js';
import { createExtractor, extractStream } from '../../src/extract/index.js';
import { SAMPLE, SAMPLE_IDS } from './sample.js';

const bytes = new TextEncoder().encode(SAMPLE);

/** Splits into chunks of `size` bytes. */
function pieces(size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let p = 0; p < bytes.length; p += size) out.push(bytes.subarray(p, p + size));
  return out;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('extractStream', () => {
  it('reads a web ReadableStream', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const piece of pieces(7)) controller.enqueue(piece);
        controller.close();
      },
    });
    expect((await collect(extractStream(stream))).map((m) => m.value)).toEqual(SAMPLE_IDS);
  });

  it('reads a Node stream and any async iterable of strings or bytes', async () => {
    expect((await collect(extractStream(Readable.from(pieces(5))))).map((m) => m.value)).toEqual(SAMPLE_IDS);
    async function* strings() {
      for (let p = 0; p < SAMPLE.length; p += 3) yield SAMPLE.slice(p, p + 3);
    }
    const matches = await collect(extractStream(strings()));
    expect(matches.map((m) => m.value)).toEqual(SAMPLE_IDS);
    expect(matches.map((m) => SAMPLE.slice(m.start, m.end))).toEqual(SAMPLE_IDS.map(String));
  });

  it('returns the summary as the generator result and passes options on', async () => {
    async function* source() {
      yield '{"id":9007199254740993,"code":1.5,"id":';
    }
    const generator = extractStream(source(), { bigint: true });
    const values: bigint[] = [];
    let next = await generator.next();
    while (!next.done) {
      values.push((next.value as ExtractMatch<bigint>).value);
      next = await generator.next();
    }
    expect(values).toEqual([9007199254740993n]);
    expect(next.value.complete).toBe(false);
    expect(next.value.diagnostics.map((d) => d.kind)).toEqual(['non-integer', 'truncated']);
  });

  it('throws ABORTED when the signal aborts, and cancels a web stream', async () => {
    let cancelled = false;
    const controller = new AbortController();
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(new TextEncoder().encode('{"id":1}'));
      },
      cancel() {
        cancelled = true;
      },
    });
    let count = 0;
    let caught: unknown;
    try {
      for await (const _ of extractStream(stream, { signal: controller.signal })) {
        if (++count === 3) controller.abort();
      }
    } catch (error) {
      caught = error;
    }
    expect(isTickworkError(caught, 'ABORTED')).toBe(true);
    expect(cancelled).toBe(true);
  });

  it('cancels a web stream when the consumer stops early', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(new TextEncoder().encode('{"id":1}'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const _ of extractStream(stream)) break;
    expect(cancelled).toBe(true);
  });
});

describe('createExtractor', () => {
  it('returns the matches each chunk completes and holds a number split across chunks', () => {
    const extractor = createExtractor();
    expect(extractor.write('{"id":12')).toEqual([]);
    expect(extractor.write('3,"code":4}')).toEqual([
      { key: 'id', value: 123, start: 6, end: 9 },
      { key: 'code', value: 4, start: 17, end: 18 },
    ]);
    expect(extractor.end()).toEqual({ complete: true, diagnostics: [], droppedDiagnostics: 0 });
  });

  it('refuses writes after end and chunks of the wrong type', () => {
    const extractor = createExtractor();
    expect(() => extractor.write(42 as unknown as string)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    extractor.end();
    expect(() => extractor.write('{}')).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
  });
});
