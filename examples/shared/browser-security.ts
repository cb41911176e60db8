/**
 * The browser-facing rules both servers apply, each in one place: the Content-Security-Policy of every
 * answer, the `Origin` check that stops another site from making a signed-in browser change anything, and
 * where the static web page lives.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { HelmetOptions } from 'helmet';
import { TickworkError } from 'tickwork';
import { cookieToken } from './browser-session.js';
import type { ExampleConfig } from './config.js';

/** The directory of the web page (`examples/web/`), served as static files by both servers. */
export const WEB_ROOT = fileURLToPath(new URL('../web/', import.meta.url));

/**
 * Content-Security-Policy directives: scripts, styles and fetches from this origin only (no inline script),
 * images also from `blob:` (the upload preview) and `data:`, no plugins, no `<base>`, no framing.
 */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'img-src': ["'self'", 'blob:', 'data:'],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'self'"],
};

/** helmet's options on both servers: its default headers, with {@link CSP_DIRECTIVES} as the whole policy. */
export const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES as Record<string, string[]> },
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What {@link checkOrigin} reads from a request. */
export interface OriginCheckRequest {
  /** HTTP method. */
  readonly method: string;
  /** Whether it arrived over https (as the framework sees it, honouring its trust-proxy setting). */
  readonly secure: boolean;
  /** Its headers (`host`, `origin`, `authorization`, `cookie`, `sec-fetch-site` are read). */
  readonly headers: IncomingHttpHeaders;
}

/**
 * Refuses (`FORBIDDEN`) a state-changing request that a browser may have sent on another site's behalf: one
 * without `Authorization` whose `Origin` is not this server's, or that carries the session cookie with
 * neither an `Origin` nor `Sec-Fetch-Site: same-origin` to prove where it came from. Requests with a bearer
 * token cannot be forged that way and pass, as do reads.
 */
export function checkOrigin(request: OriginCheckRequest): void {
  const { headers } = request;
  if (SAFE_METHODS.has(request.method) || headers.authorization !== undefined) return;
  const expected = `${request.secure ? 'https' : 'http'}://${headers.host ?? ''}`;
  if (headers.origin !== undefined) {
    if (headers.origin === expected) return;
    throw new TickworkError('FORBIDDEN', `Cross-origin request refused: Origin ${headers.origin} is not ${expected}`, {
      details: { origin: headers.origin },
    });
  }
  if (cookieToken(headers.cookie) !== undefined && headers['sec-fetch-site'] !== 'same-origin') {
    throw new TickworkError('FORBIDDEN', 'A request signed in by cookie must come from this site (send Origin)');
  }
}

/** What `GET /web-config` answers: the settings the page checks uploads against before sending them. */
export function webConfig(config: Pick<ExampleConfig, 'uploadMaxBytes'>): { uploadMaxBytes: number } {
  return { uploadMaxBytes: config.uploadMaxBytes };
}
