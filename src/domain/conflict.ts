import { isTickworkError, TickworkError } from '../errors.js';

/**
 * A handler for a repository write that may hit a unique key: a `CONFLICT` from the adapter (checked by code,
 * so it works across copies of the package) becomes the service's own `CONFLICT` with a message the caller
 * understands and the adapter's error as `cause`; anything else is rethrown as it is.
 *
 * @example
 * ```ts
 * await repos.apps.insert(app).catch(rethrowConflict('An app with this package name is listed already'));
 * ```
 *
 * @internal
 */
export function rethrowConflict(message: string, details?: unknown): (error: unknown) => never {
  return (error) => {
    if (isTickworkError(error, 'CONFLICT')) throw new TickworkError('CONFLICT', message, { cause: error, details });
    throw error;
  };
}
