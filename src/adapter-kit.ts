/**
 * What an adapter author gets beyond the ports: the helpers tickwork's own adapters (`tickwork/memory`,
 * `tickwork/redis`, `tickwork/postgres`, `tickwork/fs`) use, so a third-party adapter checks, fails and
 * stores the same way. Everything here is exported from the package root, `tickwork`.
 *
 * - Options: `assertInteger`, `assertNonEmptyString` (``Expected `x` to be …``, thrown as `INVALID_OPTION`).
 * - Start-up: `waitForBackend`, a bounded, abortable wait for a server's first answer.
 * - ISIN snapshot stores: `checkSnapshotName`, `checkSnapshotSave`, `staleFenceError`, and the byte format
 *   `encodeIsinSnapshot` / `decodeIsinSnapshot` / `decodeIsinSnapshotHead`.
 * - Proof stores: `checkProofKey`. Locks: `historyBoundsOf`, `nextFence`, `takeoverGraceMs`.
 *
 * The built-in adapters import values from this module only and types from the root (`src/index.ts`), so
 * `tickwork/memory` does not load the scheduler, the services or zod; `test/architecture.test.ts` holds
 * them to it.
 *
 * @module
 */

export { checkProofKey } from './domain/proof-store.js';
export { isTickworkError, TickworkError } from './errors.js';
export { assertInteger, assertNonEmptyString } from './internal/assert.js';
export type { BackendWait } from './internal/wait-for-backend.js';
export { waitForBackend } from './internal/wait-for-backend.js';
export { IsinSet } from './isin/isin-set.js';
export type { IsinSnapshotHead } from './isin/snapshot-codec.js';
export { decodeIsinSnapshot, decodeIsinSnapshotHead, encodeIsinSnapshot } from './isin/snapshot-codec.js';
export { checkSnapshotName, checkSnapshotSave, staleFenceError } from './isin/snapshot-store.js';
export { historyBoundsOf, nextFence, takeoverGraceMs } from './scheduler/lock-adapter.js';
