import { checkSnapshotName, checkSnapshotSave, staleFenceError } from '../../src/adapter-kit.js';
import type { IsinSnapshot, IsinSnapshotStore, SaveIsinSnapshotOptions, StoredIsinSnapshot } from '../../src/index.js';

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
      checkSnapshotName(name);
      return snapshots.get(name);
    },
    async save(name: string, snapshot: IsinSnapshot, options?: SaveIsinSnapshotOptions) {
      const fence = checkSnapshotSave(name, options);
      const current = snapshots.get(name)?.fence ?? 0;
      if (fence !== undefined && fence < current) throw staleFenceError(name, fence, current);
      snapshots.set(name, {
        set: snapshot.set,
        meta: structuredClone(snapshot.meta),
        fence: Math.max(current, fence ?? 0),
        savedAt: new Date().toISOString(),
      });
    },
  };
}
