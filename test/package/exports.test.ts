/**
 * The published surface: the `exports` map, the tsup entries and `dist/` agree, and every subpath loads
 * with `import` and with `require` (require(esm), Node ≥ 20.19). Runs on the build made by `pretest`.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { entry } from '../../tsup.config.js';

const root = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  exports: Record<string, string | { types: string; default: string }>;
  bin: Record<string, string>;
};
const subpaths = Object.keys(pkg.exports).filter((k) => k !== './package.json');
const specifier = (subpath: string) => (subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`);
const entryName = (subpath: string) => (subpath === '.' ? 'index' : subpath.slice(2));

function node(code: string, cwd = root): string {
  return execFileSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', code], {
    cwd,
    encoding: 'utf8',
  });
}

describe('package exports', () => {
  it('maps every subpath to a tsup entry and every library entry to a subpath, types first', () => {
    const libraryEntries = Object.keys(entry).filter((name) => name !== 'cli');
    expect(subpaths.map(entryName).sort()).toEqual(libraryEntries.sort());
    for (const subpath of subpaths) {
      const target = pkg.exports[subpath];
      const name = entryName(subpath);
      expect(target).toEqual({ types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` });
      expect(Object.keys(target as object)[0]).toBe('types');
      expect(existsSync(join(root, entry[name as keyof typeof entry]))).toBe(true);
    }
    expect(pkg.bin.tickwork).toBe(`./dist/cli.js`);
  });

  it('has built every target', () => {
    for (const subpath of subpaths) {
      const target = pkg.exports[subpath] as { types: string; default: string };
      expect(existsSync(join(root, target.default)), target.default).toBe(true);
      expect(existsSync(join(root, target.types)), target.types).toBe(true);
    }
  });

  it.each(subpaths)('loads %s with import and with require, to the same module', (subpath) => {
    const spec = specifier(subpath);
    const out = node(`
      import { createRequire } from 'node:module';
      const esm = await import(${JSON.stringify(spec)});
      const cjs = createRequire(process.cwd() + '/')(${JSON.stringify(spec)});
      const keys = Object.keys(esm).filter((k) => k !== 'default' && k !== '__esModule').sort();
      const same = keys.every((k) => cjs[k] === esm[k]);
      console.log(JSON.stringify({ keys, same }));
    `);
    const { keys, same } = JSON.parse(out) as { keys: string[]; same: boolean };
    expect(same).toBe(true);
    if (subpath === '.') expect(keys).toEqual(expect.arrayContaining(['TickworkError', 'isTickworkError']));
  });

  it('runs the tickwork binary', () => {
    const out = execFileSync(process.execPath, [join(root, pkg.bin.tickwork as string), '--help'], {
      encoding: 'utf8',
    });
    expect(out).toMatch(/^Usage: tickwork <command>/);
  });
});

describe('error brand across copies', () => {
  const copy = mkdtempSync(join(tmpdir(), 'tickwork-copy-'));
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('isTickworkError recognises an error thrown by a second copy of the package', () => {
    cpSync(join(root, 'dist'), join(copy, 'dist'), { recursive: true });
    writeFileSync(join(copy, 'package.json'), JSON.stringify({ type: 'module' }));
    // A second install has its own dependencies (zod, croner, p-retry) beside it; link them in.
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
    const out = node(`
      const a = await import(${JSON.stringify(join(root, 'dist/index.js'))});
      const b = await import(${JSON.stringify(join(copy, 'dist/index.js'))});
      const err = new b.TickworkError('CONFLICT', 'from copy b');
      console.log(JSON.stringify({
        distinctClasses: a.TickworkError !== b.TickworkError,
        instanceOf: err instanceof a.TickworkError,
        branded: a.isTickworkError(err),
        byCode: a.isTickworkError(err, 'CONFLICT'),
        wrongCode: a.isTickworkError(err, 'NOT_FOUND'),
      }));
    `);
    expect(JSON.parse(out)).toEqual({
      distinctClasses: true,
      instanceOf: false,
      branded: true,
      byCode: true,
      wrongCode: false,
    });
  });
});
