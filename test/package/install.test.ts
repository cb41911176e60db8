/**
 * Installable from a clone: a fresh clone has no `dist/`, so `npm pack` there must build it (the `prepare`
 * script, which npm also runs for `npm install <git url>`). Clones this repository (with any uncommitted
 * edits laid over it, so the test checks the tree under test), packs it, installs the tarball into an empty
 * project, then imports every subpath, `require`s the root and runs the bin there, and runs the conformance
 * suites of `tickwork/testing` on the packed memory adapters with vitest, as an adapter author would.
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
const testing = `${pkg.name}/testing`;

/** An adapter author's test file: the packed suites on the packed memory adapters. */
const CONFORMANCE_TEST = `
import { memoryIsinSnapshotStore, memoryLock, memoryProofStore, memoryRepositories } from '${pkg.name}/memory';
import { isinSnapshotStoreConformance, lockConformance, proofStoreConformance, repositoriesConformance } from '${testing}';

lockConformance('memoryLock', (bounds) => ({ lock: memoryLock(bounds) }));
isinSnapshotStoreConformance('memory', () => ({ store: memoryIsinSnapshotStore() }));
proofStoreConformance('memory', () => ({ store: memoryProofStore() }));
repositoriesConformance('memory', () => ({ repositories: memoryRepositories() }));
`;

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
    // The drivers and vitest are optional peers: npm installs none of them on its own.
    for (const peer of ['pg', 'ioredis', 'redis', '@electric-sql/pglite', 'vitest'])
      expect(lock.packages).not.toHaveProperty(`node_modules/${peer}`);
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
        for (const spec of ${JSON.stringify(specifiers.filter((s) => s !== testing))}) {
          counts[spec] = Object.keys(await import(spec)).length;
        }
        // Without vitest (an optional peer, not installed here) only tickwork/testing fails to load.
        const missing = await import(${JSON.stringify(testing)}).then(() => 'loaded', (e) => e.code);
        const cjs = createRequire(process.cwd() + '/')(${JSON.stringify(pkg.name)});
        console.log(JSON.stringify({ counts, missing, required: typeof cjs.isTickworkError, ids: cjs.extractIds('{"id":7}') }));
        `,
      ],
      project,
    );
    const { counts, missing, required, ids } = JSON.parse(out) as {
      counts: Record<string, number>;
      missing: string;
      required: string;
      ids: number[];
    };
    const loadable = specifiers.filter((s) => s !== testing);
    expect(Object.keys(counts).sort()).toEqual([...loadable].sort());
    for (const spec of loadable) expect(counts[spec], spec).toBeGreaterThan(0);
    expect(missing).toBe('ERR_MODULE_NOT_FOUND');
    expect(required).toBe('function');
    expect(ids).toEqual([7]);
  });

  it('runs the conformance suites of tickwork/testing with the vitest of the consumer', () => {
    // The consumer installs vitest beside tickwork; linking this checkout's copy stands in for that install.
    symlinkSync(join(root, 'node_modules', 'vitest'), join(project, 'node_modules', 'vitest'), 'dir');
    writeFileSync(join(project, 'adapter.test.js'), CONFORMANCE_TEST);
    const out = run(
      process.execPath,
      [join(project, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--reporter=json', '--root', project],
      project,
    );
    const report = JSON.parse(out.slice(out.indexOf('{'))) as {
      success: boolean;
      numPassedTests: number;
      numFailedTests: number;
      testResults: { assertionResults: { fullName: string }[] }[];
    };
    const names = report.testResults.flatMap((r) => r.assertionResults.map((a) => a.fullName));
    expect(report.numFailedTests).toBe(0);
    expect(report.success).toBe(true);
    for (const suite of ['memoryLock', 'IsinSnapshotStore conformance: memory', 'ProofStore on memory']) {
      expect(
        names.some((n) => n.startsWith(suite)),
        suite,
      ).toBe(true);
    }
    for (const repository of ['User', 'Session', 'App', 'Task', 'Ledger'])
      expect(
        names.some((n) => n.startsWith(`${repository}Repository`)),
        repository,
      ).toBe(true);
  });

  it('runs the bin', () => {
    const bin = join(project, 'node_modules', '.bin', 'tickwork');
    expect(run(bin, ['--help'], project)).toMatch(/^Usage: tickwork <command>/);
    expect(run(bin, ['--version'], project)).toBe(`${pkg.version}\n`);
    expect(run(bin, ['isin', 'validate', 'US0378331005'], project)).toContain('US0378331005');
  });
});
