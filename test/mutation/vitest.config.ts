/**
 * The vitest configuration Stryker's runner uses: the project's, narrowed to the test files of the module
 * under mutation (passed by `run.ts` in `TICKWORK_MUTATION_TESTS`, comma-separated).
 */
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.js';
import { ListedOrderSequencer } from './sequencer.js';

const tests = (process.env.TICKWORK_MUTATION_TESTS ?? '').split(',').filter(Boolean);
if (tests.length === 0)
  throw new Error('TICKWORK_MUTATION_TESTS is empty: run mutation testing with `npm run mutation`');

export default defineConfig({
  ...base,
  // Stryker runs this from its sandbox copy of the repository; the root is two levels up from here.
  // Instrumented code runs several times slower: give each test more room than the project's 30 s.
  test: {
    ...base.test,
    root: resolve(import.meta.dirname, '../..'),
    include: tests,
    testTimeout: 120_000,
    setupFiles: [resolve(import.meta.dirname, 'setup.ts')],
    // A killed mutant ends at its first failing test: run the module's files in its listed order, fast ones first.
    sequence: { ...base.test?.sequence, sequencer: ListedOrderSequencer },
  },
});
