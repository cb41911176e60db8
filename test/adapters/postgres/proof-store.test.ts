import { proofStoreConformance } from 'tickwork/testing';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../adapters/postgres/migrate.js';
import { postgresProofStore } from '../../../adapters/postgres/proof-store.js';
import { proofKey } from '../../../src/domain/proof-store.js';
import { isTickworkError } from '../../../src/errors.js';
import { shot } from '../../domain/fixture.js';
import { freshPglite, isolatedPool } from '../../helpers/postgres.js';
import { DATABASE_URL, describeWithPostgres } from '../../helpers/services.js';

proofStoreConformance('postgres on PGlite', async () => {
  const db = await freshPglite();
  await migrate(db);
  return { store: postgresProofStore({ db }), close: () => db.close() };
});

describeWithPostgres('real PostgreSQL server', () => {
  proofStoreConformance('postgres on a server', async () => {
    const { pool, close } = await isolatedPool(4);
    await migrate(pool);
    return { store: postgresProofStore({ db: pool }), close };
  });

  it('serves a proof to a second store over another pool: shared by a fleet, kept across restarts', async () => {
    const first = await isolatedPool(2);
    try {
      await migrate(first.pool);
      const bytes = shot(21);
      await postgresProofStore({ db: first.pool }).put(proofKey(bytes), bytes);
      const { default: pg } = await import('pg');
      const other = new pg.Pool({ connectionString: DATABASE_URL, options: `-c search_path=${first.schema}` });
      try {
        const back = await postgresProofStore({ db: other }).get(proofKey(bytes));
        expect(Buffer.from(back as Uint8Array).equals(Buffer.from(bytes))).toBe(true);
      } finally {
        await other.end();
      }
    } finally {
      await first.close();
    }
  });
});

describe('postgresProofStore', () => {
  it('checks its options up front', () => {
    let error: unknown;
    try {
      postgresProofStore({ db: undefined as never });
    } catch (e) {
      error = e;
    }
    expect(isTickworkError(error, 'INVALID_OPTION')).toBe(true);
  });
});
