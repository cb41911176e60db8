import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isinSnapshotStoreConformance } from 'tickwork/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { fsIsinSnapshotStore } from '../../../adapters/fs/isin-snapshot-store.js';
import { isTickworkError } from '../../../src/errors.js';
import { IsinSet } from '../../../src/isin/isin-set.js';
import { distinctIsins } from '../../isin/generate.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tickwork-isin-fs-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

isinSnapshotStoreConformance('fs', async () => {
  const dir = await tempDir();
  return { store: fsIsinSnapshotStore({ dir: join(dir, 'nested') }), close: async () => {} };
});

describe('fs snapshot store: crash safety', () => {
  it('ignores a partial temp file left by a crashed writer', async () => {
    const dir = await tempDir();
    const store = fsIsinSnapshotStore({ dir });
    await store.save('list', { set: IsinSet.from(['US0378331005']), meta: { fetchedAt: 'x' } }, { fence: 1 });
    await writeFile(join(dir, 'list.isinsnap.999.deadbeef.tmp'), Buffer.from('TWSN partial'));
    expect([...(await store.load('list'))!.set]).toEqual(['US0378331005']);
    await store.save('list', { set: IsinSet.from(['DE0007164600']), meta: { fetchedAt: 'y' } }, { fence: 2 });
    expect([...(await store.load('list'))!.set]).toEqual(['DE0007164600']);
  });

  it('refuses a damaged snapshot file instead of reading a wrong list', async () => {
    const dir = await tempDir();
    const store = fsIsinSnapshotStore({ dir });
    await writeFile(join(dir, 'bad.isinsnap'), Buffer.from('not a snapshot at all'));
    await expect(store.load('bad')).rejects.toSatisfy((e) => isTickworkError(e, 'VALIDATION'));
  });

  it('leaves a whole snapshot when the writing process is killed mid-write', async () => {
    const dir = await tempDir();
    const expected = [IsinSet.from(distinctIsins(150_000, 1)), IsinSet.from(distinctIsins(100_000, 2))];
    const writer = resolve(import.meta.dirname, 'isin-snapshot-writer.ts');
    for (const killAfter of [2, 3, 5]) {
      const child = spawn(process.execPath, ['--import', 'tsx', writer, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((done) => {
        let saves = 0;
        child.stdout.on('data', (chunk: Buffer) => {
          saves += chunk.toString().split('\n').filter(Boolean).length;
          // Kill a little after a save completes: the next save is then in progress.
          if (saves >= killAfter) setTimeout(() => child.kill('SIGKILL'), 5 + killAfter * 7);
        });
        child.on('exit', () => done());
      });
      const store = fsIsinSnapshotStore({ dir, staleLockAfter: 1 });
      const loaded = await store.load('crash');
      expect(expected.some((s) => s.equals(loaded!.set))).toBe(true);
      // The dead writer's lock does not block the next run once it is stale.
      await new Promise((r) => setTimeout(r, 5));
      await store.save('crash', { set: expected[0]!, meta: { fetchedAt: 'after' } });
      expect((await store.load('crash'))!.meta.fetchedAt).toBe('after');
    }
    // Temp files of killed writers stay behind but are never read as snapshots.
    expect((await readdir(dir)).filter((f) => f.endsWith('.isinsnap'))).toEqual(['crash.isinsnap']);
  });

  it('checks its options up front', () => {
    expect(() => fsIsinSnapshotStore({ dir: '' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
