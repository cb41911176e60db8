import type {
  IsinSnapshot,
  IsinSnapshotStore,
  SaveIsinSnapshotOptions,
  StoredIsinSnapshot,
} from '../../src/isin/snapshot-store.js';
import { checkName, checkSave, staleFence } from '../../src/isin/snapshot-store.js';

/**
 * The reference {@link IsinSnapshotStore}: snapshots in this process's memory. Sets are immutable, so they
 * are shared, not copied.
 *
 * @example
 * ```ts
 * import { memoryIsinSnapshotStore } from 'tickwork/memory';
 * const store = memoryIsinSnapshotStore();
 * ```
 */
export function memoryIsinSnapshotStore(): IsinSnapshotStore {
  const snapshots = new Map<string, StoredIsinSnapshot>();
  return {
    async load(name) {
      checkName(name);
      return snapshots.get(name);
    },
    async save(name: string, snapshot: IsinSnapshot, options?: SaveIsinSnapshotOptions) {
      const fence = checkSave(name, options);
      const current = snapshots.get(name)?.fence ?? 0;
      if (fence !== undefined && fence < current) throw staleFence(name, fence, current);
      snapshots.set(name, {
        set: snapshot.set,
        meta: structuredClone(snapshot.meta),
        fence: Math.max(current, fence ?? 0),
        savedAt: new Date().toISOString(),
      });
    },
  };
}
