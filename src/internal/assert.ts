import { TickworkError } from '../errors.js';

/**
 * Up-front option checks with one message style: ``Expected `ttl` to be a positive integer, got -1``
 * They throw `INVALID_OPTION`, a programming error, at construction time rather than at the first tick.
 */
function invalid(name: string, expectation: string, value: unknown): TickworkError {
  let shown: string;
  try {
    shown = typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value));
  } catch {
    shown = String(value);
  }
  return new TickworkError('INVALID_OPTION', `Expected \`${name}\` to be ${expectation}, got ${shown}`, {
    details: { option: name },
  });
}

/** Asserts an integer ≥ `min` (default 1). */
export function assertInteger(name: string, value: unknown, min = 1): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalid(name, min === 1 ? 'a positive integer' : `an integer ≥ ${min}`, value);
  }
}

/** Asserts a finite number in `[min, max]`. */
export function assertNumberInRange(name: string, value: unknown, min: number, max: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw invalid(name, `a number from ${min} to ${max}`, value);
  }
}

/** Asserts a non-empty string. */
export function assertNonEmptyString(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) throw invalid(name, 'a non-empty string', value);
}

/** Asserts one of the allowed literal values. */
export function assertOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): asserts value is T {
  if (!allowed.includes(value as T)) throw invalid(name, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
}

/** Asserts a function. */
export function assertFunction(name: string, value: unknown): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') throw invalid(name, 'a function', value);
}
