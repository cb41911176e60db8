/**
 * The contract of the IsinSnapshotStore port. Every adapter runs it: memory (the reference), fs, PGlite and
 * a real PostgreSQL server; `tickwork/testing` hands it to authors of other stores.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTickworkError } from '../errors.js';
import { IsinSet } from '../isin/isin-set.js';
import type { IsinSnapshot, IsinSnapshotStore } from '../isin/snapshot-store.js';
import type { MaybePromise } from '../types.js';
import { distinctIsins } from './isins.js';

/** What the snapshot-store suite's factory answers: an empty store and how to dispose of it. */
export interface IsinSnapshotStoreHandle {
  /** The store under test: empty, since the suite reuses names such as `list` in every test. */
  readonly store: IsinSnapshotStore;
  /** Called after each test (remove a directory, drop a table the factory made). */
  readonly close?: () => MaybePromise<void>;
}

const snapshot = (isins: readonly string[], etag = 'e1'): IsinSnapshot => ({
  set: IsinSet.from(isins),
  meta: {
    source: 'https://example.test/list.csv',
    etag,
    sha256: 'ab'.repeat(32),
    fetchedAt: '2026-11-23T09:15:00.000Z',
    rows: isins.length,
  },
});

/**
 * Registers the `IsinSnapshotStore` conformance tests (a `describe` block named after `adapter`): round trips,
 * fences that refuse older writers with `STALE_FENCE`, racing writers, unsafe names. `open` is called before
 * every test and must answer a fresh, empty store.
 *
 * @example
 * ```ts
 * import { memoryIsinSnapshotStore } from 'tickwork/memory';
 * import { isinSnapshotStoreConformance } from 'tickwork/testing';
 *
 * isinSnapshotStoreConformance('memory', () => ({ store: memoryIsinSnapshotStore() }));
 * ```
 */
export function isinSnapshotStoreConformance(adapter: string, open: () => MaybePromise<IsinSnapshotStoreHandle>): void {
  describe(`IsinSnapshotStore conformance: ${adapter}`, () => {
    let handle: IsinSnapshotStoreHandle | undefined;
    let store: IsinSnapshotStore;
    beforeEach(async () => {
      handle = await open();
      store = handle.store;
    });
    afterEach(async () => {
      // After a failed set-up there is nothing to close, and the set-up error is the one to report.
      const opened = handle;
      handle = undefined;
      await opened?.close?.();
    });

    it('has nothing for an unknown name', async () => {
      expect(await store.load('never-saved')).toBeUndefined();
    });

    it('round-trips a snapshot with its metadata and fence', async () => {
      const isins = distinctIsins(5000, 5);
      await store.save('gleif', snapshot(isins), { fence: 3 });
      const back = await store.load('gleif');
      expect(back).toBeDefined();
      expect(back!.set.equals(IsinSet.from(isins))).toBe(true);
      expect(back!.meta).toEqual(snapshot(isins).meta);
      expect(back!.fence).toBe(3);
      expect(Number.isNaN(Date.parse(back!.savedAt))).toBe(false);
    });

    it('refuses a lower fence with STALE_FENCE and keeps the current snapshot', async () => {
      await store.save('list', snapshot(['US0378331005'], 'new'), { fence: 7 });
      const error = await store.save('list', snapshot(['DE0007164600'], 'old'), { fence: 6 }).catch((e) => e);
      expect(isTickworkError(error, 'STALE_FENCE')).toBe(true);
      const current = await store.load('list');
      expect([...current!.set]).toEqual(['US0378331005']);
      expect(current!.meta.etag).toBe('new');
      expect(current!.fence).toBe(7);
    });

    it('accepts an equal or higher fence', async () => {
      await store.save('list', snapshot(['US0378331005']), { fence: 2 });
      await store.save('list', snapshot(['DE0007164600']), { fence: 2 });
      expect([...(await store.load('list'))!.set]).toEqual(['DE0007164600']);
      await store.save('list', snapshot(['GB0002634946']), { fence: 10 });
      expect((await store.load('list'))!.fence).toBe(10);
    });

    it('lets an unfenced save through without lowering the fence', async () => {
      await store.save('list', snapshot(['US0378331005']), { fence: 9 });
      await store.save('list', snapshot(['DE0007164600']));
      const current = await store.load('list');
      expect([...current!.set]).toEqual(['DE0007164600']);
      expect(current!.fence).toBe(9);
      await expect(store.save('list', snapshot(['GB0002634946']), { fence: 8 })).rejects.toSatisfy((e) =>
        isTickworkError(e, 'STALE_FENCE'),
      );
    });

    it('keeps names apart and stores an empty set', async () => {
      await store.save('a', snapshot(['US0378331005']), { fence: 5 });
      await store.save('b', snapshot([]), { fence: 1 });
      expect((await store.load('a'))!.set.size).toBe(1);
      expect((await store.load('b'))!.set.size).toBe(0);
      expect((await store.load('b'))!.fence).toBe(1);
    });

    it('lets exactly the newest of racing writers win', async () => {
      const results = await Promise.allSettled(
        [4, 9, 6, 2, 8].map((fence) =>
          store.save('race', snapshot([distinctIsins(1, fence)[0]!], `f${fence}`), { fence }),
        ),
      );
      // Whatever order they ran in, the stored snapshot is the one with fence 9 and nothing older replaced it.
      const current = await store.load('race');
      expect(current!.fence).toBe(9);
      expect(current!.meta.etag).toBe('f9');
      for (const r of results) if (r.status === 'rejected') expect(isTickworkError(r.reason, 'STALE_FENCE')).toBe(true);
    });

    it('refuses unsafe names and bad fences', async () => {
      for (const name of ['', '../etc/passwd', 'a/b', '.hidden']) {
        await expect(store.save(name, snapshot([]))).rejects.toSatisfy((e) => isTickworkError(e, 'VALIDATION'));
      }
      await expect(store.save('x', snapshot([]), { fence: -1 })).rejects.toSatisfy((e) =>
        isTickworkError(e, 'VALIDATION'),
      );
    });
  });
}
