import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { assertNonEmptyString, checkProofKey, TickworkError } from '../../src/adapter-kit.js';
import type { ProofStore } from '../../src/index.js';
import { writeFileAtomic } from './atomic-write.js';
import { isMissing } from './is-missing.js';

/** Options of {@link fsProofStore}. */
export interface FsProofStoreOptions {
  /** Directory for the images (created when missing). Keep it outside any web root. */
  readonly dir: string;
}

/**
 * A proof store on disk, content-addressed: `<dir>/<first two hex digits>/<sha256>`. A write goes to a temporary
 * file that is fsynced and then renamed into place, so a reader never sees half an image and a crash leaves no
 * partial file under a real key. Storing the same bytes twice writes once.
 *
 * @example
 * ```ts
 * import { fsProofStore } from 'tickwork/fs';
 *
 * const proofs = fsProofStore({ dir: '/var/lib/rewards/proofs' });
 * ```
 */
export function fsProofStore(options: FsProofStoreOptions): ProofStore {
  assertNonEmptyString('dir', options?.dir);
  const { dir } = options;
  const pathOf = (sha256: string) => join(dir, sha256.slice(0, 2), sha256);

  async function exists(path: string): Promise<boolean> {
    try {
      await stat(path);
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw new TickworkError('UNAVAILABLE', `Cannot read the proof store at ${dir}`, { cause: error });
    }
  }

  return {
    async put(sha256, bytes) {
      checkProofKey(sha256, bytes);
      const path = pathOf(sha256);
      if (await exists(path)) return;
      try {
        await mkdir(join(dir, sha256.slice(0, 2)), { recursive: true });
        // Same bytes under the same name: a concurrent writer's rename is harmless.
        await writeFileAtomic(path, bytes);
      } catch (error) {
        throw new TickworkError('UNAVAILABLE', `Cannot write to the proof store at ${dir}`, { cause: error });
      }
    },
    async get(sha256) {
      checkProofKey(sha256);
      try {
        return new Uint8Array(await readFile(pathOf(sha256)));
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw new TickworkError('UNAVAILABLE', `Cannot read the proof store at ${dir}`, { cause: error });
      }
    },
    async has(sha256) {
      checkProofKey(sha256);
      return exists(pathOf(sha256));
    },
  };
}
