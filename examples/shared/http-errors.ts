/**
 * The one mapping from any thrown value to an HTTP answer `{ error: { code, message, details? } }`. Both
 * servers call {@link toHttpError} from their error handler, so a given failure looks the same on each.
 */

import { ERROR_STATUS, isTickworkError, TickworkError, type TickworkErrorCode, validationError } from 'tickwork';
import { ZodError } from 'zod';

/** The JSON body of every error answer. */
export interface ErrorBody {
  /** The error itself. */
  error: {
    /** Stable machine-readable code. */
    code: TickworkErrorCode;
    /** A sentence for humans. */
    message: string;
    /** Structured detail (the invalid fields of a 400, the limit of a 413), when there is any. */
    details?: unknown;
  };
}

/** An HTTP status and the body to send with it. */
export interface HttpError {
  /** HTTP status code. */
  status: number;
  /** JSON body. */
  body: ErrorBody;
}

// Framework and parser errors carry their own codes; these are the ones a client can cause.
const KNOWN_CODES: Readonly<Record<string, TickworkErrorCode>> = {
  LIMIT_FILE_SIZE: 'PAYLOAD_TOO_LARGE',
  LIMIT_FIELD_VALUE: 'PAYLOAD_TOO_LARGE',
  LIMIT_PART_COUNT: 'PAYLOAD_TOO_LARGE',
  LIMIT_FILE_COUNT: 'PAYLOAD_TOO_LARGE',
  // A text field where only the file is expected: the same 400 on both servers.
  LIMIT_FIELD_COUNT: 'VALIDATION',
  LIMIT_UNEXPECTED_FILE: 'VALIDATION',
  FST_REQ_FILE_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_FILES_LIMIT: 'PAYLOAD_TOO_LARGE',
  FST_PARTS_LIMIT: 'PAYLOAD_TOO_LARGE',
  FST_FIELDS_LIMIT: 'VALIDATION',
  FST_INVALID_JSON_FIELD_ERROR: 'VALIDATION',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
};

/**
 * The code for a framework's or parser's own 4xx status: the inverse of `ERROR_STATUS`, where the first code of
 * a status stands for it (`CONFLICT` for 409, not `STALE_FENCE`).
 */
const BY_STATUS: ReadonlyMap<number, TickworkErrorCode> = new Map(
  // Reversed: a Map keeps the last entry of a key, so the first code of each status ends up kept.
  (Object.entries(ERROR_STATUS) as [TickworkErrorCode, number][]).reverse().map(([code, status]) => [status, code]),
);

function numericStatus(error: object): number | undefined {
  const e = error as { statusCode?: unknown; status?: unknown };
  const status = typeof e.statusCode === 'number' ? e.statusCode : e.status;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : undefined;
}

// What a client is told instead of a message that came from a driver, the file system or a server fault.
const GENERIC_MESSAGE: Partial<Record<TickworkErrorCode, string>> = {
  VALIDATION: 'Invalid request',
  NOT_FOUND: 'Not found',
  CONFLICT: 'The request conflicts with the current state; try again',
  UNAVAILABLE: 'A backing service is unavailable; try again later',
  TIMEOUT: 'The request took too long; try again later',
};

/**
 * Whether a `TickworkError`'s message and details may reach a client: not when it reports a server fault
 * (5xx, which only the log needs), nor when it wraps a foreign error (a driver's or the file system's, whose
 * text names hosts, paths, SQL states and constraints). An error the services wrote themselves, perhaps
 * around another `TickworkError`, is meant for the client.
 */
function isClientFacing(error: TickworkError): boolean {
  return error.status < 500 && (error.cause === undefined || isTickworkError(error.cause));
}

/**
 * Maps anything thrown while serving a request to a status and an error body. A `TickworkError` keeps its
 * code, status and details, except that a server fault or a wrapped driver error gets a generic message; a zod
 * error is a 400 naming the fields; a parser or framework error with a 4xx status keeps it; anything else is a
 * 500 whose message reveals nothing about the server.
 */
export function toHttpError(error: unknown): HttpError {
  if (isTickworkError(error)) {
    if (isClientFacing(error)) return { status: error.status, body: { error: error.toJSON() } };
    const message = GENERIC_MESSAGE[error.code] ?? 'Internal server error';
    return { status: error.status, body: { error: { code: error.code, message } } };
  }
  if (error instanceof ZodError) return toHttpError(validationError(error, 'request'));
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    const known = typeof code === 'string' ? KNOWN_CODES[code] : undefined;
    const message = error instanceof Error ? error.message : String(code);
    if (known) return { status: ERROR_STATUS[known], body: { error: { code: known, message } } };
    const status = numericStatus(error);
    if (status !== undefined && status < 500) {
      return { status, body: { error: { code: BY_STATUS.get(status) ?? 'VALIDATION', message } } };
    }
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'Internal server error' } } };
}

/**
 * The 503 answer for a request that arrives while the server shuts down (on a connection already open). Built
 * here, not through {@link toHttpError}, whose generic 5xx text would blame a backing service.
 */
export function shuttingDown(): HttpError {
  const message = 'The server is shutting down; try again on a new connection';
  return { status: ERROR_STATUS.UNAVAILABLE, body: { error: { code: 'UNAVAILABLE', message } } };
}

/** The 404 answer for a route that does not exist. */
export function routeNotFound(method: string, path: string): HttpError {
  return toHttpError(new TickworkError('NOT_FOUND', `No route ${method} ${path}`, { details: { method, path } }));
}

/** The 415 for a body of a media type the route does not read; `accepted` lists the ones it does. */
export function unsupportedMediaType(contentType: string | undefined, accepted: readonly string[]): TickworkError {
  return new TickworkError('UNSUPPORTED_MEDIA_TYPE', `Unsupported media type: ${contentType ?? '(none)'}`, {
    details: { accepted },
  });
}

/**
 * An error from a multipart parser (multer, `@fastify/multipart`, both on busboy) as the client should see it:
 * the parsers' own limit and type errors carry a code or status and are mapped by {@link toHttpError}; the
 * plain `Error`s busboy throws for a body that is not valid multipart ("Unexpected end of form", "Malformed part
 * header", "Boundary not found") are the client's fault, a 400, not a 500.
 */
export function multipartError(error: unknown): unknown {
  if (isTickworkError(error) || typeof error !== 'object' || error === null) return error;
  const e = error as { code?: unknown; statusCode?: unknown; status?: unknown };
  if (typeof e.code === 'string' || numericStatus(error) !== undefined) return error;
  return new TickworkError('VALIDATION', 'The multipart body is malformed', {
    details: { fields: [{ path: '', message: 'Malformed multipart body', code: 'invalid_format' }] },
  });
}
