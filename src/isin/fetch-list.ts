/**
 * `fetchIsinList`: download (or read) a list, decompress it by magic bytes, refuse error pages, parse and
 * validate it, with retries, timeouts, conditional requests and a SHA-256 of the body.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pRetry from 'p-retry';
import { isTickworkError, TickworkError } from '../errors.js';
import { assertInteger, assertNumberInRange } from '../internal/assert.js';
import { decodeBody } from './inflate.js';
import type { ParsedIsinList, ParseIsinListOptions } from './parse-list.js';
import { parseChunks, resolveParseOptions } from './parse-list.js';

/** Where a list comes from: a URL, a `file:` URL or a local path; or a spec with headers and a resolver. */
export type IsinListSource = string | URL | IsinSourceSpec;

/** A resolved download location, with an optional version key (GLEIF's file name, for instance). */
export interface ResolvedIsinSource {
  /** The URL (or path) to read. */
  readonly url: string | URL;
  /** A key that changes exactly when the list changes; equal to the previous one → `not-modified`. */
  readonly versionKey?: string;
}

/** A list source with everything needed to read it. Presets such as `gleifIsinLei()` return one. */
export interface IsinSourceSpec {
  /** The location, or a function that finds it (for sources whose URL changes every day). */
  readonly url: string | URL | ((signal: AbortSignal) => Promise<string | URL | ResolvedIsinSource>);
  /** Request headers (some servers refuse default user agents). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Which zip member to read: a name or a pattern. By default the first `.csv` or `.txt` member. */
  readonly zipMember?: string | RegExp;
  /** How the list is shaped; merged under the parse options of the call. */
  readonly parse?: ParseIsinListOptions;
}

/** What the last accepted snapshot said about its source; used for conditional requests. */
export interface PreviousIsinSource {
  /** `ETag` → `If-None-Match`. */
  readonly etag?: string;
  /** `Last-Modified` → `If-Modified-Since`. */
  readonly lastModified?: string;
  /** SHA-256 of the last body: the same hash → `not-modified`. */
  readonly sha256?: string;
  /** Version key from a resolver: the same key → `not-modified` without downloading. */
  readonly versionKey?: string;
}

/** Progress of a download. */
export interface FetchIsinListProgress {
  /** Attempt number, from 1. */
  readonly attempt: number;
  /** Raw bytes received in this attempt. */
  readonly bytes: number;
  /** `Content-Length`, when the server sent one. */
  readonly totalBytes?: number;
  /** Data rows parsed so far. */
  readonly rows: number;
}

/** Options of {@link fetchIsinList}: parse options plus transport, limits and retries. */
export interface FetchIsinListOptions extends Omit<ParseIsinListOptions, 'onProgress'> {
  /** Extra request headers (added to the source's). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The last accepted source validators, for `not-modified`. */
  readonly previous?: PreviousIsinSource;
  /**
   * Retries after a network error, a 5xx or a 429 (never after another 4xx or a bad body).
   * @default 3
   */
  readonly retries?: number;
  /**
   * First retry delay in ms (doubling, with jitter).
   * @default 1000
   */
  readonly minRetryDelay?: number;
  /**
   * Longest retry delay in ms.
   * @default 30000
   */
  readonly maxRetryDelay?: number;
  /**
   * Longest `Retry-After` honoured, in ms; a longer one fails the fetch with `RATE_LIMITED` at once.
   * @default 300000
   */
  readonly maxRetryAfter?: number;
  /**
   * Time limit of one attempt (request and whole body), in ms.
   * @default 300000
   */
  readonly timeout?: number;
  /**
   * Time limit of the whole fetch, retries included, in ms.
   * @default 1800000
   */
  readonly totalTimeout?: number;
  /**
   * Most raw bytes accepted.
   * @default 2147483648
   */
  readonly maxBytes?: number;
  /**
   * Most decompressed bytes accepted.
   * @default 8589934592
   */
  readonly maxDecompressedBytes?: number;
  /**
   * Most decompressed bytes per compressed byte (zip-bomb guard; real lists compress about 10:1).
   * @default 100
   */
  readonly maxCompressionRatio?: number;
  /** Zip member name or pattern; overrides the source's. */
  readonly zipMember?: string | RegExp;
  /** The fetch implementation. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Called as bytes arrive. */
  readonly onProgress?: (progress: FetchIsinListProgress) => void;
}

