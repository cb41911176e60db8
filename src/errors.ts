/**
 * The one error type of tickwork. Check errors by {@link isTickworkError} and their `code`, never with
 * `instanceof`: a brand survives two copies of the package and every subpath bundle.
 *
 * @module
 */

/**
 * Every error code tickwork throws, with the HTTP status it suggests to a server that reports it.
 * Codes are stable: they are part of the public API and only ever added to.
 *
 * @example
 * ```ts
 * import { ERROR_STATUS, type TickworkErrorCode } from 'tickwork';
 *
 * ERROR_STATUS.NOT_FOUND; // 404
 * const codes = Object.keys(ERROR_STATUS) as TickworkErrorCode[]; // every code, e.g. for an OpenAPI enum
 * ```
 */
export const ERROR_STATUS = {
  /** Input failed validation (a zod schema, a malformed argument). */
  VALIDATION: 400,
  /** An option passed to a tickwork factory is invalid: a programming error, found up front. */
  INVALID_OPTION: 500,
  /** No valid credentials were presented. */
  UNAUTHENTICATED: 401,
  /** The actor is known but may not do this. */
  FORBIDDEN: 403,
  /** The thing asked for does not exist (or the actor may not know it exists). */
  NOT_FOUND: 404,
  /** A uniqueness or state rule was broken (duplicate, concurrent change, wrong status). */
  CONFLICT: 409,
  /** A write came with a fencing token older than one already accepted. */
  STALE_FENCE: 409,
  /** A scheduled run's lease may have expired: another instance may run the tick now (`ctx.assertLease()`). */
  LEASE_LOST: 409,
  /** A body or file is larger than allowed. */
  PAYLOAD_TOO_LARGE: 413,
  /** A body or file is not of an accepted type (decided by its bytes, not its name). */
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** Input is well-formed but cannot be processed (for example an integer beyond 2^53 without `bigint`). */
  UNPROCESSABLE: 422,
  /** Too many requests. */
  RATE_LIMITED: 429,
  /** The operation was aborted through its `AbortSignal`. */
  ABORTED: 499,
  /** Something went wrong that the caller cannot fix. */
  INTERNAL: 500,
  /** An upstream server answered badly (HTTP error, HTML instead of data, truncated body). */
  UPSTREAM: 502,
  /** A backing service (Redis, PostgreSQL) could not be reached. */
  UNAVAILABLE: 503,
  /** The operation took longer than its timeout. */
  TIMEOUT: 504,
} as const satisfies Record<string, number>;

/** A stable error code: a key of {@link ERROR_STATUS}. */
export type TickworkErrorCode = keyof typeof ERROR_STATUS;

/** Options of the {@link TickworkError} constructor. */
export interface TickworkErrorOptions {
  /**
   * The underlying error, kept as ES2022 `cause`. The message then says what failed and leaves why to the
   * cause: never copy the cause's message into it, since loggers (pino, `util.inspect`) print the chain and
   * would show it twice.
   */
  readonly cause?: unknown;
  /** Structured, JSON-safe detail for callers (field errors, limits, expected values). */
  readonly details?: unknown;
  /** Overrides the HTTP status suggested by the code. */
  readonly status?: number;
}

/** The JSON form of a {@link TickworkError}, as servers send it in `{ error: … }`. */
export interface TickworkErrorJson {
  /** Stable machine-readable code. */
  code: TickworkErrorCode;
  /** A sentence for humans. */
  message: string;
  /** Structured detail, when there is any. */
  details?: unknown;
}

const BRAND: unique symbol = Symbol.for('tickwork.error') as never;

/**
 * An error with a stable string `code`, an optional `cause` and `details`, and the HTTP status it suggests.
 *
 * @example
 * ```ts
 * throw new TickworkError('NOT_FOUND', `No app ${id}`, { details: { id } });
 * ```
 */
export class TickworkError extends Error {
  /** Stable machine-readable code. */
  readonly code: TickworkErrorCode;
  /** The HTTP status a server should answer with. */
  readonly status: number;
  /** Structured detail, safe to serialise. */
  readonly details: unknown;
  /**
   * Brand read by {@link isTickworkError}; shared by every copy of the package.
   * @internal
   */
  readonly [BRAND] = true;

  /**
   * @param code - a stable code from {@link ERROR_STATUS}
   * @param message - a sentence for humans
   * @param options - cause, details and status override
   */
  constructor(code: TickworkErrorCode, message: string, options: TickworkErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TickworkError';
    this.code = code;
    this.status = options.status ?? ERROR_STATUS[code] ?? 500;
    this.details = options.details;
  }

  /** The JSON shape servers answer with: `{ code, message, details? }`. */
  toJSON(): TickworkErrorJson {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/**
 * Whether `error` is a {@link TickworkError}, optionally with the given code. Works across subpath bundles
 * and duplicate installs, because it checks a global brand rather than the prototype chain.
 *
 * @example
 * ```ts
 * if (isTickworkError(err, 'CONFLICT')) return reply.code(409).send(err.toJSON());
 * ```
 */
export function isTickworkError(error: unknown, code?: TickworkErrorCode): error is TickworkError {
  if (typeof error !== 'object' || error === null || (error as Record<symbol, unknown>)[BRAND] !== true) return false;
  return code === undefined || (error as TickworkError).code === code;
}
