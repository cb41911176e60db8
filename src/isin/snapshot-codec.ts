/**
 * The byte format of a stored ISIN snapshot, for adapters that keep a snapshot as one file or blob (the file
 * adapter does; an object-store adapter can). A 16-byte header (magic `TWSN`, version, metadata length,
 * CRC-32 of the metadata), the metadata as JSON, then the set in its own checksummed form (`IsinSet.toBytes`).
 * Version 1; a reader refuses any other version rather than guess.
 */
import { crc32 } from 'node:zlib';
import { TickworkError } from '../errors.js';
import { IsinSet } from './isin-set.js';
import type { IsinSnapshot, IsinSnapshotMeta, StoredIsinSnapshot } from './snapshot-store.js';

const MAGIC = 0x4e535754; // "TWSN" little-endian
const HEADER = 16;

/** What {@link decodeIsinSnapshotHead} reads: everything but the set. */
export interface IsinSnapshotHead {
  /** Provenance. */
  readonly meta: IsinSnapshotMeta;
  /** The fencing token stored with the snapshot. */
  readonly fence: number;
  /** When it was saved (ISO 8601). */
  readonly savedAt: string;
}

/**
 * Encodes a snapshot with the fencing token and save time to store beside it.
 *
 * @example
 * ```ts
 * const bytes = encodeIsinSnapshot(snapshot, fence ?? 0, new Date().toISOString());
 * const back = decodeIsinSnapshot(bytes); // { set, meta, fence, savedAt }
 * ```
 */
export function encodeIsinSnapshot(snapshot: IsinSnapshot, fence: number, savedAt: string): Uint8Array {
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

/**
 * Reads only the header and metadata of an encoded snapshot, so a writer can check the stored fencing token
 * without decoding millions of ISINs. Throws `VALIDATION` ("Damaged snapshot: …") for bytes it cannot trust.
 */
export function decodeIsinSnapshotHead(bytes: Uint8Array): IsinSnapshotHead {
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

/** Reads an encoded snapshot; throws `VALIDATION` when the header, metadata or set is damaged. */
export function decodeIsinSnapshot(bytes: Uint8Array): StoredIsinSnapshot {
  const head = decodeIsinSnapshotHead(bytes);
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  return { ...head, set: IsinSet.fromBytes(bytes.subarray(HEADER + length)) };
}