/** Facts about the fetched body. */
export interface FetchedIsinSourceMeta {
  /** The URL or path read. */
  readonly source: string;
  /** The resolver's version key. */
  readonly versionKey?: string;
  /** Response `ETag`. */
  readonly etag?: string;
  /** Response `Last-Modified`. */
  readonly lastModified?: string;
  /** Hex SHA-256 of the raw body (absent for a 304). */
  readonly sha256?: string;
  /** Raw body bytes. */
  readonly bytes: number;
  /** Compression found by magic bytes. */
  readonly compression?: 'none' | 'gzip' | 'zip';
  /** The zip member read. */
  readonly member?: string;
  /** Attempts made. */
  readonly attempts: number;
  /** When the fetch finished (ISO 8601). */
  readonly fetchedAt: string;
}

/** The outcome of {@link fetchIsinList}. */
export type FetchIsinListResult =
  | {
      /** The list did not change (304, same version key, or same SHA-256): nothing was parsed into use. */
      readonly status: 'not-modified';
      /** Facts about the source. */
      readonly meta: FetchedIsinSourceMeta;
    }
  | {
      /** A list was downloaded and parsed. */
      readonly status: 'fetched';
      /** The parsed list. */
      readonly list: ParsedIsinList;
      /** Facts about the source. */
      readonly meta: FetchedIsinSourceMeta;
    };

interface Attempt {
  readonly n: number;
  readonly signal: AbortSignal;
}

const retryable = (error: unknown): boolean =>
  isTickworkError(error) && (error.details as { retryable?: boolean } | undefined)?.retryable === true;

function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

const isHttp = (s: string) => /^https?:\/\//i.test(s);

async function* tapped(
  body: AsyncIterable<Uint8Array>,
  onChunk: (chunk: Uint8Array) => void,
): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of body) {
      onChunk(chunk);
      yield chunk;
    }
  } catch (error) {
    if (isTickworkError(error)) throw error;
    // The connection broke mid-body: worth another attempt.
    throw new TickworkError('UPSTREAM', `The download broke off: ${(error as Error).message}`, {
      cause: error,
      details: { reason: 'network', retryable: true },
    });
  }
}

/**
 * Downloads (or reads) an ISIN list and parses it. Compression is decided by magic bytes (gzip, zip or
 * none); an HTML page is refused even with status 200; network errors, 5xx and 429 are retried (honouring
 * `Retry-After`), other 4xx are not. Throws a `TickworkError` (`UPSTREAM`, `TIMEOUT`, `RATE_LIMITED`,
 * `PAYLOAD_TOO_LARGE`, `UNSUPPORTED_MEDIA_TYPE`, `NOT_FOUND`, `ABORTED`) when no list could be read.
 *
 * @example
 * ```ts
 * const result = await fetchIsinList(gleifIsinLei(), { previous: snapshot?.meta, signal });
 * if (result.status === 'fetched') console.log(result.list.set.size, result.list.invalid);
 * ```
 */
