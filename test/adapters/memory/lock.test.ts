import { describe } from 'vitest';
import { memoryLock } from '../../../adapters/memory/lock.js';
import { lockConformance } from '../../conformance/lock.suite.js';

describe('memoryLock conformance', () => {
  lockConformance((bounds) => memoryLock(bounds));
});
