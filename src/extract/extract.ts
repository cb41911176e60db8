import { TickworkError } from '../errors.js';
import { createExtractor, createScanningExtractor } from './extractor.js';
import type { BigIntExtractOptions, ExtractDiagnostic, ExtractOptions, ExtractResult } from './options.js';

function checkInput(input: unknown): asserts input is string | Uint8Array {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    throw new TickworkError('VALIDATION', 'Expected the input to be a string or a Uint8Array');
  }
}

/**
 * Extracts the integer values of the chosen keys, with their offsets, and reports what was skipped.
 * Never throws on any input text: an integer beyond 2^53 without `bigint: true` becomes an
 * `unsafe-integer` diagnostic, and a value cut off by the end of the input a `truncated` one.
 *
 * @example
 * ```ts
 * const { matches, diagnostics, complete } = extract('<b>Warning</b>: x\n{"id": 7, "code": 1.5}');
 * // matches: [{ key: 'id', value: 7, start: 25, end: 26 }]
 * // diagnostics: [{ kind: 'non-integer', key: 'code', raw: '1.5', … }], complete: true
 * ```
 */
export function extract(input: string | Uint8Array, options: BigIntExtractOptions): ExtractResult<bigint>;
export function extract(input: string | Uint8Array, options?: ExtractOptions): ExtractResult<number>;
export function extract(input: string | Uint8Array, options?: ExtractOptions): ExtractResult<number | bigint> {
  checkInput(input);
  const extractor = createExtractor(options);
  const matches = extractor.write(input);
  return { matches, ...extractor.end() };
}

/**
 * The values of the chosen keys (default `id` and `code`) in document order, from JSON or almost-JSON text.
 * Numbers inside string values are never returned; fractions, exponents and leading zeros are skipped, never
 * truncated; a value cut off by the end of the input is not returned.
 *
 * Throws `UNPROCESSABLE` when an integer is beyond `Number.MAX_SAFE_INTEGER` and `bigint` is not set, rather
 * than return a rounded number. Use {@link extract} to see what was skipped and why.
 *
 * @example
 * ```ts
 * extractIds('{"orders":[{"id":1},{"id":2}],"errors":[{"code":3,"message":"line 153"}]}'); // [1, 2, 3]
 * extractIds('{"id":9007199254740993}', { bigint: true }); // [9007199254740993n]
 * ```
 */
export function extractIds(input: string | Uint8Array, options: BigIntExtractOptions): bigint[];
export function extractIds(input: string | Uint8Array, options?: ExtractOptions): number[];
export function extractIds(input: string | Uint8Array, options?: ExtractOptions): (number | bigint)[] {
  checkInput(input);
  const onDiagnostic = options?.onDiagnostic;
  const extractor = createScanningExtractor(
    {
      ...options,
      onDiagnostic(d: ExtractDiagnostic) {
        onDiagnostic?.(d);
        if (d.kind === 'unsafe-integer') {
          throw new TickworkError(
            'UNPROCESSABLE',
            `The value of "${d.key}" at offset ${d.start} (${d.raw}) is beyond Number.MAX_SAFE_INTEGER and would ` +
              'be rounded; pass { bigint: true } to get exact bigint values.',
            { details: { key: d.key, start: d.start, end: d.end, raw: d.raw } },
          );
        }
      },
    },
    true,
  );
  const values = extractor.write(input) as (number | bigint)[];
  extractor.end();
  return values;
}