export async function fetchIsinList(
  source: IsinListSource,
  options: FetchIsinListOptions = {},
): Promise<FetchIsinListResult> {
  const spec: IsinSourceSpec = typeof source === 'string' || source instanceof URL ? { url: source } : source;
  const parseOptions: ParseIsinListOptions = { ...spec.parse, ...parseOptionsOf(options) };
  const settings = resolveParseOptions(parseOptions);
  const retries = options.retries ?? 3;
  const minDelay = options.minRetryDelay ?? 1000;
  const maxDelay = options.maxRetryDelay ?? 30_000;
  const maxRetryAfter = options.maxRetryAfter ?? 300_000;
  const timeout = options.timeout ?? 300_000;
  const totalTimeout = options.totalTimeout ?? 1_800_000;
  const maxBytes = options.maxBytes ?? 2 ** 31;
  const limits = {
    maxDecompressedBytes: options.maxDecompressedBytes ?? 2 ** 33,
    maxCompressionRatio: options.maxCompressionRatio ?? 100,
  };
  assertInteger('retries', retries, 0);
  assertInteger('minRetryDelay', minDelay, 0);
  assertInteger('maxRetryDelay', maxDelay, 0);
  assertInteger('maxRetryAfter', maxRetryAfter, 0);
  assertInteger('timeout', timeout);
  assertInteger('totalTimeout', totalTimeout);
  assertInteger('maxBytes', maxBytes);
  assertInteger('maxDecompressedBytes', limits.maxDecompressedBytes);
  assertNumberInRange('maxCompressionRatio', limits.maxCompressionRatio, 1, Number.MAX_SAFE_INTEGER);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const member = options.zipMember ?? spec.zipMember;
  const pick =
    member === undefined
      ? (name: string) => /\.(csv|txt|tsv)$/i.test(name)
      : typeof member === 'string'
        ? (name: string) => name === member || name.endsWith(`/${member}`)
        : (name: string) => {
            member.lastIndex = 0;
            return member.test(name);
          };

  const user = options.signal;
  const total = AbortSignal.timeout(totalTimeout);
  const overall = user === undefined ? total : AbortSignal.any([user, total]);
  const abortError = (cause: unknown): TickworkError =>
    user?.aborted
      ? new TickworkError('ABORTED', 'The fetch was aborted.', { cause: user.reason })
      : total.aborted
        ? new TickworkError('TIMEOUT', `The fetch took longer than ${totalTimeout} ms in total.`, { cause })
        : new TickworkError('TIMEOUT', `An attempt took longer than ${timeout} ms.`, {
            cause,
            details: { retryable: true },
          });

  let attempts = 0;
  const run = async (): Promise<FetchIsinListResult> => {
    attempts++;
    const signal = AbortSignal.any([overall, AbortSignal.timeout(timeout)]);
    try {
      return await attemptOnce({ n: attempts, signal });
    } catch (error) {
      if (signal.aborted) throw abortError(error);
      throw error;
    }
  };

  async function attemptOnce(attempt: Attempt): Promise<FetchIsinListResult> {
    let resolved: ResolvedIsinSource;
    if (typeof spec.url === 'function') {
      const r = await spec.url(attempt.signal);
      resolved = typeof r === 'string' || r instanceof URL ? { url: r } : r;
    } else resolved = { url: spec.url };
    const where = String(resolved.url);
    const previous = options.previous;
    const base = { source: where, ...(resolved.versionKey === undefined ? {} : { versionKey: resolved.versionKey }) };
    if (resolved.versionKey !== undefined && resolved.versionKey === previous?.versionKey) {
      return { status: 'not-modified', meta: { ...base, bytes: 0, attempts, fetchedAt: new Date().toISOString() } };
    }
    let body: AsyncIterable<Uint8Array>;
    let totalBytes: number | undefined;
    let etag: string | undefined;
    let lastModified: string | undefined;
    if (isHttp(where)) {
      const headers: Record<string, string> = { ...spec.headers, ...options.headers };
      if (previous?.etag) headers['if-none-match'] = previous.etag;
      if (previous?.lastModified) headers['if-modified-since'] = previous.lastModified;
      let response: Response;
      try {
        response = await fetchImpl(where, { headers, signal: attempt.signal, redirect: 'follow' });
      } catch (error) {
        if (attempt.signal.aborted) throw error;
        throw new TickworkError('UPSTREAM', `Cannot reach ${where}: ${(error as Error).message}`, {
          cause: error,
          details: { reason: 'network', retryable: true },
        });
      }
      etag = response.headers.get('etag') ?? undefined;
      lastModified = response.headers.get('last-modified') ?? undefined;
      const validators = { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
      if (response.status === 304) {
        await response.body?.cancel();
        return {
          status: 'not-modified',
          meta: { ...base, ...validators, bytes: 0, attempts, fetchedAt: new Date().toISOString() },
        };
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => {});
        const status = response.status;
        const again = status === 429 || status >= 500;
        const retryAfter = again ? parseRetryAfter(response.headers.get('retry-after')) : undefined;
        const tooLong = retryAfter !== undefined && retryAfter > maxRetryAfter;
        throw new TickworkError(
          status === 429 ? 'RATE_LIMITED' : 'UPSTREAM',
          `${where} answered HTTP ${status}${tooLong ? ` with Retry-After beyond ${maxRetryAfter} ms` : ''}.`,
          { details: { reason: 'http', status, retryable: again && !tooLong, retryAfter } },
        );
      }
      const length = Number(response.headers.get('content-length'));
      if (Number.isFinite(length) && length > 0) {
        totalBytes = length;
        if (length > maxBytes) {
          await response.body?.cancel().catch(() => {});
          throw new TickworkError('PAYLOAD_TOO_LARGE', `${where} is ${length} bytes; the limit is ${maxBytes}.`, {
            details: { reason: 'size', limit: maxBytes },
          });
        }
      }
      if (response.body === null) throw new TickworkError('UPSTREAM', `${where} sent no body.`);
      body = response.body as unknown as AsyncIterable<Uint8Array>;
      body = tapped(body, () => {});
    } else {
      const path = where.startsWith('file:') ? fileURLToPath(where) : where;
      const info = await stat(path).catch((error: unknown) => {
        throw new TickworkError('NOT_FOUND', `Cannot read ${path}: ${(error as Error).message}`, { cause: error });
      });
      totalBytes = info.size;
      lastModified = info.mtime.toUTCString();
      body = createReadStream(path, { highWaterMark: 1 << 20, signal: attempt.signal });
    }
    const hash = createHash('sha256');
    let bytes = 0;
    let rows = 0;
    const counted = tapped(body, (chunk) => {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        throw new TickworkError('PAYLOAD_TOO_LARGE', `${where} exceeds ${maxBytes} bytes.`, {
          details: { reason: 'size', limit: maxBytes },
        });
      }
      hash.update(chunk);
      options.onProgress?.({ attempt: attempt.n, bytes, rows, ...(totalBytes ? { totalBytes } : {}) });
    });
    const decoded = await decodeBody(counted, pick, limits);
    const list = await parseChunks(
      decoded.chunks,
      {
        ...parseOptions,
        signal: attempt.signal,
        onProgress: (p) => {
          rows = p.rows;
        },
      },
      settings,
    );
    const sha256 = hash.digest('hex');
    const meta: FetchedIsinSourceMeta = {
      ...base,
      ...(etag ? { etag } : {}),
      ...(lastModified ? { lastModified } : {}),
      sha256,
      bytes,
      compression: decoded.compression,
      ...(decoded.member === undefined ? {} : { member: decoded.member }),
      attempts,
      fetchedAt: new Date().toISOString(),
    };
    options.onProgress?.({ attempt: attempt.n, bytes, rows: list.rows, ...(totalBytes ? { totalBytes } : {}) });
    if (previous?.sha256 === sha256) return { status: 'not-modified', meta };
    return { status: 'fetched', list, meta };
  }

  try {
    return await pRetry(run, {
      retries,
      minTimeout: minDelay,
      maxTimeout: maxDelay,
      factor: 2,
      randomize: true,
      signal: overall,
      shouldRetry: ({ error }) => retryable(error),
      onFailedAttempt: async ({ error, retriesLeft }) => {
        const wait = (error as TickworkError).details as { retryAfter?: number; retryable?: boolean } | undefined;
        if (retriesLeft > 0 && wait?.retryable && wait.retryAfter !== undefined && wait.retryAfter > 0) {
          await sleep(wait.retryAfter, undefined, { signal: overall }).catch(() => {});
        }
      },
    });
  } catch (error) {
    if (user?.aborted) throw new TickworkError('ABORTED', 'The fetch was aborted.', { cause: user.reason });
    if (isTickworkError(error)) throw error;
    if (overall.aborted) throw abortError(error);
    throw new TickworkError('UPSTREAM', `Cannot read the list: ${(error as Error).message}`, { cause: error });
  }
}

const PARSE_KEYS = [
  'format',
  'delimiter',
  'header',
  'column',
  'encoding',
  'mode',
  'prefixes',
  'skipLinesAfterHeader',
  'skipLinePattern',
  'maxIssues',
  'maxDuplicateSample',
] as const;

/** The parse options set in `o` (unset ones leave the source's shape alone). */
function parseOptionsOf(o: FetchIsinListOptions): ParseIsinListOptions {
  const out: Record<string, unknown> = {};
  for (const key of PARSE_KEYS) if (o[key] !== undefined) out[key] = o[key];
  return out as ParseIsinListOptions;
}
