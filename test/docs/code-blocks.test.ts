/**
 * The docs cannot rot: every TypeScript block in README.md and docs/ compiles against the current source, and
 * every JSON block parses. Blocks import `tickwork` and its subpaths exactly as users do.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { allBlocks } from './doc-blocks.js';

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

  it('type-checks every TypeScript block against the source', () => {
    const dir = join(root, '.tmp', 'doc-blocks');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    const files = tsBlocks.map((block, index) => {
      const path = join(dir, `block-${index}.ts`);
      // The prelude shares the first line with `export {}` so reported line numbers stay those of the block.
      writeFileSync(path, `export {}; ${block.prelude.replace(/\n/g, ' ')}\n${block.code}\n`);
      return { path, block };
    });
    const subpath = (p: string) => [join(root, p)];
    const program = ts.createProgram(
      files.map((f) => f.path),
      {
        target: ts.ScriptTarget.ES2023,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [join(root, 'node_modules/@types')],
        baseUrl: root,
        paths: {
          tickwork: subpath('src/index.ts'),
          'tickwork/memory': subpath('adapters/memory/index.ts'),
          'tickwork/redis': subpath('adapters/redis/index.ts'),
          'tickwork/postgres': subpath('adapters/postgres/index.ts'),
          'tickwork/fs': subpath('adapters/fs/index.ts'),
        },
      },
    );
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && files.some((f) => f.path === d.file?.fileName))
      .map((d) => {
        const at = files.find((f) => f.path === d.file?.fileName)!;
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        return `${at.block.file}:${at.block.line + line - 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
    expect(problems).toEqual([]);
  }, 600_000);
});
