/** Reading the bearer token of a request, the same way on both servers. */
import { TickworkError } from 'tickwork';

const BEARER = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]{1,512})[ \t]*$/i;

/**
 * The token of an `Authorization: Bearer <token>` header. A missing or malformed header is `UNAUTHENTICATED`;
 * whether the token is valid, expired or revoked is for the user service to say.
 */
export function bearerToken(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value === undefined ? null : BEARER.exec(value);
  if (!match?.[1]) {
    throw new TickworkError('UNAUTHENTICATED', 'Send Authorization: Bearer <token> (POST /auth/login gives one)');
  }
  return match[1];
}
