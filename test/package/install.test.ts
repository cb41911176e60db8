/**
 * Installable from a clone: a fresh clone has no `dist/`, so `npm pack` there must build it (the `prepare`
 * script, which npm also runs for `npm install <git url>`). Clones this repository (with any uncommitted
 * edits laid over it, so the test checks the tree under test), packs it, installs the tarball into an empty
 * project, then imports every subpath, `require`s the root and runs the bin there.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  exports: Record<string, unknown>;
  dependencies: Record<string, string>;
};
const specifiers = Object.keys(pkg.exports)
  .filter((k) => k !== './package.json')
  .map((subpath) => (subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`));

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Lines of NUL-separated `git ls-files` output. */
function gitFiles(...args: string[]): string[] {
  return run('git', ['ls-files', '-z', ...args], root)
    .split('\0')
    .filter(Boolean);
}

/** A clone of HEAD with the working tree's edits (changed, new and deleted files) applied. */
function cloneWorkingTree(into: string): void {
  run('git', ['clone', '--quiet', '--no-hardlinks', root, into], tmpdir());
  for (const file of gitFiles('--modified', '--others', '--exclude-standard')) {
    mkdirSync(dirname(join(into, file)), { recursive: true });
    try {
      copyFileSync(join(root, file), join(into, file));
    } catch (error) {
      // `--modified` lists deleted files too: they are removed below.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  for (const file of gitFiles('--deleted')) rmSync(join(into, file), { force: true });
}

describe('a package packed from a fresh clone', () => {
  const work = mkdtempSync(join(tmpdir(), 'tickwork-install-'));
  const clone = join(work, 'clone');
  const project = join(work, 'project');
  const tarball = join(work, `${pkg.name}-${pkg.version}.tgz`);

  beforeAll(() => {
    cloneWorkingTree(clone);
    // The clone's build tools: the same dev dependencies this checkout has installed, instead of a second
    // `npm ci` of a few hundred packages.
    symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'), 'dir');
    // Scripts run: `prepare` builds `dist/` in the clone, which has none. (Its output shares stdout with
    // `--json`, so the tarball is found by its name and listed with tar.)
    run('npm', ['pack', '--pack-destination', work], clone);
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    // The runtime dependencies come from the npm cache when it has them, from the registry otherwise.
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], project);
  }, 300_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('holds the build', () => {
    const paths = run('tar', ['-tzf', tarball], work)
      .split('\n')
      .map((path) => path.replace(/^package\//, ''));
    expect(paths).toContain('dist/index.js');
    expect(paths).toContain('dist/index.d.ts');
    expect(paths).toContain('dist/cli.js');
  });

  it('installs with its runtime dependencies and no driver', () => {
    const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string }>;
    };
    expect(lock.packages[`node_modules/${pkg.name}`]?.version).toBe(pkg.version);
    for (const dependency of Object.keys(pkg.dependencies))
      expect(lock.packages).toHaveProperty(`node_modules/${dependency}`);
    // The drivers are optional peers: npm installs none of them on its own.
    for (const driver of ['pg', 'ioredis', 'redis', '@electric-sql/pglite'])
      expect(lock.packages).not.toHaveProperty(`node_modules/${driver}`);
  });

  it('imports every subpath and requires the root', () => {
    const out = run(
      process.execPath,
      [
        '--no-warnings',
        '--input-type=module',
        '-e',
        `
        import { createRequire } from 'node:module';
        const counts = {};
        for (const spec of ${JSON.stringify(specifiers)}) counts[spec] = Object.keys(await import(spec)).length;
        const cjs = createRequire(process.cwd() + '/')(${JSON.stringify(pkg.name)});
        console.log(JSON.stringify({ counts, required: typeof cjs.isTickworkError, ids: cjs.extractIds('{"id":7}') }));
        `,
      ],
      project,
    );
    const { counts, required, ids } = JSON.parse(out) as {
      counts: Record<string, number>;
      required: string;
      ids: number[];
    };
    expect(Object.keys(counts).sort()).toEqual([...specifiers].sort());
    for (const spec of specifiers) expect(counts[spec], spec).toBeGreaterThan(0);
    expect(required).toBe('function');
    expect(ids).toEqual([7]);
  });

  it('runs the bin', () => {
    const bin = join(project, 'node_modules', '.bin', 'tickwork');
    expect(run(bin, ['--help'], project)).toMatch(/^Usage: tickwork <command>/);
    expect(run(bin, ['--version'], project)).toBe(`${pkg.version}\n`);
    expect(run(bin, ['isin', 'validate', 'US0378331005'], project)).toContain('US0378331005');
  });
});
