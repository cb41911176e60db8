/**
 * In-memory adapters: the reference implementation of every port. For tests, a single process, and examples.
 *
 * @module tickwork/memory
 */
export { memoryIsinSnapshotStore } from './isin-snapshot-store.js';
