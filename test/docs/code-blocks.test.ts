/**
 * The docs cannot rot: every TypeScript block in README.md and docs/ compiles against the current source, and
 * every JSON block parses. Blocks import `tickwork` and its subpaths exactly as users do.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allBlocks } from './doc-blocks.js';
import { typeCheckSnippets } from './type-check-blocks.js';

const root = resolve(import.meta.dirname, '../..');
const blocks = allBlocks(root);
const tsBlocks = blocks.filter((b) => ['ts', 'typescript'].includes(b.lang));

describe('documentation code blocks', () => {
  it('finds the README and its blocks', () => {
    expect(blocks.some((b) => b.file === 'README.md')).toBe(true);
  });

  it('parses every JSON block', () => {
    for (const block of blocks.filter((b) => b.lang === 'json')) {
      expect(() => JSON.parse(block.code), `${block.file}:${block.line}`).not.toThrow();
    }
  });

  // Users compile with their own flags: the blocks must pass plain `strict` and also `strict` with
  // `exactOptionalPropertyTypes`, where `{ x: undefined }` does not fit `{ x?: T }`.
  it.each([false, true])(
    'type-checks every TypeScript block against the source (exactOptionalPropertyTypes: %s)',
    (exact) => {
      expect(typeCheckSnippets(root, 'doc-blocks', tsBlocks, exact)).toEqual([]);
    },
    // Generous: two compilations of every block, on a loaded machine.
    600_000,
  );
});
