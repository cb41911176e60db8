/**
 * In-memory adapters: the reference implementation of every port. For tests, a single process, and examples.
 *
 * @module tickwork/memory
 */

export { memoryIsinSnapshotStore } from './isin-snapshot-store.js';
export type { MemoryLockOptions } from './lock.js';
export { memoryLock } from './lock.js';
export { memoryProofStore } from './proof-store.js';
export { memoryRepositories } from './repositories.js';
