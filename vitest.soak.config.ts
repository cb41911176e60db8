import { defineConfig } from 'vitest/config';

/**
 * `npm run soak`: the real-process fault scenarios, longer and with more processes (SOAK=8 by default), one
 * file at a time. Not part of `npm test` or CI.
 */
export default defineConfig({
  test: {
    include: [
      'test/scheduler/faults.test.ts',
      'test/scheduler/processes.test.ts',
      'test/scheduler/redis-restart.test.ts',
    ],
    env: { SOAK: process.env.SOAK ?? '8' },
    testTimeout: 3_600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
