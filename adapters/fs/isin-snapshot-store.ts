import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  assertInteger,
  assertNonEmptyString,
  checkSnapshotName,
  checkSnapshotSave,
  decodeIsinSnapshot,
  decodeIsinSnapshotHead,
  encodeIsinSnapshot,
  staleFenceError,
  TickworkError,
} from '../../src/adapter-kit.js';
import type { IsinSnapshot, IsinSnapshotStore, SaveIsinSnapshotOptions, StoredIsinSnapshot } from '../../src/index.js';
import { writeFileAtomic } from './atomic-write.js';
import { isMissing } from './is-missing.js';

/** Options of {@link fsIsinSnapshotStore}. */
export interface FsIsinSnapshotStoreOptions {
  /** Directory of the snapshot files (`<name>.isinsnap`); created when missing. */
  readonly dir: string;
  /**
   * How long a save waits for another writer's lock before failing with `TIMEOUT`, in ms.
   * @default 10000
   */
  readonly lockTimeout?: number;
  /**
   * A lock file older than this (ms) is taken to belong to a crashed writer and removed.
   * @default 60000
   */
  readonly staleLockAfter?: number;
}

/**
 * An {@link IsinSnapshotStore} in files. A save writes a temporary file, fsyncs it, renames it over the
 * snapshot and fsyncs the directory, so a crash at any point leaves the old snapshot or the new one, never
 * a torn file. The fence check and the rename run under a lock file (`<name>.lock`, created exclusively),
 * so two processes cannot both pass the check.
 *
 * @example
 * ```ts
 * import { fsIsinSnapshotStore } from 'tickwork/fs';
 * const store = fsIsinSnapshotStore({ dir: '/var/lib/myapp/isin' });
 * ```
 */
export function fsIsinSnapshotStore(options: FsIsinSnapshotStoreOptions): IsinSnapshotStore {
  assertNonEmptyString('dir', options?.dir);
  const lockTimeout = options.lockTimeout ?? 10_000;
  const staleAfter = options.staleLockAfter ?? 60_000;
  assertInteger('lockTimeout', lockTimeout, 0);
  assertInteger('staleLockAfter', staleAfter, 1);
  const dir = options.dir;
  const file = (name: string) => join(dir, `${name}.isinsnap`);

  async function lock(name: string, signal: AbortSignal | undefined): Promise<() => Promise<void>> {
    const path = join(dir, `${name}.lock`);
    const deadline = Date.now() + lockTimeout;
    for (;;) {
      if (signal?.aborted) throw new TickworkError('ABORTED', 'Snapshot save aborted', { cause: signal.reason });
      try {
        const handle = await open(path, 'wx');
        await handle.writeFile(`${process.pid}\n`);
        await handle.close();
        return () => rm(path, { force: true });
      } catch (error) {
        if ((error as { code?: string }).code !== 'EEXIST') throw error;
      }
      const age = await stat(path).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      // A writer that died holding the lock must not block every later run forever.
      if (age > staleAfter) await rm(path, { force: true });
      else if (Date.now() > deadline) {
        throw new TickworkError('TIMEOUT', `Snapshot ${name} is locked by another writer (${path})`);
      } else await sleep(15, undefined, { signal }).catch(() => {});
    }
  }

  async function currentFence(name: string): Promise<number> {
    try {
      const handle = await open(file(name), 'r');
      try {
        // The header and metadata are at the front; 64 KiB is far more than they take.
        const { buffer, bytesRead } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, 0);
        return decodeIsinSnapshotHead(buffer.subarray(0, bytesRead)).fence;
      } finally {
        await handle.close();
      }
    } catch (error) {
      if (isMissing(error)) return 0;
      throw error;
    }
  }

  return {
    async load(name): Promise<StoredIsinSnapshot | undefined> {
      checkSnapshotName(name);
      let bytes: Buffer;
      try {
        bytes = await readFile(file(name));
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw new TickworkError('UNAVAILABLE', `Cannot read snapshot ${name}`, { cause: error });
      }
      return decodeIsinSnapshot(bytes);
    },

    async save(name: string, snapshot: IsinSnapshot, saveOptions?: SaveIsinSnapshotOptions): Promise<void> {
      const fence = checkSnapshotSave(name, saveOptions);
      await mkdir(dir, { recursive: true });
      const unlock = await lock(name, saveOptions?.signal);
      try {
        const current = await currentFence(name);
        if (fence !== undefined && fence < current) throw staleFenceError(name, fence, current);
        const bytes = encodeIsinSnapshot(snapshot, Math.max(current, fence ?? 0), new Date().toISOString());
        await writeFileAtomic(file(name), bytes);
      } finally {
        await unlock();
      }
    },
  };
}
