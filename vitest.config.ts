import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // The adapter tests import the suites as adapter authors do; here they run from the sources, so a change
    // to a suite needs no build (test/package/install.test.ts checks the packed `tickwork/testing`).
    alias: { 'tickwork/testing': fileURLToPath(new URL('src/testing/index.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    // Real servers and child processes: give them room, but never hang CI forever.
    // Safety nets for a loaded machine, not budgets: a passing test never waits for them.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Property and conformance suites are CPU bound; two workers match the two cores CI has.
    maxWorkers: 2,
  },
});
