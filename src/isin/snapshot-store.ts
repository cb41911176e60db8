/**
 * The snapshot store port: where the last accepted ISIN list lives between runs. Adapters: memory
 * (`tickwork/memory`), files (`tickwork/fs`) and PostgreSQL (`tickwork/postgres`).
 */
import { crc32 } from 'node:zlib';
import { TickworkError } from '../errors.js';
import { IsinSet } from './isin-set.js';

/** Where a snapshot came from and what its source looked like, kept for conditional requests and reports. */
export interface IsinSnapshotMeta {
  /** The source URL or file path. */
  readonly source?: string;
  /** A version key from the source (such as GLEIF's file name), when it has one. */
  readonly versionKey?: string;
  /** The `ETag` of the response, for `If-None-Match`. */
  readonly etag?: string;
  /** The `Last-Modified` of the response, for `If-Modified-Since`. */
  readonly lastModified?: string;
  /** Hex SHA-256 of the raw body, so an unchanged list is recognised even without HTTP validators. */
  readonly sha256?: string;
  /** Raw body size in bytes. */
  readonly bytes?: number;
  /** When the list was fetched (ISO 8601). */
  readonly fetchedAt: string;
  /** Data rows read. */
  readonly rows?: number;
  /** Rows with an invalid ISIN. */
  readonly invalid?: number;
  /** Valid rows that repeated an ISIN. */
  readonly duplicates?: number;
}

/** A list of ISINs and where it came from. */
export interface IsinSnapshot {
  /** The ISINs. */
  readonly set: IsinSet;
  /** Provenance. */
  readonly meta: IsinSnapshotMeta;
}

/** A snapshot as stored, with the fencing token of the writer that stored it. */
export interface StoredIsinSnapshot extends IsinSnapshot {
  /** The highest fencing token accepted for this name (0 if only unfenced saves happened). */
  readonly fence: number;
  /** When it was saved (ISO 8601). */
  readonly savedAt: string;
}

/** Options of {@link IsinSnapshotStore.save}. */
export interface SaveIsinSnapshotOptions {
  /**
   * The writer's fencing token (the scheduler's `ctx.fence`). A save with a token lower than the highest one
   * accepted for this name fails with `STALE_FENCE` and changes nothing. Without a token the save is
   * unfenced: it always succeeds and leaves the stored token as it was.
   */
  readonly fence?: number;
  /** Stops waiting (for a lock, for the database). */
  readonly signal?: AbortSignal;
}

/** Options of {@link IsinSnapshotStore.load}. */
export interface LoadIsinSnapshotOptions {
  /** Stops waiting. */
  readonly signal?: AbortSignal;
}

/**
 * The port every snapshot adapter implements; `isinSnapshotStoreConformance` (`tickwork/testing`) is its contract.
 * A save replaces the whole snapshot atomically: a reader sees the old one or the new one, never a mix.
 */
export interface IsinSnapshotStore {
  /** The current snapshot of `name`, or undefined when none was saved. */
  load(name: string, options?: LoadIsinSnapshotOptions): Promise<StoredIsinSnapshot | undefined>;
  /** Replaces the snapshot of `name`; refuses a stale fencing token with `STALE_FENCE`. */
  save(name: string, snapshot: IsinSnapshot, options?: SaveIsinSnapshotOptions): Promise<void>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Checks a snapshot name (letters, digits, `.`, `_`, `-`; up to 128; safe as a file name) and a fence.
 * @internal
 */
export function checkSave(name: string, options: SaveIsinSnapshotOptions | undefined): number | undefined {
  checkName(name);
  const fence = options?.fence;
  if (fence !== undefined && (!Number.isSafeInteger(fence) || fence < 0)) {
    throw new TickworkError('VALIDATION', `A fencing token is a non-negative integer, got ${String(fence)}`);
  }
  return fence;
}

/** @internal */
export function checkName(name: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new TickworkError('VALIDATION', `Invalid snapshot name ${JSON.stringify(name)}`, {
      details: { pattern: NAME.source },
    });
  }
}

/** @internal The error every adapter throws for a stale writer. */
export function staleFence(name: string, fence: number, current: number): TickworkError {
  return new TickworkError(
    'STALE_FENCE',
    `Snapshot ${name}: fencing token ${fence} is older than the accepted ${current}; not saved`,
    { details: { name, fence, current } },
  );
}

const MAGIC = 0x4e535754; // "TWSN" little-endian
const HEADER = 16;

/**
 * One file or blob holding a snapshot: a 16-byte header (magic, version, metadata length, CRC-32 of the
 * metadata), the metadata as JSON, then the set in its own checksummed form.
 * @internal
 */
export function encodeSnapshot(snapshot: IsinSnapshot, fence: number, savedAt: string): Uint8Array {
  const meta = new TextEncoder().encode(JSON.stringify({ meta: snapshot.meta, fence, savedAt }));
  const set = snapshot.set.toBytes();
  const out = new Uint8Array(HEADER + meta.length + set.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint8(4, 1);
  view.setUint32(8, meta.length, true);
  view.setUint32(12, crc32(meta), true);
  out.set(meta, HEADER);
  out.set(set, HEADER + meta.length);
  return out;
}

/** Reads only the header and metadata of an encoded snapshot. @internal */
export function decodeSnapshotHead(bytes: Uint8Array): { meta: IsinSnapshotMeta; fence: number; savedAt: string } {
  const fail = (why: string) => new TickworkError('VALIDATION', `Damaged snapshot: ${why}`);
  if (bytes.length < HEADER) throw fail('too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC || view.getUint8(4) !== 1) throw fail('unknown format');
  const length = view.getUint32(8, true);
  if (bytes.length < HEADER + length) throw fail('metadata cut off');
  const metaBytes = bytes.subarray(HEADER, HEADER + length);
  if (crc32(metaBytes) !== view.getUint32(12, true)) throw fail('metadata checksum mismatch');
  return JSON.parse(new TextDecoder().decode(metaBytes));
}

/** Reads an encoded snapshot. @internal */
export function decodeSnapshot(bytes: Uint8Array): StoredIsinSnapshot {
  const head = decodeSnapshotHead(bytes);
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  return { ...head, set: IsinSet.fromBytes(bytes.subarray(HEADER + length)) };
}
