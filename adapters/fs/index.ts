/**
 * File-system adapters with atomic writes (temp file, fsync, rename).
 *
 * @module tickwork/fs
 */
export type { FsIsinSnapshotStoreOptions } from './isin-snapshot-store.js';
export { fsIsinSnapshotStore } from './isin-snapshot-store.js';
export type { FsProofStoreOptions } from './proof-store.js';
export { fsProofStore } from './proof-store.js';
