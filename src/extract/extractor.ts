import { TickworkError } from '../errors.js';
import { createKeySet } from './key-set.js';
import type {
  BigIntExtractOptions,
  ExtractDiagnostic,
  ExtractDiagnosticKind,
  ExtractMatch,
  ExtractOptions,
  ExtractSummary,
} from './options.js';
import { resolveOptions } from './options.js';
import type { ScanSink } from './scanner.js';
import { Scanner } from './scanner.js';

/** A push extractor: feed it chunks as they arrive, then end it. */
export interface Extractor<V extends number | bigint = number> {
  /**
   * Scans the next chunk and returns the matches it completed, in document order. A chunk may end anywhere:
   * inside a key, an escape, a number or a UTF-8 character. Offsets count bytes for `Uint8Array` chunks and
   * UTF-16 code units for string chunks; feed one kind per extractor if you use offsets.
   * Throws `VALIDATION` for a chunk that is neither, and `CONFLICT` after {@link Extractor.end}.
   */
  write(chunk: Uint8Array | string): ExtractMatch<V>[];
  /**
   * Ends the input: a number, key or string left open is reported as `truncated` (and never returned).
   * Returns how the extraction ended and the diagnostics.
   */
  end(): ExtractSummary;
}

/**
 * Collects what the scanner finds. A class rather than an object literal with a method: a fresh closure per
 * extractor would change the sink's hidden class each time and make V8 throw away the scanner's optimised code.
 */
class CollectingSink implements ScanSink<number | bigint> {
  matches: ExtractMatch<number | bigint>[] = [];
  readonly diagnostics: ExtractDiagnostic[] = [];
  dropped = 0;

  constructor(
    private readonly maxDiagnostics: number,
    private readonly onDiagnostic: ((diagnostic: ExtractDiagnostic) => void) | undefined,
  ) {}

  diagnostic(kind: ExtractDiagnosticKind, message: string, start: number, end: number, key?: string, raw?: string) {
    const d: ExtractDiagnostic = { kind, message, start, end };
    if (key !== undefined) (d as { key?: string }).key = key;
    if (raw !== undefined) (d as { raw?: string }).raw = raw;
    if (this.diagnostics.length < this.maxDiagnostics) this.diagnostics.push(d);
    else this.dropped++;
    this.onDiagnostic?.(d);
  }
}

const encoder = new TextEncoder();
/** String input is encoded in slices of this many UTF-16 units, so memory stays bounded for huge strings. */
const STRING_SLICE = 1 << 16;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Creates a streaming extractor. Results are identical however the input is split into chunks.
 *
 * @example
 * ```ts
 * const extractor = createExtractor({ keys: ['id'] });
 * for await (const chunk of response.body) {
 *   for (const match of extractor.write(chunk)) console.log(match.value);
 * }
 * const { complete, diagnostics } = extractor.end();
 * ```
 */
export function createExtractor(options: BigIntExtractOptions): Extractor<bigint>;
export function createExtractor(options?: ExtractOptions): Extractor<number>;
export function createExtractor(options?: ExtractOptions): Extractor<number | bigint> {
  return createScanningExtractor(options, false) as Extractor<number | bigint>;
}

/**
 * The extractor behind every public function. With `valuesOnly`, `write` returns bare values rather than
 * match objects: `extractIds` needs no offsets and skips an allocation per match.
 */
export function createScanningExtractor(
  options: ExtractOptions | undefined,
  valuesOnly: boolean,
): Extractor<number | bigint> | { write(chunk: Uint8Array | string): (number | bigint)[]; end(): ExtractSummary } {
  const o = resolveOptions(options);
  const sink = new CollectingSink(o.maxDiagnostics, o.onDiagnostic);
  const scanner = new Scanner(createKeySet(o.keys), o.bigint, o.maxDigits, sink, valuesOnly);
  let offset = 0;
  /** A high surrogate that ended a string chunk, waiting for its low half. */
  let held = '';
  let scratch = new Uint8Array(0);
  let ended = false;

  function scanString(text: string): void {
    for (let p = 0; p < text.length; ) {
      let to = Math.min(text.length, p + STRING_SLICE);
      // Never split a surrogate pair between two encodings.
      if (to < text.length && isHighSurrogate(text.charCodeAt(to - 1))) to--;
      const part = p === 0 && to === text.length ? text : text.slice(p, to);
      if (scratch.length < part.length * 3) scratch = new Uint8Array(Math.max(part.length * 3, 1024));
      const { written } = encoder.encodeInto(part, scratch);
      scanner.scan(scratch, written, offset, written === part.length);
      offset += part.length;
      p = to;
    }
  }

  return {
    write(chunk) {
      if (ended) throw new TickworkError('CONFLICT', 'This extractor has ended; create a new one');
      if (typeof chunk === 'string') {
        let text = held + chunk;
        held = '';
        if (text.length > 0 && isHighSurrogate(text.charCodeAt(text.length - 1))) {
          held = text.slice(-1);
          text = text.slice(0, -1);
        }
        scanString(text);
      } else if (chunk instanceof Uint8Array) {
        // A plain Uint8Array view of a Buffer (or any subclass) keeps the scanner's loads monomorphic.
        const view =
          chunk.constructor === Uint8Array ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        scanner.scan(view, view.length, offset, true);
        offset += chunk.length;
      } else {
        throw new TickworkError('VALIDATION', 'Expected a chunk of type string or Uint8Array');
      }
      const found = sink.matches;
      sink.matches = [];
      return found;
    },
    end() {
      if (ended) throw new TickworkError('CONFLICT', 'This extractor has ended already');
      if (held !== '') {
        const last = held;
        held = '';
        scanString(last);
      }
      ended = true;
      const complete = scanner.finish(offset);
      return { complete, diagnostics: sink.diagnostics, droppedDiagnostics: sink.dropped };
    },
  };
}
