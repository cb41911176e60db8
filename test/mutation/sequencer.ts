/**
 * The order in which the mutation runs' vitest runs a module's test files: the order of the module's `tests`
 * list in `modules.ts`, instead of vitest's default (files that failed last first, then the longest first).
 *
 * Stryker stops a mutant's run at the first failing test, so a killed mutant costs only the tests that run
 * before the one that kills it. The default order puts a module's slowest files first (the scheduler's
 * real-time scenarios and DST simulations, half a minute together), and every mutant waited for them even
 * when a fake-time limits test would have failed in a few milliseconds. Listing the fast, pointed tests first
 * changes which test kills a mutant, never whether one does: a surviving mutant still runs every test.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const listed = (process.env.TICKWORK_MUTATION_TESTS ?? '').split(',').filter(Boolean);

/** Sorts test files by their place in the module's list; files not in it (none, normally) go last. */
export class ListedOrderSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification) => {
      const i = listed.indexOf(relative(this.ctx.config.root, spec.moduleId).replaceAll('\\', '/'));
      return i === -1 ? listed.length : i;
    };
    return [...files].sort((a, b) => rank(a) - rank(b));
  }
}
