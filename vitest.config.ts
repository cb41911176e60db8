import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * `tickwork`, `tickwork/memory`, … resolve to the sources here, exactly as `paths` in tsconfig.json maps them
 * for tsc and for tsx (`npm start`): one mapping, read from there. Examples, the CLI and the adapter tests
 * import the package by name as users do, and a change needs no build (test/package/install.test.ts checks
 * the packed package).
 */
const { paths } = JSON.parse(readFileSync(new URL('tsconfig.json', import.meta.url), 'utf8')).compilerOptions as {
  paths: Record<string, [string]>;
};
const alias = Object.entries(paths).map(([name, [source]]) => ({
  // Exact matches: `tickwork` must not swallow `tickwork/memory`.
  find: new RegExp(`^${name.replace('/', '\\/')}$`),
  replacement: fileURLToPath(new URL(source, import.meta.url)),
}));

export default defineConfig({
  resolve: { alias },
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
