/**
 * Redacting a list source (`ISIN_SOURCE`) for display: a URL may carry credentials (`https://user:pass@…`) or
 * a token in its query string, and a file path tells the server's directory layout. What remains names the list
 * without giving any of that away.
 */
import { basename } from 'node:path';

/**
 * `source` without user info, query string or fragment when it is a URL (`https://host/path`), and only its
 * file name when it is a path or a `file:` URL.
 *
 * @example
 * ```ts
 * redactSource('https://bot:s3cret@example.com/isin.csv?token=abc'); // 'https://example.com/isin.csv'
 * redactSource('/srv/app/data/isin.csv'); // 'isin.csv'
 * ```
 */
export function redactSource(source: string): string {
  let url: URL | undefined;
  try {
    url = new URL(source);
  } catch {
    url = undefined;
  }
  // A one-letter scheme is a Windows drive (`C:\lists\isin.csv`), not a URL.
  if (url && url.protocol.length > 2 && url.protocol !== 'file:') {
    return `${url.protocol}//${url.host}${url.pathname}`;
  }
  const path = url?.protocol === 'file:' ? decodeURIComponent(url.pathname) : source;
  return basename(path.replace(/\\/g, '/')) || '(file)';
}

/**
 * `text` (an error message, say) with every spelling of `source` that a message may carry, as configured or as
 * `URL` normalised it, replaced by {@link redactSource}'s form.
 *
 * @example
 * ```ts
 * redactSourceIn('Cannot reach https://u:p@host/l.csv: refused', 'https://u:p@host/l.csv'); // 'Cannot reach https://host/l.csv: refused'
 * ```
 */
export function redactSourceIn(text: string, source: string): string {
  const spellings = new Set([source]);
  try {
    spellings.add(new URL(source).href);
  } catch {
    // Not a URL: the path as configured is the one spelling.
  }
  let out = text;
  for (const spelling of [...spellings].sort((a, b) => b.length - a.length)) {
    out = out.split(spelling).join(redactSource(source));
  }
  return out;
}
