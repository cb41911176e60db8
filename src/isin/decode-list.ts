/**
 * The decode pipeline of `fetchIsinList`: raw body → byte count and SHA-256 → decompression by magic bytes
 * (inflate.ts) → parse (parse-list.ts). One pass over the body, whatever its source.
 */
import { createHash } from 'node:crypto';
import { isTickworkError, TickworkError } from '../errors.js';
import { decodeBody } from './inflate.js';
import type { ParsedIsinList, ParseSettings } from './parse-list.js';
import { parseChunks } from './parse-list.js';

/** Resolved settings of the pipeline. */
export interface DecodeSettings {
  /** Most raw bytes accepted. */
  readonly maxBytes: number;
  /** Most decompressed bytes accepted. */
  readonly maxDecompressedBytes: number;
  /** Most decompressed bytes per compressed byte. */
  readonly maxCompressionRatio: number;
  /** Chooses the zip member to read. */
  readonly pickMember: (name: string) => boolean;
  /** Resolved parse options. */
  readonly parse: ParseSettings;
}

/** What the pipeline read. */
export interface DecodedList {
  /** The parsed list. */
  readonly list: ParsedIsinList;
  /** Hex SHA-256 of the raw body. */
  readonly sha256: string;
  /** Raw body bytes. */
  readonly bytes: number;
  /** Compression found by magic bytes. */
  readonly compression: 'none' | 'gzip' | 'zip';
  /** The zip member read. */
  readonly member?: string;
}

/** A zip member chooser: by name (or path suffix), by pattern, or the first `.csv`, `.txt` or `.tsv`. */
export function memberPicker(member: string | RegExp | undefined): (name: string) => boolean {
  if (member === undefined) return (name) => /\.(csv|txt|tsv)$/i.test(name);
  if (typeof member === 'string') return (name) => name === member || name.endsWith(`/${member}`);
  return (name) => {
    member.lastIndex = 0;
    return member.test(name);
  };
}

/**
 * Counts and hashes the raw body as it passes, refusing it past `maxBytes`; a connection that breaks mid-body
 * becomes a retryable `UPSTREAM` error.
 */
async function* counted(
  body: AsyncIterable<Uint8Array>,
  source: string,
  maxBytes: number,
  onChunk: (chunk: Uint8Array, bytes: number) => void,
): AsyncGenerator<Uint8Array> {
  let bytes = 0;
  try {
    for await (const chunk of body) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        throw new TickworkError('PAYLOAD_TOO_LARGE', `${source} exceeds ${maxBytes} bytes`, {
          details: { reason: 'size', limit: maxBytes },
        });
      }
      onChunk(chunk, bytes);
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
 * Reads a raw list body through the pipeline. `onProgress` gets the raw bytes and the rows parsed so far,
 * after every raw chunk.
 */
export async function decodeList(
  body: AsyncIterable<Uint8Array>,
  source: string,
  settings: DecodeSettings,
  signal: AbortSignal,
  onProgress: (bytes: number, rows: number) => void,
): Promise<DecodedList> {
  const hash = createHash('sha256');
  let bytes = 0;
  let rows = 0;
  const raw = counted(body, source, settings.maxBytes, (chunk, total) => {
    bytes = total;
    hash.update(chunk);
    onProgress(bytes, rows);
  });
  const decoded = await decodeBody(raw, settings.pickMember, settings);
  const list = await parseChunks(decoded.chunks, settings.parse, {
    signal,
    onProgress: (p) => {
      rows = p.rows;
    },
  });
  return {
    list,
    sha256: hash.digest('hex'),
    bytes,
    compression: decoded.compression,
    ...(decoded.member === undefined ? {} : { member: decoded.member }),
  };
}
