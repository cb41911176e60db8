import type { AppRepository } from './app-repository.js';
import type { LedgerRepository } from './ledger-repository.js';
import type { SessionRepository } from './session-repository.js';
import type { TaskRepository } from './task-repository.js';
import type { UserRepository } from './user-repository.js';

/** One repository per entity. Inside a transaction, the same set bound to the transaction. */
export interface RepositorySet {
  /** Users. */
  readonly users: UserRepository;
  /** Sessions. */
  readonly sessions: SessionRepository;
  /** Listed apps. */
  readonly apps: AppRepository;
  /** Tasks (claims). */
  readonly tasks: TaskRepository;
  /** Points ledger. */
  readonly ledger: LedgerRepository;
}

/**
 * The storage port of the domain services: repositories plus a transaction boundary. `memoryRepositories()`
 * (tickwork/memory) is the reference; `postgresRepositories({ db })` (tickwork/postgres) is the durable one.
 */
export interface Repositories extends RepositorySet {
  /**
   * Runs `fn` as one atomic unit: every write through `tx` commits together, or none does when `fn` throws.
   * Use only `tx` inside `fn` — the outer repositories may wait for the transaction to end.
   */
  transaction<T>(fn: (tx: RepositorySet) => Promise<T>): Promise<T>;
}
