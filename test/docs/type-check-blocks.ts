/**
 * Type-checks snippets as a user's modules: each imports `tickwork` and its subpaths (mapped to the sources),
 * compiled with `strict` and, when asked, `exactOptionalPropertyTypes`. Returns one line per problem.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** A snippet and where it comes from, for the problem report. */
export interface Snippet {
  /** Where the snippet's first line is: a file, or an API name. */
  readonly file: string;
  /** 1-based line of the snippet's first line in `file`. */
  readonly line: number;
  /** The code. */
  readonly code: string;
  /** Declarations the snippet assumes, or ''. */
  readonly prelude: string;
}

/** Compiles every snippet in `root/.tmp/<name>` and lists the problems as `file:line: message`. */
export function typeCheckSnippets(
  root: string,
  name: string,
  snippets: readonly Snippet[],
  exactOptionalPropertyTypes: boolean,
): string[] {
  const dir = join(root, '.tmp', `${name}-${exactOptionalPropertyTypes ? 'exact' : 'plain'}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
  const files = snippets.map((snippet, index) => {
    const path = join(dir, `block-${index}.ts`);
    // The prelude shares the first line with `export {}` so reported line numbers stay those of the block.
    writeFileSync(path, `export {}; ${snippet.prelude.replace(/\n/g, ' ')}\n${snippet.code}\n`);
    return { path, snippet };
  });
  const subpath = (p: string) => [join(root, p)];
  const program = ts.createProgram(
    files.map((f) => f.path),
    {
      target: ts.ScriptTarget.ES2023,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      exactOptionalPropertyTypes,
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
        'tickwork/testing': subpath('src/testing/index.ts'),
      },
    },
  );
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.some((f) => f.path === d.file?.fileName))
    .map((d) => {
      const at = files.find((f) => f.path === d.file?.fileName);
      const { line } = d.file?.getLineAndCharacterOfPosition(d.start ?? 0) ?? { line: 0 };
      const where = at ? `${at.snippet.file}:${at.snippet.line + line - 1}` : '?';
      return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}
