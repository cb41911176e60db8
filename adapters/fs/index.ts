/**
 * File-system adapters with atomic writes (temp file, fsync, rename).
 *
 * @module tickwork/fs
 */
export type { FsProofStoreOptions } from './proof-store.js';
export { fsProofStore } from './proof-store.js';
