import { describe } from 'vitest';
import { memoryLock } from '../../../adapters/memory/lock.js';
import { lockConformance } from '../../../src/testing/lock-suite.js';

describe('memoryLock conformance', () => {
  lockConformance(() => memoryLock());
});
