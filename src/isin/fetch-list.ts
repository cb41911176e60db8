/**
 * `fetchIsinList`: download (or read) a list, decompress it by magic bytes, refuse error pages, parse and
 * validate it, with retries, timeouts, conditional requests and a SHA-256 of the body. Its three steps live
 * beside it: the transport (fetch-source.ts), the decode pipeline (decode-list.ts) and the retry wrapper
 * (fetch-retry.ts); this file holds the options, their resolver and the composition.
 */
import { assertInteger, assertNumberInRange } from '../internal/assert.js';
import type { DecodedList, DecodeSettings } from './decode-list.js';
import { decodeList, memberPicker } from './decode-list.js';
import type { IsinFetchRetryOptions, RetrySettings, TimeLimits } from './fetch-retry.js';
import { resolveRetryOptions, withRetries } from './fetch-retry.js';
import type {
  IsinListSource,
  IsinSourceSpec,
  PreviousIsinSource,
  SourceFacts,
  TransportSettings,
} from './fetch-source.js';
import { openSource, toSpec } from './fetch-source.js';
import type { IsinListShape, ParsedIsinList } from './parse-list.js';
import { resolveParseOptions } from './parse-list.js';

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

/**
 * Options of {@link fetchIsinList}: transport and limits, plus the `parse` and `retry` groups. Durations are
 * in milliseconds.
 */
export interface FetchIsinListOptions {
  /** How the list is shaped; merged over the source spec's `parse` (set keys win). */
  readonly parse?: IsinListShape;
  /** Retries after a network error, a 5xx or a 429 (p-retry, exponential with jitter). */
  readonly retry?: IsinFetchRetryOptions;
  /** Extra request headers (added to the source's). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The last accepted source validators, for `not-modified`. */
  readonly previous?: PreviousIsinSource;
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
  /** Stops the fetch; it then rejects with `ABORTED`. */
  readonly signal?: AbortSignal;
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

/**
 * Resolved options of a fetch from one source: every option checked and defaulted, once.
 * @internal
 */
export interface FetchSettings {
  /** The source. */
  readonly spec: IsinSourceSpec;
  /** Transport settings. */
  readonly transport: TransportSettings;
  /** Decode pipeline settings. */
  readonly decode: DecodeSettings;
  /** Retry settings. */
  readonly retry: RetrySettings;
  /** Time limits. */
  readonly limits: TimeLimits;
  /** Progress callback. */
  readonly onProgress: ((progress: FetchIsinListProgress) => void) | undefined;
}

const definedOnly = <T extends object>(o: T | undefined): Partial<T> =>
  Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;

/**
 * Checks the fetch options for `source` up front and fills in defaults. Reads only the options of a fetch,
 * so a caller may pass a larger object (`createIsinSync` passes its own options). `signal` and `previous`
 * belong to each call and are not resolved here.
 * @internal
 */
export function resolveFetchOptions(source: IsinListSource, o: FetchIsinListOptions): FetchSettings {
  const spec = toSpec(source);
  const retry = resolveRetryOptions(o.retry);
  const parse = resolveParseOptions({ ...spec.parse, ...definedOnly(o.parse) });
  const limits = { timeout: o.timeout ?? 300_000, totalTimeout: o.totalTimeout ?? 1_800_000 };
  const maxBytes = o.maxBytes ?? 2 ** 31;
  const maxDecompressedBytes = o.maxDecompressedBytes ?? 2 ** 33;
  const maxCompressionRatio = o.maxCompressionRatio ?? 100;
  assertInteger('timeout', limits.timeout);
  assertInteger('totalTimeout', limits.totalTimeout);
  assertInteger('maxBytes', maxBytes);
  assertInteger('maxDecompressedBytes', maxDecompressedBytes);
  assertNumberInRange('maxCompressionRatio', maxCompressionRatio, 1, Number.MAX_SAFE_INTEGER);
  return {
    spec,
    transport: { headers: o.headers, maxBytes, maxRetryAfter: retry.maxRetryAfter, fetch: o.fetch ?? globalThis.fetch },
    decode: {
      maxBytes,
      maxDecompressedBytes,
      maxCompressionRatio,
      pickMember: memberPicker(o.zipMember ?? spec.zipMember),
      parse,
    },
    retry,
    limits,
    onProgress: o.onProgress,
  };
}

/**
 * Runs a fetch with resolved settings; `signal` and `previous` are this call's.
 * @internal
 */
export function fetchResolved(
  settings: FetchSettings,
  call: { readonly signal?: AbortSignal | undefined; readonly previous?: PreviousIsinSource | undefined } = {},
): Promise<FetchIsinListResult> {
  const { previous } = call;
  return withRetries(
    async (attempt): Promise<FetchIsinListResult> => {
      const meta = (facts: SourceFacts, read: Omit<DecodedList, 'list'> | { bytes: 0 }): FetchedIsinSourceMeta => ({
        ...facts,
        ...read,
        attempts: attempt.n,
        fetchedAt: new Date().toISOString(),
      });
      const opened = await openSource(settings.spec, settings.transport, previous, attempt.signal);
      if (opened.status === 'not-modified') return { status: 'not-modified', meta: meta(opened.facts, { bytes: 0 }) };
      const { totalBytes } = opened;
      const progress = (bytes: number, rows: number) =>
        settings.onProgress?.({ attempt: attempt.n, bytes, rows, ...(totalBytes ? { totalBytes } : {}) });
      const { list, ...read } = await decodeList(
        opened.body,
        opened.facts.source,
        settings.decode,
        attempt.signal,
        progress,
      );
      const result = meta(opened.facts, read);
      progress(read.bytes, list.rows);
      if (previous?.sha256 === read.sha256) return { status: 'not-modified', meta: result };
      return { status: 'fetched', list, meta: result };
    },
    settings.retry,
    settings.limits,
    call.signal,
  );
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
  return fetchResolved(resolveFetchOptions(source, options), options);
}
