/**
 * The snapshot store port: where the last accepted ISIN list lives between runs, and the two checks every
 * adapter makes the same way (name and fencing token). Adapters: memory (`tickwork/memory`), files
 * (`tickwork/fs`) and PostgreSQL (`tickwork/postgres`). The byte format for adapters that store one blob is in
 * `snapshot-codec.ts`.
 */
import { TickworkError } from '../errors.js';
import type { IsinSet } from './isin-set.js';

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
 * Checks the arguments of {@link IsinSnapshotStore.save} and returns the fencing token (undefined for an
 * unfenced save): the name as {@link checkSnapshotName} does, and a token that is a non-negative safe integer.
 * Throws `VALIDATION` otherwise. Every adapter calls it first, so all of them refuse the same input.
 *
 * @example
 * ```ts
 * async save(name, snapshot, options) {
 *   const fence = checkSnapshotSave(name, options);
 *   // …compare `fence` with the stored token, then write
 * }
 * ```
 */
export function checkSnapshotSave(name: string, options: SaveIsinSnapshotOptions | undefined): number | undefined {
  checkSnapshotName(name);
  const fence = options?.fence;
  if (fence !== undefined && (!Number.isSafeInteger(fence) || fence < 0)) {
    throw new TickworkError('VALIDATION', `A fencing token is a non-negative integer, got ${String(fence)}`);
  }
  return fence;
}

/**
 * Checks a snapshot name: letters, digits, `.`, `_` and `-`, starting with a letter or digit, up to 128
 * characters, so it is safe as a file name and a key. Throws `VALIDATION` otherwise. Adapters call it in
 * {@link IsinSnapshotStore.load}.
 */
export function checkSnapshotName(name: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new TickworkError('VALIDATION', `Invalid snapshot name ${JSON.stringify(name)}`, {
      details: { pattern: NAME.source },
    });
  }
}

/**
 * The error every adapter throws when a save carries a fencing token lower than the one stored for `name`:
 * `STALE_FENCE`, with `details: { name, fence, current }`. The save must change nothing.
 */
export function staleFenceError(name: string, fence: number, current: number): TickworkError {
  return new TickworkError(
    'STALE_FENCE',
    `Snapshot ${name}: fencing token ${fence} is older than the accepted ${current}; not saved`,
    { details: { name, fence, current } },
  );
}
