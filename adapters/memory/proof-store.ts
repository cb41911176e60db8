import { checkProofKey } from '../../src/adapter-kit.js';
import type { ProofStore } from '../../src/index.js';

/**
 * An in-memory proof store: the reference implementation of `ProofStore`. Bytes are copied in and out.
 *
 * @example
 * ```ts
 * const proofs = memoryProofStore();
 * ```
 */
export function memoryProofStore(): ProofStore {
  const blobs = new Map<string, Uint8Array>();
  return {
    async put(sha256, bytes) {
      checkProofKey(sha256, bytes);
      if (!blobs.has(sha256)) blobs.set(sha256, new Uint8Array(bytes));
    },
    async get(sha256) {
      checkProofKey(sha256);
      const b = blobs.get(sha256);
      return b && new Uint8Array(b);
    },
    async has(sha256) {
      checkProofKey(sha256);
      return blobs.has(sha256);
    },
  };
}
