/** Runs every repository conformance suite against one adapter. */
import type { OpenRepositories } from '../domain/rows.js';
import { appRepositorySuite } from './app-repository.suite.js';
import { ledgerRepositorySuite } from './ledger-repository.suite.js';
import { sessionRepositorySuite } from './session-repository.suite.js';
import { taskRepositorySuite } from './task-repository.suite.js';
import { userRepositorySuite } from './user-repository.suite.js';

/** Every domain repository suite, for one adapter. */
export function repositorySuites(name: string, open: OpenRepositories): void {
  userRepositorySuite(name, open);
  sessionRepositorySuite(name, open);
  appRepositorySuite(name, open);
  taskRepositorySuite(name, open);
  ledgerRepositorySuite(name, open);
}
