import type { Logger } from '../types.js';

const noop = (): void => {};

/** The default logger: tickwork is silent unless given a logger. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
