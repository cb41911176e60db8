/**
 * `parseIsinList`: any list of ISINs — a 9 M-row GLEIF file or a 2,000-row exchange CSV — into a sorted,
 * packed {@link IsinSet} plus a report of every row it could not use.
 */

import { TickworkError } from '../errors.js';
import { throwIfAborted } from '../internal/abort.js';
import { assertInteger, assertOneOf } from '../internal/assert.js';
import type { IsinSet } from './isin-set.js';
import type { IsinListDelimiter } from './list-sniff.js';
import { DELIMITERS } from './list-sniff.js';
import type { IsinListIssue, IsinListNoticeCode, RowParserSettings } from './row-parser.js';
import { RowParser } from './row-parser.js';
import type { IsinErrorCode } from './validate.js';

/** Input of {@link parseIsinList}: text, bytes, a web stream or any async iterable of chunks. */
export type IsinListInput =
  | string
  | Uint8Array
  | ReadableStream<Uint8Array | string>
  | AsyncIterable<Uint8Array | string>
  | Iterable<Uint8Array | string>;

/** Progress of a parse (and of a fetch, which adds the raw byte count). */
export interface IsinListProgress {
  /** Bytes read so far (decompressed). */
  readonly bytes: number;
  /** Data rows read so far. */
  readonly rows: number;
}

/**
 * How a list is shaped and how strictly to read it: the options of {@link parseIsinList} without its signal
 * and progress callback, and the `parse` group of `fetchIsinList`, `createIsinSync` and a source spec. Every
 * option has a default that suits the real formats described in `docs/isin.md`.
 */
export interface IsinListShape {
  /**
   * `csv`: delimited fields with a header; `text`: one ISIN per line, blank lines and `#` comments skipped;
   * `auto`: decided from the first 64 KiB.
   * @default 'auto'
   */
  readonly format?: 'auto' | 'csv' | 'text';
  /**
   * Field delimiter, or `auto` to choose among `,` `;` `|` and tab.
   * @default 'auto'
   */
  readonly delimiter?: 'auto' | IsinListDelimiter;
  /**
   * 1-based line number of the header, `false` for none, or `auto`: the first line that names the ISIN
   * column (lines before it are a preamble and skipped).
   * @default 'auto'
   */
  readonly header?: 'auto' | number | false;
  /**
   * The ISIN column: a header name or a list of names (trimmed, case-insensitive), a 0-based index, or
   * `auto` (the usual names such as `ISIN`, `ISIN NUMBER`, `ISINNumber`, `ISIN No`; failing that, the column
   * where most of the first rows hold ISINs).
   * @default 'auto'
   */
  readonly column?: 'auto' | string | number | readonly string[];
  /**
   * Character encoding. ISINs are ASCII either way; this decides how other text (header names, reported
   * values) is read. Use `latin1` for ISO-8859-1 / windows-1252 files such as SIX's.
   * @default 'utf-8'
   */
  readonly encoding?: 'utf-8' | 'latin1';
  /**
   * `strict`: the field must be exactly an ISIN. `lenient`: trims spaces and upper-cases, with a
   * `NORMALIZED` notice per row so the clean-up stays visible.
   * @default 'strict'
   */
  readonly mode?: 'strict' | 'lenient';
  /**
   * Unknown prefixes (neither ISO 3166 nor a known special code): a notice (`warn`) or an invalid row.
   * @default 'warn'
   */
  readonly prefixes?: 'warn' | 'reject';
  /**
   * Lines to skip right after the header (title or disclaimer lines).
   * @default 0
   */
  readonly skipLinesAfterHeader?: number;
  /** Lines (records) matching this pattern are skipped, such as a footer `File Creation Time: …`. */
  readonly skipLinePattern?: RegExp;
  /**
   * How many invalid rows (and, separately, notices) to keep with their line numbers. All are counted.
   * @default 1000
   */
  readonly maxIssues?: number;
  /**
   * How many repeated ISINs to keep as a sample.
   * @default 100
   */
  readonly maxDuplicateSample?: number;
}

