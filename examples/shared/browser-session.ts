/**
 * The browser's session, the same on both servers: the login token travels in an `HttpOnly; SameSite=Strict`
 * cookie (so page scripts never hold it), while API clients keep sending `Authorization: Bearer <token>`.
 */
import { bearerToken } from './bearer.js';

/** Name of the session cookie. (`__Host-` would need `Secure`, which plain-HTTP local runs cannot set.) */
export const SESSION_COOKIE = 'tickwork_session';

const TOKEN = /^[A-Za-z0-9._~+/=-]{1,512}$/;

/** The attributes every session cookie carries; `Secure` is added when the request came over https. */
function attributes(secure: boolean): string {
  return `Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** The `Set-Cookie` value that stores `token` until `expiresAt`. */
export function sessionCookie(token: string, expiresAt: Date | string, secure: boolean): string {
  const expires = new Date(expiresAt);
  const maxAge = Math.max(0, Math.floor((expires.getTime() - Date.now()) / 1000));
  return `${SESSION_COOKIE}=${token}; ${attributes(secure)}; Max-Age=${maxAge}; Expires=${expires.toUTCString()}`;
}

/** The `Set-Cookie` value that deletes the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; ${attributes(secure)}; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT`;
}

/** The session token in a `Cookie` header, or `undefined` when there is none (or it is malformed). */
export function cookieToken(cookie: string | undefined): string | undefined {
  if (!cookie) return undefined;
  for (const part of cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return TOKEN.test(value) ? value : undefined;
  }
  return undefined;
}

/** The request headers the session is read from. */
export interface SessionHeaders {
  /** `Authorization` header. */
  readonly authorization?: string | string[] | undefined;
  /** `Cookie` header. */
  readonly cookie?: string | undefined;
}

/**
 * The token of a request: from `Authorization: Bearer` when that header is sent (API clients), else from the
 * session cookie (the web page). Neither is `UNAUTHENTICATED`; the user service judges the token itself.
 */
export function requestToken(headers: SessionHeaders): string {
  if (headers.authorization === undefined) {
    const token = cookieToken(headers.cookie);
    if (token) return token;
  }
  return bearerToken(headers.authorization);
}

/** The token `POST /auth/logout` ends: the bearer token or the cookie's, if the request has one at all. */
export function optionalRequestToken(headers: SessionHeaders): string | undefined {
  try {
    return requestToken(headers);
  } catch {
    return undefined;
  }
}
