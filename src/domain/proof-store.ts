import { createHash } from 'node:crypto';
import { TickworkError } from '../errors.js';

const SHA256 = /^[0-9a-f]{64}$/;

/** The key a proof is stored under: the lower-case hex SHA-256 of its bytes. */
export function proofKey(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Checks a proof key and, given bytes, that the key is their SHA-256; `VALIDATION` otherwise. Every proof store
 * calls it, so a store can never hold bytes under a key that is not their hash.
 *
 * @example
 * ```ts
 * async put(sha256, bytes) {
 *   checkProofKey(sha256, bytes); // VALIDATION unless sha256 is the lower-case hex SHA-256 of bytes
 *   await client.set(prefix + sha256, bytes.slice());
 * }
 * ```
 */
export function checkProofKey(sha256: string, bytes?: Uint8Array): void {
  if (typeof sha256 !== 'string' || !SHA256.test(sha256)) {
    throw new TickworkError('VALIDATION', 'A proof key is a lower-case hex SHA-256', { details: { sha256 } });
  }
  if (bytes && proofKey(bytes) !== sha256) {
    throw new TickworkError('VALIDATION', 'The proof bytes do not match their SHA-256', { details: { sha256 } });
  }
}

/**
 * Content-addressed storage of proof images: bytes are stored and read by their SHA-256, never by a name the
 * client chose. Storing the same bytes twice stores them once.
 */
export interface ProofStore {
  /** Stores `bytes` under `sha256` (lower-case hex); `VALIDATION` if the hash does not match the bytes. */
  put(sha256: string, bytes: Uint8Array): Promise<void>;
  /** The bytes stored under `sha256`, or `undefined`. */
  get(sha256: string): Promise<Uint8Array | undefined>;
  /** Whether bytes are stored under `sha256`. */
  has(sha256: string): Promise<boolean>;
}
