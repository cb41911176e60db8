/** Runs every repository conformance suite against one adapter. */

import { appRepositoryConformance } from './app-repository-suite.js';
import { ledgerRepositoryConformance } from './ledger-repository-suite.js';
import type { OpenRepositories } from './open-repositories.js';
import { sessionRepositoryConformance } from './session-repository-suite.js';
import { taskRepositoryConformance } from './task-repository-suite.js';
import { userRepositoryConformance } from './user-repository-suite.js';

/**
 * Registers every repository conformance suite (users, sessions, apps, tasks, ledger and transactions) for one
 * implementation of `Repositories`. `open` is called once per suite; each suite closes what it opened.
 *
 * @example
 * ```ts
 * import { memoryRepositories } from 'tickwork/memory';
 * import { repositoriesConformance } from 'tickwork/testing';
 *
 * repositoriesConformance('memory', async () => ({ repositories: memoryRepositories() }));
 * ```
 */
export function repositoriesConformance(name: string, open: OpenRepositories): void {
  userRepositoryConformance(name, open);
  sessionRepositoryConformance(name, open);
  appRepositoryConformance(name, open);
  taskRepositoryConformance(name, open);
  ledgerRepositoryConformance(name, open);
}
