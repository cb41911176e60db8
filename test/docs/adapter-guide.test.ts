/**
 * The example adapter of docs/writing-an-adapter.md is a working adapter: the guide's code block is written
 * out as a module and run through the same ProofStore conformance suite as the built-in stores.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { proofStoreConformance } from 'tickwork/testing';
import type { ProofStore } from '../../src/domain/proof-store.js';
import { blocksOf } from './doc-blocks.js';
import { root } from './guides.js';

const guide = 'docs/writing-an-adapter.md';
const block = blocksOf(guide, readFileSync(join(root, guide), 'utf8')).find(
  (b) => b.lang === 'ts' && b.code.includes('export function blobProofStore'),
);
if (!block) throw new Error(`${guide} no longer has the blobProofStore example`);

const dir = join(root, '.tmp', 'adapter-guide');
mkdirSync(dir, { recursive: true });
const file = join(dir, 'blob-proof-store.ts');
// The block imports 'tickwork' as users do; here it runs against the source.
writeFileSync(file, block.code.replace(/from 'tickwork'/g, `from '${pathToFileURL(join(root, 'src/index.ts')).href}'`));
const { blobProofStore } = (await import(pathToFileURL(file).href)) as {
  blobProofStore: (options: {
    client: { get(key: string): Promise<Uint8Array | null>; set(key: string, value: Uint8Array): Promise<void> };
  }) => ProofStore;
};

proofStoreConformance('the example adapter of the guide', async () => {
  const blobs = new Map<string, Uint8Array>();
  const client = {
    async get(key: string) {
      return blobs.get(key) ?? null;
    },
    async set(key: string, value: Uint8Array) {
      blobs.set(key, value);
    },
  };
  return { store: blobProofStore({ client }), close: async () => {} };
});
