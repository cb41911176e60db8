/**
 * The conformance suites every built-in adapter passes, for authors of other adapters. Each is a function
 * taking a factory; call it at the top level of a vitest test file (vitest is an optional peer dependency of
 * tickwork, needed only here).
 *
 * @example
 * ```ts
 * import { memoryProofStore } from 'tickwork/memory';
 * import { proofStoreConformance } from 'tickwork/testing';
 *
 * proofStoreConformance('memory', () => ({ store: memoryProofStore() }));
 * ```
 *
 * @module tickwork/testing
 */

export { appRepositoryConformance } from './app-repository-suite.js';
export type { IsinSnapshotStoreHandle } from './isin-snapshot-store-suite.js';
export { isinSnapshotStoreConformance } from './isin-snapshot-store-suite.js';
export { ledgerRepositoryConformance } from './ledger-repository-suite.js';
export type { LockConformanceOptions, LockFactory, LockHandle } from './lock-suite.js';
export { lockConformance } from './lock-suite.js';
export type { OpenRepositories, RepositoriesHandle } from './open-repositories.js';
export type { ProofStoreHandle } from './proof-store-suite.js';
export { proofStoreConformance } from './proof-store-suite.js';
export { repositoriesConformance } from './repository-suites.js';
export { sessionRepositoryConformance } from './session-repository-suite.js';
export { taskRepositoryConformance } from './task-repository-suite.js';
export { userRepositoryConformance } from './user-repository-suite.js';
