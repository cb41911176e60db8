/**
 * The transport step of `fetchIsinList`: find where the list is, then open it over HTTP (conditional request,
 * status and size checks) or from a file. Returns the body and its validators, or `not-modified` when the
 * source says the list has not changed. Reading the body is the decode pipeline's job (decode-list.ts).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { TickworkError } from '../errors.js';
import type { IsinListShape } from './parse-list.js';

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
  /** How the list is shaped; the `parse` options of the call are merged over it. */
  readonly parse?: IsinListShape;
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

/** Resolved transport settings. */
export interface TransportSettings {
  /** Extra request headers (added to the source's). */
  readonly headers: Readonly<Record<string, string>> | undefined;
  /** Most raw bytes accepted. */
  readonly maxBytes: number;
  /** Longest `Retry-After` worth waiting for, in ms. */
  readonly maxRetryAfter: number;
  /** The fetch implementation. */
  readonly fetch: typeof fetch;
}

/** Where the list was found and what its source said about it. */
export interface SourceFacts {
  /** The URL or path read. */
  readonly source: string;
  /** The resolver's version key. */
  readonly versionKey?: string;
  /** Response `ETag`. */
  readonly etag?: string;
  /** Response `Last-Modified` (a file's modification time). */
  readonly lastModified?: string;
}

/** An opened source: unchanged, or a body to read. */
export type OpenedSource =
  | { readonly status: 'not-modified'; readonly facts: SourceFacts }
  | {
      readonly status: 'open';
      readonly facts: SourceFacts;
      /** The raw body, as it arrives. */
      readonly body: AsyncIterable<Uint8Array>;
      /** `Content-Length` or the file size, when known. */
      readonly totalBytes?: number;
    };

/** A spec for any source. */
export const toSpec = (source: IsinListSource): IsinSourceSpec =>
  typeof source === 'string' || source instanceof URL ? { url: source } : source;

const isHttp = (s: string) => /^https?:\/\//i.test(s);

function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Finds the location (calling the resolver, if any) and opens it for one attempt. */
export async function openSource(
  spec: IsinSourceSpec,
  settings: TransportSettings,
  previous: PreviousIsinSource | undefined,
  signal: AbortSignal,
): Promise<OpenedSource> {
  let resolved: ResolvedIsinSource;
  if (typeof spec.url === 'function') {
    const r = await spec.url(signal);
    resolved = typeof r === 'string' || r instanceof URL ? { url: r } : r;
  } else resolved = { url: spec.url };
  const where = String(resolved.url);
  const base = { source: where, ...(resolved.versionKey === undefined ? {} : { versionKey: resolved.versionKey }) };
  if (resolved.versionKey !== undefined && resolved.versionKey === previous?.versionKey) {
    return { status: 'not-modified', facts: base };
  }
  return isHttp(where) ? openHttp(spec, settings, previous, signal, base) : openFile(base, signal);
}

async function openHttp(
  spec: IsinSourceSpec,
  settings: TransportSettings,
  previous: PreviousIsinSource | undefined,
  signal: AbortSignal,
  base: SourceFacts,
): Promise<OpenedSource> {
  const where = base.source;
  const headers: Record<string, string> = { ...spec.headers, ...settings.headers };
  if (previous?.etag) headers['if-none-match'] = previous.etag;
  if (previous?.lastModified) headers['if-modified-since'] = previous.lastModified;
  let response: Response;
  try {
    response = await settings.fetch(where, { headers, signal, redirect: 'follow' });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new TickworkError('UPSTREAM', `Cannot reach ${where}: ${(error as Error).message}`, {
      cause: error,
      details: { reason: 'network', retryable: true },
    });
  }
  const etag = response.headers.get('etag') ?? undefined;
  const lastModified = response.headers.get('last-modified') ?? undefined;
  const facts = { ...base, ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
  if (response.status === 304) {
    await response.body?.cancel();
    return { status: 'not-modified', facts };
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    const status = response.status;
    const again = status === 429 || status >= 500;
    const retryAfter = again ? parseRetryAfter(response.headers.get('retry-after')) : undefined;
    const tooLong = retryAfter !== undefined && retryAfter > settings.maxRetryAfter;
    throw new TickworkError(
      status === 429 ? 'RATE_LIMITED' : 'UPSTREAM',
      `${where} answered HTTP ${status}${tooLong ? ` with Retry-After beyond ${settings.maxRetryAfter} ms` : ''}`,
      { details: { reason: 'http', status, retryable: again && !tooLong, retryAfter } },
    );
  }
  let totalBytes: number | undefined;
  const length = Number(response.headers.get('content-length'));
  if (Number.isFinite(length) && length > 0) {
    totalBytes = length;
    if (length > settings.maxBytes) {
      await response.body?.cancel().catch(() => {});
      throw new TickworkError('PAYLOAD_TOO_LARGE', `${where} is ${length} bytes; the limit is ${settings.maxBytes}`, {
        details: { reason: 'size', limit: settings.maxBytes },
      });
    }
  }
  if (response.body === null) throw new TickworkError('UPSTREAM', `${where} sent no body`);
  const body = response.body as unknown as AsyncIterable<Uint8Array>;
  return { status: 'open', facts, body, ...(totalBytes === undefined ? {} : { totalBytes }) };
}

async function openFile(base: SourceFacts, signal: AbortSignal): Promise<OpenedSource> {
  const where = base.source;
  const path = where.startsWith('file:') ? fileURLToPath(where) : where;
  const info = await stat(path).catch((error: unknown) => {
    throw new TickworkError('NOT_FOUND', `Cannot read ${path}: ${(error as Error).message}`, { cause: error });
  });
  return {
    status: 'open',
    facts: { ...base, lastModified: info.mtime.toUTCString() },
    body: createReadStream(path, { highWaterMark: 1 << 20, signal }),
    totalBytes: info.size,
  };
}
