/**
 * `tickwork/testing` is the only subpath that loads vitest (an optional peer): a user without vitest imports
 * every other subpath. Checked on the build with a resolve hook that refuses `vitest`, so a stray import of
 * it anywhere in the module graph of another entry (a shared chunk included) fails the import.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  exports: Record<string, unknown>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};
const specifiers = Object.keys(pkg.exports)
  .filter((k) => k !== './package.json')
  .map((subpath) => (subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`));

const REFUSE_VITEST = `export async function resolve(specifier, context, next) {
  if (specifier === 'vitest' || specifier.startsWith('vitest/')) {
    throw new Error('vitest resolved from ' + context.parentURL);
  }
  return next(specifier, context);
}`;

/** Imports each specifier in a fresh Node whose resolver refuses vitest; the outcome of each import. */
function importWithoutVitest(): Record<string, string> {
  const out = execFileSync(
    process.execPath,
    [
      '--no-warnings',
      '--input-type=module',
      '-e',
      `
      import { register } from 'node:module';
      register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(REFUSE_VITEST)}));
      const outcome = {};
      for (const spec of ${JSON.stringify(specifiers)}) {
        try {
          await import(spec);
          outcome[spec] = 'loaded';
        } catch (error) {
          outcome[spec] = String(error.message);
        }
      }
      console.log(JSON.stringify(outcome));
      `,
    ],
    { cwd: root, encoding: 'utf8' },
  );
  return JSON.parse(out) as Record<string, string>;
}

describe('tickwork/testing and vitest', () => {
  it('declares vitest as an optional peer, not a dependency', () => {
    expect(pkg.peerDependencies.vitest).toBeDefined();
    expect(pkg.peerDependenciesMeta.vitest).toEqual({ optional: true });
  });

  it('loads vitest from tickwork/testing only', () => {
    const outcome = importWithoutVitest();
    expect(Object.keys(outcome).sort()).toEqual([...specifiers].sort());
    for (const spec of specifiers) {
      if (spec === `${pkg.name}/testing`) expect(outcome[spec], spec).toMatch(/^vitest resolved from .*testing\.js$/);
      else expect(outcome[spec], spec).toBe('loaded');
    }
  });
});
