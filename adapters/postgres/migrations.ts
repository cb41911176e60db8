import type { Migration } from './migrate.js';

/** Every migration tickwork ships, in the order they apply. Append only; never edit a released one. */
export const migrations: readonly Migration[] = [];