/** Options of {@link parseIsinList}: the list's shape, a signal and a progress callback. */
export interface ParseIsinListOptions extends IsinListShape {
  /** Stops the parse; it then rejects with `ABORTED`. */
  readonly signal?: AbortSignal;
  /** Called after every chunk. */
  readonly onProgress?: (progress: IsinListProgress) => void;
}

/** Where the ISINs were found in a CSV list. */
export interface IsinListColumn {
  /** 0-based field index. */
  readonly index: number;
  /** The header name, when there is a header. */
  readonly name?: string;
}

/** What {@link parseIsinList} found. */
export interface ParsedIsinList {
  /** The valid ISINs, sorted and unique. */
  readonly set: IsinSet;
  /** The format that was read. */
  readonly format: 'csv' | 'text';
  /** The delimiter, for CSV. */
  readonly delimiter?: IsinListDelimiter;
  /** 1-based header line, for CSV with a header. */
  readonly headerLine?: number;
  /** The ISIN column, for CSV. */
  readonly column?: IsinListColumn;
  /** Bytes read (after decompression, before decoding). */
  readonly bytes: number;
  /** Physical lines read. */
  readonly lines: number;
  /** Data rows (not blank, comment, preamble, header or skipped). */
  readonly rows: number;
  /** Rows with a valid ISIN, repeats included. */
  readonly valid: number;
  /** Rows with an invalid ISIN. */
  readonly invalid: number;
  /** Rows whose ISIN field is empty (common in wide exchange files); not counted as invalid. */
  readonly empty: number;
  /** Rows without an ISIN field at all (ragged rows, junk lines); not counted as invalid. */
  readonly ragged: number;
  /** Lines skipped: blank, comments, preamble, header, `skipLinesAfterHeader`, `skipLinePattern`. */
  readonly skipped: number;
  /** Valid rows that repeated an ISIN already seen. */
  readonly duplicates: number;
  /** Some repeated ISINs. */
  readonly duplicateSample: readonly string[];
  /** Invalid rows by reason code. */
  readonly invalidByCode: Readonly<Partial<Record<IsinErrorCode, number>>>;
  /** The first `maxIssues` invalid rows, by line. */
  readonly issues: readonly IsinListIssue[];
  /** Notices (unknown prefix, normalised value, ragged row) by code. */
  readonly noticesByCode: Readonly<Partial<Record<IsinListNoticeCode, number>>>;
  /** The first `maxIssues` notices, by line. */
  readonly notices: readonly IsinListIssue[];
  /** False when the input ended inside a quoted field: the last record was cut off. */
  readonly complete: boolean;
}

/** Resolved parse options: the row parser's settings plus the size of the duplicate sample. */
export interface ParseSettings extends RowParserSettings {
  /** How many repeated ISINs to keep as a sample. */
  readonly maxDuplicateSample: number;
}

/** Checks parse options up front and fills in defaults; options other than the shape's are ignored. */
export function resolveParseOptions(o: IsinListShape = {}): ParseSettings {
  assertOneOf('format', o.format ?? 'auto', ['auto', 'csv', 'text']);
  assertOneOf('delimiter', o.delimiter ?? 'auto', ['auto', ...DELIMITERS]);
  assertOneOf('encoding', o.encoding ?? 'utf-8', ['utf-8', 'latin1']);
  assertOneOf('mode', o.mode ?? 'strict', ['strict', 'lenient']);
  assertOneOf('prefixes', o.prefixes ?? 'warn', ['warn', 'reject']);
  if (typeof o.header === 'number') assertInteger('header', o.header, 1);
  else if (o.header !== undefined && o.header !== false && o.header !== 'auto') {
    assertOneOf('header', o.header, ['auto']);
  }
  const column = o.column ?? 'auto';
  if (typeof column === 'number') assertInteger('column', column, 0);
  else if (Array.isArray(column) ? column.length === 0 : typeof column !== 'string' || column.length === 0) {
    throw new TickworkError('INVALID_OPTION', 'Expected `column` to be a header name, names, an index or "auto"', {
      details: { option: 'column' },
    });
  }
  assertInteger('skipLinesAfterHeader', o.skipLinesAfterHeader ?? 0, 0);
  assertInteger('maxIssues', o.maxIssues ?? 1000, 0);
  assertInteger('maxDuplicateSample', o.maxDuplicateSample ?? 100, 0);
  return {
    format: o.format ?? 'auto',
    delimiter: o.delimiter ?? 'auto',
    header: o.header ?? 'auto',
    column,
    mode: o.mode ?? 'strict',
    encoding: o.encoding ?? 'utf-8',
    prefixes: o.prefixes ?? 'warn',
    skipLinesAfterHeader: o.skipLinesAfterHeader ?? 0,
    skipLinePattern: o.skipLinePattern,
    maxIssues: o.maxIssues ?? 1000,
    maxDuplicateSample: o.maxDuplicateSample ?? 100,
  };
}

