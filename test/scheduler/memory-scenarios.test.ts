import { describe } from 'vitest';
import { memoryLock } from '../../adapters/memory/lock.js';
import { schedulerScenarios } from './scenarios.js';

describe('scheduler scenarios on the memory lock (real time)', () => {
  schedulerScenarios(() => memoryLock());
});
