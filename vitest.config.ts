import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    // Real servers and child processes: give them room, but never hang CI forever.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Property and conformance suites are CPU bound; two workers match the two cores CI has.
    maxWorkers: 2,
  },
});
