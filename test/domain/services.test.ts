import { describe, expect, it } from 'vitest';
import { memoryProofStore } from '../../adapters/memory/proof-store.js';
import { memoryRepositories } from '../../adapters/memory/repositories.js';
import { createServices } from '../../src/domain/create-services.js';
import { isTickworkError } from '../../src/errors.js';
import { servicesSuite } from './services.suite.js';

servicesSuite('memory', async () => ({ repositories: memoryRepositories(), close: async () => {} }));

describe('createServices', () => {
  it('checks its options up front', () => {
    const repositories = memoryRepositories();
    const proofs = memoryProofStore();
    const bad = [
      {},
      { repositories: {}, proofs },
      { repositories, proofs: {} },
      { repositories, proofs, sessionTtl: 0 },
      // The name before the rename: refused, not silently ignored.
      { repositories, proofs, sessionTtlMs: 60_000 },
      { repositories, proofs, maxProofBytes: -1 },
      { repositories, proofs, scrypt: { N: 0, r: 8, p: 1 } },
      { repositories, proofs, ids: 'x' },
    ];
    for (const options of bad) {
      let error: unknown;
      try {
        createServices(options as never);
      } catch (e) {
        error = e;
      }
      expect(isTickworkError(error, 'INVALID_OPTION'), JSON.stringify(Object.keys(options))).toBe(true);
    }
  });
});
