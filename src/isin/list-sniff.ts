/**
 * Works out the shape of an ISIN list from its first lines: plain text or CSV, the delimiter, the header
 * line and the ISIN column. Runs once per list on at most a few dozen kilobytes, so it favours clarity.
 */
import { TickworkError } from '../errors.js';
import { validateIsin } from './validate.js';

/** Header names recognised as the ISIN column (compared trimmed, case-insensitive, inner spaces collapsed). */
export const ISIN_COLUMN_ALIASES: readonly string[] = [
  'isin',
  'isin number',
  'isinnumber',
  'isin no',
  'isin no.',
  'isin code',
  'isincode',
  'isin_code',
  'isin-code',
  'isin_cd',
  'isin_number',
];

/** A field delimiter. */
export type IsinListDelimiter = ',' | ';' | '|' | '\t';

/** Delimiters tried by auto-detection. */
export const DELIMITERS: readonly IsinListDelimiter[] = [',', ';', '|', '\t'];

/** What the parser needs to know about the list's shape. */
export interface ListShape {
  /** `text`: one ISIN per line; `csv`: delimited fields. */
  readonly format: 'csv' | 'text';
  /** The delimiter (csv only). */
  readonly delimiter: IsinListDelimiter;
  /** 1-based line of the header, or 0 without one. */
  readonly headerLine: number;
  /** 0-based index of the ISIN field (csv only). */
  readonly column: number;
  /** The header name of the ISIN column, when there is a header. */
  readonly columnName?: string;
}

/** Shape options, as given by the caller. */
export interface ShapeOptions {
  /** See `ParseIsinListOptions.format`. */
  readonly format: 'auto' | 'csv' | 'text';
  /** See `ParseIsinListOptions.delimiter`. */
  readonly delimiter: 'auto' | IsinListDelimiter;
  /** See `ParseIsinListOptions.header`. */
  readonly header: 'auto' | number | false;
  /** See `ParseIsinListOptions.column`. */
  readonly column: 'auto' | string | number | readonly string[];
  /** See `ParseIsinListOptions.mode`. */
  readonly mode: 'strict' | 'lenient';
}

const normalizeName = (s: string) =>
  s
    .replace(/^\uFEFF/, '')
    .trim()
    .replace(/\s+/g, ' ')
    .toLowerCase();

/** Splits one line into fields, honouring RFC 4180 quotes (`""` is a quote inside a quoted field). */
function splitCsvLine(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field.length === 0) quoted = true;
    else if (c === delimiter) {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/**
 * Decides the shape from `lines` (the first lines of the list, without line breaks). Throws `VALIDATION`
 * when a named column is nowhere to be found, because guessing another column would be worse.
 */
export function sniffShape(lines: readonly string[], o: ShapeOptions): ListShape {
  const delimiters = o.delimiter === 'auto' ? DELIMITERS : [o.delimiter];
  const looksLikeIsin = (s: string) => validateIsin(s, { mode: 'lenient' }).ok;
  if (o.format === 'text') return { format: 'text', delimiter: ',', headerLine: 0, column: 0 };

  // 1. A header: the first line holding a field named like the ISIN column.
  const named = o.column !== 'auto' && (typeof o.column === 'string' || Array.isArray(o.column));
  const names =
    typeof o.column === 'string' && o.column !== 'auto'
      ? [normalizeName(o.column)]
      : Array.isArray(o.column)
        ? (o.column as readonly string[]).map(normalizeName)
        : typeof o.column === 'number'
          ? []
          : ISIN_COLUMN_ALIASES;
  const headerCandidates =
    typeof o.header === 'number'
      ? [o.header]
      : o.header === false || typeof o.column === 'number'
        ? []
        : lines.map((_, i) => i + 1);
  for (const lineNo of headerCandidates) {
    const line = lines[lineNo - 1];
    if (line === undefined) continue;
    for (const d of delimiters) {
      const fields = splitCsvLine(line, d);
      if (typeof o.column === 'number') {
        if (fields.length > o.column && fields.length > 1) {
          return { format: 'csv', delimiter: d, headerLine: lineNo, column: o.column, columnName: fields[o.column]! };
        }
        continue;
      }
      const index = fields.findIndex((f) => names.includes(normalizeName(f)));
      if (index >= 0) {
        return { format: 'csv', delimiter: d, headerLine: lineNo, column: index, columnName: fields[index]!.trim() };
      }
    }
  }
  if (named) {
    throw new TickworkError('VALIDATION', `No header names the ISIN column ${JSON.stringify(o.column)}`, {
      details: { column: o.column },
    });
  }

  // 2. No header found: pick the (delimiter, column) with the most ISIN-looking values, versus plain text.
  let best = { score: 0, delimiter: delimiters[0]! as IsinListDelimiter, column: 0 };
  for (const d of delimiters) {
    const scores: number[] = [];
    for (const line of lines) {
      if (!line.includes(d)) continue;
      const fields = splitCsvLine(line, d);
      fields.forEach((f, i) => {
        if ((typeof o.column !== 'number' || i === o.column) && looksLikeIsin(f)) scores[i] = (scores[i] ?? 0) + 1;
      });
    }
    scores.forEach((score, column) => {
      if (score > best.score) best = { score, delimiter: d, column };
    });
  }
  const textScore = lines.filter((l) => looksLikeIsin(l)).length;
  if (o.format === 'auto' && typeof o.column !== 'number' && (textScore >= best.score || best.score === 0)) {
    return { format: 'text', delimiter: ',', headerLine: 0, column: 0 };
  }
  const column = typeof o.column === 'number' ? o.column : best.column;
  // A first line whose ISIN field is not an ISIN is an unrecognised header, not an invalid row.
  let headerLine = typeof o.header === 'number' ? o.header : 0;
  if (o.header === 'auto') {
    const first = lines.findIndex((l) => l.trim().length > 0);
    const value = first >= 0 ? splitCsvLine(lines[first]!, best.delimiter)[column] : undefined;
    if (first >= 0 && (value === undefined || !looksLikeIsin(value))) headerLine = first + 1;
  }
  return { format: 'csv', delimiter: best.delimiter, headerLine, column };
}
