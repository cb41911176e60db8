/** `POST /extract`: the library's extractor over a request body, answered the same way by both servers. */
import { createExtractor, type ExtractDiagnostic, type ExtractMatch, TickworkError } from 'tickwork';

/** What `POST /extract` answers. */
export interface ExtractAnswer {
  /** The values, in document order. */
  readonly ids: number[];
  /** Each value with its key and byte offsets in the body. */
  readonly matches: ExtractMatch[];
  /** `false` when the body ended inside a string, number or open object. */
  readonly complete: boolean;
  /** What was skipped and why (fractions, integers beyond 2^53, resynchronisations, truncation). */
  readonly diagnostics: ExtractDiagnostic[];
  /** Diagnostics found beyond the ones listed. */
  readonly droppedDiagnostics: number;
}

// The scan stops as soon as the cap is passed, so neither the matches nor the answer grow past it.
const CHUNK_BYTES = 64 * 1024;

/**
 * Runs the extractor on the raw body. Values are JSON numbers; an integer beyond 2^53 is never rounded but
 * listed as an `unsafe-integer` diagnostic. `keys` is the comma-separated `?keys=` parameter. More than
 * `maxMatches` values is `UNPROCESSABLE` (422): a 10 MB body of tiny objects would otherwise answer about six
 * times its size in JSON.
 */
export function extractFromBody(
  body: Uint8Array | undefined,
  keys: string | undefined,
  maxMatches: number,
): ExtractAnswer {
  if (!body || body.byteLength === 0) {
    throw new TickworkError('VALIDATION', 'Send the text to extract from as the request body', {
      details: { fields: [{ path: '', message: 'Required', code: 'invalid_type' }] },
    });
  }
  const extractor = createExtractor(keys ? { keys: keys.split(',').map((k) => k.trim()) } : {});
  const matches: ExtractMatch[] = [];
  for (let offset = 0; offset < body.byteLength; offset += CHUNK_BYTES) {
    for (const match of extractor.write(body.subarray(offset, offset + CHUNK_BYTES))) {
      if (matches.length === maxMatches) {
        throw new TickworkError(
          'UNPROCESSABLE',
          `The body holds more than ${maxMatches} matching values; send it in smaller parts`,
          { details: { maxMatches } },
        );
      }
      matches.push(match);
    }
  }
  const summary = extractor.end();
  return {
    ids: matches.map((m) => m.value),
    matches,
    complete: summary.complete,
    diagnostics: summary.diagnostics,
    droppedDiagnostics: summary.droppedDiagnostics,
  };
}
