/**
 * What `npm publish` would upload: only the build, the README, the licence, the changelog and the manifest.
 * Anything else in the tarball (sources, tests, docs, fixtures, a stray .env) is a leak or dead weight.
 * Runs on the build made by `pretest`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

interface PackResult {
  files: { path: string }[];
}

const pack = JSON.parse(
  execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }),
) as PackResult[];
const files = (pack[0]?.files ?? []).map((f) => f.path).sort();

const allowed = (path: string) =>
  path.startsWith('dist/') || ['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json'].includes(path);

/** Every file path the manifest points to: exports targets and the bin. */
function targets(): string[] {
  const manifest = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
    exports: Record<string, string | Record<string, string>>;
    bin?: Record<string, string>;
  };
  const paths = Object.values(manifest.exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)));
  return [...paths, ...Object.values(manifest.bin ?? {})].map((p) => p.replace(/^\.\//, ''));
}

describe('npm pack', () => {
  it('lists only dist/**, README.md, LICENSE, CHANGELOG.md and package.json', () => {
    expect(files.length).toBeGreaterThan(3);
    expect(files.filter((path) => !allowed(path))).toEqual([]);
  });

  it('includes the manifest, the README, the licence and every file the manifest points to', () => {
    for (const path of ['package.json', 'README.md', 'LICENSE', ...targets()]) expect(files).toContain(path);
  });
});
