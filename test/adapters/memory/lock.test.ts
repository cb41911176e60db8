import { lockConformance } from 'tickwork/testing';
import { describe } from 'vitest';
import { memoryLock } from '../../../adapters/memory/lock.js';

describe('memoryLock conformance', () => {
  lockConformance((bounds) => memoryLock(bounds));
});
