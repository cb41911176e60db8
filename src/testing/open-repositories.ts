import type { Repositories } from '../domain/repositories.js';
import type { MaybePromise } from '../types.js';

/** What a repository suite's factory answers: fresh, migrated repositories and how to dispose of them. */
export interface RepositoriesHandle {
  /** The repositories under test. The suites isolate their rows by random ids, so a shared database is fine. */
  readonly repositories: Repositories;
  /** Called once after the suite's last test (close a pool the factory opened). */
  readonly close?: () => MaybePromise<void>;
}

/** Opens the repositories one suite runs against; called once per suite. */
export type OpenRepositories = () => MaybePromise<RepositoriesHandle>;
