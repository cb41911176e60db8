/**
 * The security headers of answers that never pass through a framework's middleware: the errors Node's HTTP
 * parser reports before there is a request (a malformed request line, headers over the size limit, a request
 * that timed out) and the router's own errors on Fastify. They carry the same headers as every other answer,
 * taken from helmet itself, and the same `{ error: { code, message } }` body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import helmet from 'helmet';
import type { TickworkErrorCode } from 'tickwork';
import { HELMET_OPTIONS } from './browser-security.js';
import type { ErrorBody } from './http-errors.js';

/**
 * helmet's headers for {@link HELMET_OPTIONS}, recorded once by running its middleware against a response that
 * only notes what is set: the list cannot drift from what the middleware sends.
 */
function recordHelmetHeaders(): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(HELMET_OPTIONS)({} as IncomingMessage, recorder as unknown as ServerResponse, () => undefined);
  return Object.freeze(headers);
}

/** Every security header of an answer, by lower-case name (CSP, `X-Content-Type-Options: nosniff`, …). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = recordHelmetHeaders();

// What Node's parser reports, as the client sees it.
const CLIENT_ERRORS: Readonly<Record<string, { status: number; code: TickworkErrorCode; message: string }>> = {
  HPE_HEADER_OVERFLOW: { status: 431, code: 'PAYLOAD_TOO_LARGE', message: 'Request headers are too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'TIMEOUT', message: 'The request took too long to arrive' },
};

/**
 * The `clientError` handler of both servers: answers what Node's parser refused with the error shape and the
 * security headers, then closes the connection (it cannot be trusted to be in sync any more).
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known = CLIENT_ERRORS[error.code ?? ''] ?? {
    status: 400,
    code: 'VALIDATION',
    message: 'Malformed HTTP request',
  };
  const body: ErrorBody = { error: { code: known.code, message: known.message } };
  const json = JSON.stringify(body);
  const headers = {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(json)),
    connection: 'close',
  };
  if (socket.writable) {
    const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.write(`HTTP/1.1 ${known.status} ${STATUS_CODES[known.status]}\r\n${head.join('')}\r\n${json}`);
  }
  socket.destroy();
}
