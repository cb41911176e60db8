/**
 * Ready-made sources and list shapes for the public lists described in `docs/isin.md`.
 */

import type { IsinSourceSpec } from './fetch-source.js';
import type { IsinListShape } from './parse-list.js';

/** Parse options for the shapes of real ISIN lists; see {@link isinListShapes}. */
export interface IsinListShapes {
  /** GLEIF ISIN-to-LEI file: `LEI,ISIN`, LF, no quotes. */
  readonly gleif: IsinListShape;
  /** NSE India `EQUITY_L.csv` (padded ` ISIN NUMBER`) and the ETF list (`ISINNumber`). */
  readonly nseEquity: IsinListShape;
  /** BSE list of scrips: `ISIN No`, trailing empty fields. */
  readonly bseScrips: IsinListShape;
  /** Deutsche Börse / Xetra T7 instruments: `;`, two preamble lines, header on line 3. */
  readonly xetraInstruments: IsinListShape;
  /** Euronext product directory: BOM, `;`, three junk lines after the header, trailing `;`. */
  readonly euronextDirectory: IsinListShape;
  /** SIX Swiss reference CSV: `;`, ISO-8859-1. */
  readonly sixReference: IsinListShape;
  /** One ISIN per line, `#` comments; lenient about case and padding. */
  readonly plainText: IsinListShape;
}

/**
 * Parse options for the shapes of real ISIN lists. Pass one as a source's `parse`, as the `parse` group of
 * `fetchIsinList` / `createIsinSync`, or as the options of `parseIsinList`.
 *
 * @example
 * ```ts
 * const list = await parseIsinList(csvText, isinListShapes.xetraInstruments);
 * ```
 */
export const isinListShapes: IsinListShapes = {
  gleif: { format: 'csv', delimiter: ',', header: 1, column: 'ISIN' },
  nseEquity: { format: 'csv', delimiter: ',', header: 1, column: ['ISIN NUMBER', 'ISINNumber'] },
  bseScrips: { format: 'csv', delimiter: ',', header: 1, column: ['ISIN No', 'ISIN'] },
  xetraInstruments: { format: 'csv', delimiter: ';', header: 'auto', column: 'ISIN' },
  euronextDirectory: { format: 'csv', delimiter: ';', header: 1, column: 'ISIN', skipLinesAfterHeader: 3 },
  sixReference: { format: 'csv', delimiter: ';', header: 1, column: 'ISIN', encoding: 'latin1' },
  plainText: { format: 'text', mode: 'lenient' },
};

/** Options of {@link gleifIsinLei}. */
export interface GleifIsinLeiOptions {
  /**
   * Where to download the zip.
   * @default 'https://mapping.gleif.org/api/v2/isin-lei/latest/download'
   */
  readonly url?: string | URL;
  /** Extra request headers. GLEIF answers 406 to `Accept: application/json`, so `Accept: *\/*` is sent. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The GLEIF ISIN-to-LEI relationship file: a daily zip (~32 MB) of one CSV `lei-isin-<timestamp>.csv` with
 * the columns `LEI,ISIN` (~9 M rows). Published about 07:15 UTC in summer and 08:15 UTC in winter.
 *
 * @example
 * ```ts
 * const sync = createIsinSync({ name: 'gleif', source: gleifIsinLei(), store, gates: { minRows: 5_000_000 } });
 * ```
 */
export function gleifIsinLei(options: GleifIsinLeiOptions = {}): IsinSourceSpec {
  return {
    url: options.url ?? 'https://mapping.gleif.org/api/v2/isin-lei/latest/download',
    headers: { accept: '*/*', ...options.headers },
    zipMember: /(^|\/)lei-isin-[^/]*\.csv$/i,
    parse: isinListShapes.gleif,
  };
}
