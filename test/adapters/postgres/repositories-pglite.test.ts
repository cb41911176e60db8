import { repositoriesConformance } from 'tickwork/testing';
import { describe, expect, it } from 'vitest';
import { postgresRepositories } from '../../../adapters/postgres/repositories.js';
import { isTickworkError } from '../../../src/errors.js';
import { openPglite } from '../../domain/open-postgres.js';
import { servicesSuite } from '../../domain/services.suite.js';

describe('postgresRepositories', () => {
  it('checks its options up front', () => {
    let error: unknown;
    try {
      postgresRepositories({ db: {} as never });
    } catch (e) {
      error = e;
    }
    expect(isTickworkError(error, 'INVALID_OPTION')).toBe(true);
  });
});

repositoriesConformance('PGlite', openPglite);
servicesSuite('PGlite', openPglite);
