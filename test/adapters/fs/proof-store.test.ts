import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { proofStoreConformance } from 'tickwork/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { fsProofStore } from '../../../adapters/fs/proof-store.js';
import { memoryRepositories } from '../../../adapters/memory/repositories.js';
import { isTickworkError } from '../../../src/errors.js';
import { shot, world } from '../../domain/fixture.js';

const root = mkdtempSync(join(tmpdir(), 'tickwork-proofs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

proofStoreConformance('fs', async () => ({ store: fsProofStore({ dir: join(root, 'suite') }), close: async () => {} }));

describe('fsProofStore', () => {
  it('lays files out by hash and leaves no temporary files behind', async () => {
    const dir = join(root, 'layout');
    const store = fsProofStore({ dir });
    const bytes = shot(9);
    const key = createHash('sha256').update(bytes).digest('hex');
    await store.put(key, bytes);
    expect(readdirSync(dir)).toEqual([key.slice(0, 2)]);
    expect(readdirSync(join(dir, key.slice(0, 2)))).toEqual([key]);
    // A second store over the same directory sees the file: it is durable, not cached.
    expect(await fsProofStore({ dir }).has(key)).toBe(true);
  });

  it('checks its options up front', () => {
    let error: unknown;
    try {
      fsProofStore({ dir: '' });
    } catch (e) {
      error = e;
    }
    expect(isTickworkError(error, 'INVALID_OPTION')).toBe(true);
  });
});

describe('services with fsProofStore', () => {
  it('stores a submitted screenshot on disk and serves it back to its owner', async () => {
    const w = world(memoryRepositories(), { proofs: fsProofStore({ dir: join(root, 'services') }) });
    const admin = await w.admin();
    const u = await w.user();
    const task = await w.services.tasks.claim(u, await w.app(admin));
    const bytes = shot(11);
    const submitted = await w.services.tasks.submitProof(u, task.id, bytes);
    const key = submitted.proof?.sha256 as string;
    expect(readdirSync(join(root, 'services', key.slice(0, 2)))).toEqual([key]);
    const back = await w.services.tasks.readProof(u, task.id);
    expect(Buffer.from(back.bytes).equals(Buffer.from(bytes))).toBe(true);
  });
});
