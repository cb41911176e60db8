/**
 * extract: the integer values of chosen keys from JSON or almost-JSON text, string-aware, streaming, exact.
 *
 * @module
 */
export { extract, extractIds } from './extract.js';
export type { Extractor } from './extractor.js';
export { createExtractor } from './extractor.js';
export type {
  BigIntExtractOptions,
  ExtractDiagnostic,
  ExtractDiagnosticKind,
  ExtractMatch,
  ExtractOptions,
  ExtractResult,
  ExtractSummary,
} from './options.js';
export { DEFAULT_KEYS } from './options.js';
export type { ExtractSource, ExtractStreamOptions } from './stream.js';
export { extractStream } from './stream.js';
