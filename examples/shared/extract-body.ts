/** `POST /extract`: the library's extractor over a request body, answered the same way by both servers. */
import { TickworkError } from '../../src/errors.js';
import { type ExtractDiagnostic, type ExtractMatch, extract } from '../../src/index.js';

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

/**
 * Runs the extractor on the raw body. Values are JSON numbers; an integer beyond 2^53 is never rounded but
 * listed as an `unsafe-integer` diagnostic. `keys` is the comma-separated `?keys=` parameter.
 */
export function extractFromBody(body: Uint8Array | undefined, keys: string | undefined): ExtractAnswer {
  if (!body || body.byteLength === 0) {
    throw new TickworkError('VALIDATION', 'Send the text to extract from as the request body', {
      details: { fields: [{ path: '', message: 'Required', code: 'invalid_type' }] },
    });
  }
  const result = extract(body, keys ? { keys: keys.split(',').map((k) => k.trim()) } : {});
  return {
    ids: result.matches.map((m) => m.value),
    matches: result.matches,
    complete: result.complete,
    diagnostics: result.diagnostics,
    droppedDiagnostics: result.droppedDiagnostics,
  };
}
