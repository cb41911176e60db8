import { defineConfig } from 'tsup';

/**
 * Build entries: the key is the file name under `dist/`, the value the source.
 * `test/package/exports.test.ts` keeps this map and the `exports`/`bin` fields of package.json in sync.
 */
export const entry = {
  index: 'src/index.ts',
  memory: 'adapters/memory/index.ts',
  redis: 'adapters/redis/index.ts',
  postgres: 'adapters/postgres/index.ts',
  fs: 'adapters/fs/index.ts',
  testing: 'src/testing/index.ts',
  cli: 'src/cli/main.ts',
} as const;

export default defineConfig({
  entry,
  format: ['esm'],
  dts: {
    entry: {
      index: entry.index,
      memory: entry.memory,
      redis: entry.redis,
      postgres: entry.postgres,
      fs: entry.fs,
      testing: entry.testing,
    },
  },
  // One shared chunk per module, so `src/errors.ts` exists once however many subpaths a user imports.
  splitting: true,
  // The CLI imports the adapters by name (`tickwork/fs`), as a user would: `dist/cli.js` keeps those imports,
  // and Node resolves them through the package's own `exports` map to `dist/fs.js` and the shared chunks.
  external: [/^tickwork(\/|$)/],
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  shims: false,
});
