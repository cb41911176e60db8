import { afterAll, beforeAll } from 'vitest';
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

/**
 * Opens the repositories for the `describe` block that calls it (before its first test) and closes them after
 * its last; answers a stand-in that forwards to them once open, so a suite writes `repos.users.insert(…)` as if
 * they were open already.
 */
export function repositoriesForSuite(open: OpenRepositories): Repositories {
  let opened: Repositories | undefined;
  let close: RepositoriesHandle['close'];
  beforeAll(async () => {
    ({ repositories: opened, close } = await open());
  });
  // After a failed set-up there is nothing to close, and the set-up error is the one to report.
  afterAll(() => close?.());
  return new Proxy({} as Repositories, {
    get(_, key) {
      if (!opened) throw new Error('The repositories under test did not open');
      const value: unknown = Reflect.get(opened, key);
      return typeof value === 'function' ? value.bind(opened) : value;
    },
  });
}