const ABORTED = 'Parsing the list was aborted';
const encoder = new TextEncoder();
const asBytes = (chunk: Uint8Array | string): Uint8Array => (typeof chunk === 'string' ? encoder.encode(chunk) : chunk);

/** Any supported input as an async iterable of byte chunks. */
async function* byteChunks(input: IsinListInput): AsyncGenerator<Uint8Array> {
  if (typeof input === 'string' || input instanceof Uint8Array) {
    yield asBytes(input);
    return;
  }
  if (typeof (input as ReadableStream).getReader === 'function') {
    const reader = (input as ReadableStream<Uint8Array | string>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield asBytes(value);
      }
    } finally {
      reader.releaseLock();
    }
  }
  for await (const chunk of input as AsyncIterable<Uint8Array | string>) yield asBytes(chunk);
}

/**
 * Runs a parser over byte chunks; shared by {@link parseIsinList} and `fetchIsinList`.
 * @internal
 */
export async function parseChunks(
  chunks: AsyncIterable<Uint8Array>,
  settings: ParseSettings,
  run: Pick<ParseIsinListOptions, 'signal' | 'onProgress'> = {},
): Promise<ParsedIsinList> {
  const parser = new RowParser(settings);
  let bytes = 0;
  for await (const chunk of chunks) {
    throwIfAborted(run.signal, ABORTED);
    bytes += chunk.length;
    parser.push(chunk);
    run.onProgress?.({ bytes, rows: parser.counts.rows });
  }
  throwIfAborted(run.signal, ABORTED);
  const { counts, shape, set, duplicates, duplicateSample } = parser.finish(settings.maxDuplicateSample);
  return {
    set,
    format: shape.format,
    ...(shape.format === 'csv'
      ? {
          delimiter: shape.delimiter,
          ...(shape.headerLine > 0 ? { headerLine: shape.headerLine } : {}),
          column:
            shape.columnName === undefined ? { index: shape.column } : { index: shape.column, name: shape.columnName },
        }
      : {}),
    bytes,
    lines: counts.lines,
    rows: counts.rows,
    valid: counts.valid,
    invalid: counts.invalid,
    empty: counts.empty,
    ragged: counts.ragged,
    skipped: counts.skipped,
    duplicates,
    duplicateSample,
    invalidByCode: counts.invalidByCode,
    issues: counts.issues,
    noticesByCode: counts.noticesByCode,
    notices: counts.notices,
    complete: !parser.unterminatedQuote,
  };
}

/**
 * Reads a list of ISINs and returns them as a sorted, packed {@link IsinSet}, with every row it could not use
 * reported by 1-based line number and reason. Streams: memory grows with the number of ISINs (8 bytes
 * each), not with the size of the file.
 *
 * @example
 * ```ts
 * const list = await parseIsinList('LEI,ISIN\n00EHHQ2ZHDCFXJCPCL46,US92204Q1031\n');
 * list.set.size; // 1
 *
 * const nse = await parseIsinList(Readable.toWeb(createReadStream('EQUITY_L.csv')));
 * nse.issues; // [{ line: 17, code: 'CHECK_MISMATCH', value: 'INE144J01028', expected: 7 }, …]
 * ```
 */
export async function parseIsinList(input: IsinListInput, options: ParseIsinListOptions = {}): Promise<ParsedIsinList> {
  return parseChunks(byteChunks(input), resolveParseOptions(options), options);
}
