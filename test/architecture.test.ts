/**
 * Which folder may import what (docs/architecture.md). Every import specifier of every file under `src/`,
 * `adapters/` and `examples/` is read from its syntax tree (static and dynamic imports, re-exports,
 * `import('…')` types), and a broken rule fails naming the file and the import.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { entry } from '../tsup.config.js';

const root = resolve(import.meta.dirname, '..');
const posix = (path: string) => path.split(sep).join('/');

/** The names the package answers to, `tickwork` and `tickwork/<subpath>`, from the build entries. */
const packageNames = new Set(
  Object.keys(entry)
    .filter((name) => name !== 'cli')
    .map((name) => (name === 'index' ? 'tickwork' : `tickwork/${name}`)),
);
/** Source files behind those names. */
const entryFiles = new Set(
  Object.entries(entry)
    .filter(([name]) => name !== 'cli')
    .map(([, source]) => source),
);

interface Import {
  /** Repository-relative path of the importing file. */
  readonly file: string;
  /** The specifier as written. */
  readonly specifier: string;
  /** Repository-relative target of a relative specifier (`.js` read as `.ts`); undefined for a bare one. */
  readonly target: string | undefined;
  /** True when only types are imported (erased at run time). */
  readonly typeOnly: boolean;
}

function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && /\.(ts|mts|js|mjs)$/.test(d.name) && !d.name.endsWith('.d.ts'))
    .map((d) => posix(relative(root, join(d.parentPath, d.name))));
}

function importsOf(file: string): Import[] {
  const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const found: Import[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    const target = specifier.startsWith('.')
      ? posix(relative(root, resolve(root, dirname(file), specifier))).replace(/\.js$/, '.ts')
      : undefined;
    found.push({ file, specifier, target, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier.text, typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      add(node.arguments[0].text, false);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      add(node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const builtins = new Set(builtinModules);
const isBuiltin = (specifier: string) => specifier.startsWith('node:') || builtins.has(specifier);
const show = (i: Import) => `${i.file}: '${i.specifier}'`;

/** Imports of every file under `dir` that break `allowed` (which returns true for a good import). */
function violations(dir: string, allowed: (i: Import) => boolean): string[] {
  return filesUnder(dir)
    .flatMap(importsOf)
    .filter((i) => !allowed(i))
    .map(show);
}

/** Internals that example tests may reach because no entry point exports them, and why. */
const EXAMPLE_TEST_INTERNALS: Record<string, string> = {
  // The exact error the PostgreSQL adapter throws for a driver failure, to check what a client is told.
  'adapters/postgres/pg-errors.ts': 'builds the error the postgres adapter throws for a driver error',
};

describe('architecture: what each folder may import', () => {
  it('reads the imports it checks (the parser sees static, dynamic, re-export and type imports)', () => {
    const adapters = filesUnder('adapters').flatMap(importsOf);
    expect(adapters.length).toBeGreaterThan(50);
    expect(adapters.some((i) => i.target === 'src/adapter-kit.ts' && !i.typeOnly)).toBe(true);
    expect(adapters.some((i) => i.target === 'src/index.ts' && i.typeOnly)).toBe(true);
    expect(
      filesUnder('examples')
        .flatMap(importsOf)
        .some((i) => i.specifier === 'tickwork'),
    ).toBe(true);
  });

  it('an adapter imports its own folder, node built-ins, and tickwork only through the public surface', () => {
    // Values from `src/adapter-kit.ts` (re-exported by the root, and light: no scheduler, services or zod);
    // types from the root. No driver package: the caller passes a client (DESIGN "Rules of the house").
    const bad = violations('adapters', (i) => {
      if (i.target === undefined) return isBuiltin(i.specifier);
      const own = i.file.split('/').slice(0, 2).join('/');
      if (i.target.startsWith(`${own}/`)) return true;
      if (i.target === 'src/adapter-kit.ts') return true;
      return i.target === 'src/index.ts' && i.typeOnly;
    });
    expect(bad).toEqual([]);
  });

  it('src/ never imports adapters/, examples/ or test/; only the CLI uses the package names', () => {
    const bad = violations('src', (i) => {
      const cli = i.file.startsWith('src/cli/');
      if (i.target === undefined) return !i.specifier.startsWith('tickwork') || (cli && packageNames.has(i.specifier));
      if (!i.target.startsWith('src/')) return false;
      // The library never depends on its command.
      return cli || !i.target.startsWith('src/cli/');
    });
    expect(bad).toEqual([]);
  });

  it('examples import tickwork by its package name, as users do', () => {
    const bad = violations('examples', (i) => {
      if (i.target === undefined) return !i.specifier.startsWith('tickwork') || packageNames.has(i.specifier);
      if (i.target.startsWith('examples/')) return true;
      // Example tests share the repository's test helpers (services, databases, a browser).
      if (!i.file.startsWith('examples/test/')) return false;
      return i.target.startsWith('test/helpers/') || i.target in EXAMPLE_TEST_INTERNALS;
    });
    expect(bad).toEqual([]);
  });

  it('code outside src/ checks a TickworkError by code, not instanceof', () => {
    const bad = [...filesUnder('adapters'), ...filesUnder('examples'), ...filesUnder('src/cli')].filter((file) =>
      /instanceof\s+TickworkError\b/.test(readFileSync(join(root, file), 'utf8')),
    );
    expect(bad).toEqual([]);
  });

  it('tsc, tsx and vitest resolve the package names to the entry sources (tsconfig paths)', () => {
    const { paths } = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')).compilerOptions as {
      paths: Record<string, string[]>;
    };
    const mapped = Object.fromEntries(Object.entries(paths).map(([name, [target]]) => [name, target]));
    const expected = Object.fromEntries(
      Object.entries(entry)
        .filter(([name]) => name !== 'cli')
        .map(([name, source]) => [name === 'index' ? 'tickwork' : `tickwork/${name}`, `./${source}`]),
    );
    expect(mapped).toEqual(expected);
    expect([...entryFiles].every((file) => Object.values(mapped).includes(`./${file}`))).toBe(true);
  });
});
