import { abortError } from '../internal/abort.js';
import { createExtractor } from './extractor.js';
import type { BigIntExtractOptions, ExtractMatch, ExtractOptions, ExtractSummary } from './options.js';

/** Options of {@link extractStream}: the extract options plus a signal. */
export interface ExtractStreamOptions extends ExtractOptions {
  /**
   * Stops reading: the iteration throws `ABORTED` at the next chunk, and a web stream is cancelled.
   * @default undefined
   */
  readonly signal?: AbortSignal;
}

/** What {@link extractStream} reads: a web `ReadableStream`, a Node stream, or any async iterable of chunks. */
export type ExtractSource = ReadableStream<Uint8Array | string> | AsyncIterable<Uint8Array | string>;

const aborted = (signal: AbortSignal) => abortError(signal, 'Extraction was aborted');

async function* chunksOf(source: ExtractSource, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array | string> {
  if (typeof (source as ReadableStream).getReader === 'function') {
    const reader = (source as ReadableStream<Uint8Array | string>).getReader();
    const onAbort = () => void reader.cancel(signal?.reason).catch(() => {});
    signal?.addEventListener('abort', onAbort, { once: true });
    let done = false;
    try {
      for (;;) {
        const next = await reader.read();
        if (next.done) {
          done = true;
          return;
        }
        yield next.value;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      // Stopping early (break, an error, abort) cancels the stream so its producer stops too.
      if (!done) await reader.cancel().catch(() => {});
      reader.releaseLock();
    }
  } else {
    yield* source as AsyncIterable<Uint8Array | string>;
  }
}

/**
 * Extracts matches from a stream as it arrives, in bounded memory: only the current chunk and the longest
 * token are held. Yields each match in document order; the generator's return value is the
 * {@link ExtractSummary} (`complete`, diagnostics). Never throws on the input text; throws `ABORTED` when
 * `signal` aborts and `VALIDATION` for a chunk that is neither a string nor a `Uint8Array`.
 *
 * Each yielded match costs a promise turn; for the highest throughput over many matches, drive
 * {@link createExtractor} from your own loop, which returns the matches of each chunk as an array.
 *
 * @example
 * ```ts
 * import { createReadStream } from 'node:fs';
 *
 * for await (const match of extractStream(createReadStream('response.json'))) {
 *   console.log(match.key, match.value);
 * }
 * ```
 */
export function extractStream(
  source: ExtractSource,
  options: BigIntExtractOptions & ExtractStreamOptions,
): AsyncGenerator<ExtractMatch<bigint>, ExtractSummary, undefined>;
export function extractStream(
  source: ExtractSource,
  options?: ExtractStreamOptions,
): AsyncGenerator<ExtractMatch<number>, ExtractSummary, undefined>;
export async function* extractStream(
  source: ExtractSource,
  options?: ExtractStreamOptions,
): AsyncGenerator<ExtractMatch<number | bigint>, ExtractSummary, undefined> {
  const { signal, ...rest } = options ?? {};
  const extractor = createExtractor(rest);
  if (signal?.aborted) throw aborted(signal);
  for await (const chunk of chunksOf(source, signal)) {
    if (signal?.aborted) throw aborted(signal);
    yield* extractor.write(chunk);
  }
  if (signal?.aborted) throw aborted(signal);
  return extractor.end();
}
