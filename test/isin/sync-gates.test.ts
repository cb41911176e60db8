/**
 * Every gate of `createIsinSync` at its limit, one below and one above: a list exactly on a limit passes, and
 * a ratio limit of 0 still accepts a list that breaks nothing. The lists are local files, so no server runs.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIsinSnapshotStore } from '../../adapters/memory/isin-snapshot-store.js';
import { IsinSet } from '../../src/isin/isin-set.js';
import { createIsinSync, type IsinSyncGates } from '../../src/isin/sync.js';
import { distinctIsins } from './generate.js';

const pool = distinctIsins(220, 7);
// A wrong check digit: one invalid row per entry.
const broken = (isin: string) => `${isin.slice(0, 11)}${(Number(isin[11]) + 1) % 10}`;

let dir: string;
let files = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tickwork-isin-gates-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Syncs `valid` plus `invalid` rows under `gates`, after seeding the store with `previous` when given, and
 * answers the status and reason code.
 */
async function syncOnce(
  gates: IsinSyncGates,
  valid: readonly string[],
  options: { readonly invalid?: readonly string[]; readonly previous?: readonly string[] } = {},
) {
  const store = memoryIsinSnapshotStore();
  if (options.previous) {
    await store.save('list', {
      set: IsinSet.from(options.previous),
      meta: { source: 'seed', fetchedAt: new Date(0).toISOString() },
    });
  }
  const path = join(dir, `list-${files++}.txt`);
  await writeFile(path, `${[...valid, ...(options.invalid ?? [])].join('\n')}\n`);
  const result = await createIsinSync({ name: 'list', source: path, store, gates })();
  return { status: result.status, code: result.code };
}

const updated = { status: 'updated', code: undefined };

describe('createIsinSync gates at their limits', () => {
  it('minRows: one below is rejected, exactly the limit and one above pass', async () => {
    const gates = { minRows: 100 };
    expect(await syncOnce(gates, pool.slice(0, 99))).toEqual({ status: 'rejected', code: 'MIN_ROWS' });
    expect(await syncOnce(gates, pool.slice(0, 100))).toEqual(updated);
    expect(await syncOnce(gates, pool.slice(0, 101))).toEqual(updated);
  });

  it('minRows: 0 accepts an empty list', async () => {
    expect(await syncOnce({ minRows: 0 }, [])).toEqual(updated);
  });

  it('maxInvalidRatio: exactly the limit and one below pass, one above is rejected', async () => {
    const gates = { maxInvalidRatio: 0.1 };
    const bad = pool.slice(100, 111).map(broken);
    // 10 of 100 rows invalid is exactly 10 %.
    expect(await syncOnce(gates, pool.slice(0, 90), { invalid: bad.slice(0, 10) })).toEqual(updated);
    expect(await syncOnce(gates, pool.slice(0, 91), { invalid: bad.slice(0, 9) })).toEqual(updated);
    expect(await syncOnce(gates, pool.slice(0, 89), { invalid: bad.slice(0, 11) })).toEqual({
      status: 'rejected',
      code: 'MAX_INVALID_RATIO',
    });
  });

  it('maxInvalidRatio: 0 accepts a clean list and rejects a single invalid row', async () => {
    const gates = { maxInvalidRatio: 0 };
    expect(await syncOnce(gates, pool.slice(0, 50))).toEqual(updated);
    expect(await syncOnce(gates, pool.slice(0, 50), { invalid: [broken(pool[60]!)] })).toEqual({
      status: 'rejected',
      code: 'MAX_INVALID_RATIO',
    });
  });

  it('maxRemovedRatio: exactly the limit and one below pass, one above is rejected', async () => {
    const gates = { maxRemovedRatio: 0.1 };
    const previous = pool.slice(0, 100);
    // Removing 10 of 100 previous ISINs is exactly 10 %.
    expect(await syncOnce(gates, pool.slice(10, 100), { previous })).toEqual(updated);
    expect(await syncOnce(gates, pool.slice(9, 100), { previous })).toEqual(updated);
    expect(await syncOnce(gates, pool.slice(11, 100), { previous })).toEqual({
      status: 'rejected',
      code: 'MAX_REMOVED_RATIO',
    });
  });

  it('maxRemovedRatio: 0 accepts an update that removes nothing and rejects one that removes one', async () => {
    const gates = { maxRemovedRatio: 0 };
    const previous = pool.slice(0, 100);
    expect(await syncOnce(gates, pool.slice(0, 101), { previous })).toEqual(updated);
    expect(await syncOnce(gates, pool.slice(1, 101), { previous })).toEqual({
      status: 'rejected',
      code: 'MAX_REMOVED_RATIO',
    });
  });

  it('maxRemovedRatio: 1 accepts a list that replaces every previous ISIN', async () => {
    const previous = pool.slice(0, 100);
    expect(await syncOnce({ maxRemovedRatio: 1 }, pool.slice(100, 150), { previous })).toEqual(updated);
  });
});
