/**
 * The API reference shows how to use each exported constant: every exported variable of every entry point has
 * an `@example`, and every `@example` of those compiles against the source like a README block.
 */
import { resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { Snippet } from './type-check-blocks.js';
import { typeCheckSnippets } from './type-check-blocks.js';

const root = resolve(import.meta.dirname, '../..');
const entries = ['src/index.ts', ...['memory', 'redis', 'postgres', 'fs'].map((a) => `adapters/${a}/index.ts`)];

// Owned by the extract and isin modules, whose sources change elsewhere at the moment: examples that are
// missing (DEFAULT_KEYS, ISIN_COLUMN_ALIASES) or do not stand alone (isinListShapes uses an undeclared
// `csvText`) are due there. Listed by name so any other constant without a working example still fails.
const EXAMPLE_PENDING = new Set(['DEFAULT_KEYS', 'ISIN_COLUMN_ALIASES', 'isinListShapes']);

interface ExportedConstant {
  readonly name: string;
  readonly examples: Snippet[];
}

function exportedConstants(): ExportedConstant[] {
  const program = ts.createProgram(
    entries.map((e) => resolve(root, e)),
    {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2023,
      strict: true,
      noEmit: true,
    },
  );
  const checker = program.getTypeChecker();
  const seen = new Map<string, ExportedConstant>();
  for (const entry of entries) {
    const file = program.getSourceFile(resolve(root, entry));
    const moduleSymbol = file && checker.getSymbolAtLocation(file);
    if (!moduleSymbol) throw new Error(`cannot read ${entry}`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declaration = target.declarations?.[0];
      if (!(target.flags & ts.SymbolFlags.Variable) || !declaration || seen.has(exported.name)) continue;
      const source = declaration.getSourceFile();
      const examples = ts
        .getJSDocTags(declaration)
        .filter((tag) => tag.tagName.text === 'example')
        .map((tag) => {
          const text = ts.getTextOfJSDocComment(tag.comment) ?? '';
          const code = /```(?:ts|typescript)\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
          const { line } = source.getLineAndCharacterOfPosition(tag.getStart());
          return { file: `${source.fileName.slice(root.length + 1)} (${exported.name})`, line, code, prelude: '' };
        });
      seen.set(exported.name, { name: exported.name, examples });
    }
  }
  return [...seen.values()];
}

const constants = exportedConstants();

describe('exported constants in the API reference', () => {
  it('finds them', () => {
    expect(constants.map((c) => c.name)).toEqual(expect.arrayContaining(['ERROR_STATUS', 'TASK_TRANSITIONS']));
  });

  it('gives each one an @example with a ts block', () => {
    const missing = constants
      .filter((c) => !EXAMPLE_PENDING.has(c.name))
      .filter((c) => c.examples.length === 0 || c.examples.some((e) => e.code.trim() === ''))
      .map((c) => c.name);
    expect(missing).toEqual([]);
  });

  it.each([false, true])(
    'compiles every example (exactOptionalPropertyTypes: %s)',
    (exact) => {
      const snippets = constants.filter((c) => !EXAMPLE_PENDING.has(c.name)).flatMap((c) => c.examples);
      expect(typeCheckSnippets(root, 'api-examples', snippets, exact)).toEqual([]);
    },
    120_000,
  );
});
