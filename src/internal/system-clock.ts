import type { Clock } from '../types.js';

/** The default clock: `Date.now()`. Services and the scheduler take another one in tests. */
export const systemClock: Clock = { now: (): number => Date.now() };
