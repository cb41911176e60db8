/**
 * The named form of `lockConformance` as an adapter author calls it: its own `describe`, a factory answering
 * `{ lock, close }`, and every `close` called when the test that asked for the lock ends.
 */

import { lockConformance } from 'tickwork/testing';
import { afterAll, describe, expect } from 'vitest';
import { memoryLock } from '../../adapters/memory/lock.js';

describe('lockConformance with a handle', () => {
  let opened = 0;
  let closed = 0;
  lockConformance(
    'memoryLock, opened and closed per test',
    (bounds) => {
      opened++;
      return { lock: memoryLock(bounds), close: () => void closed++ };
    },
    { timeout: 30_000 },
  );
  afterAll(() => {
    expect(opened).toBeGreaterThan(10);
    expect(closed).toBe(opened);
  });
});
