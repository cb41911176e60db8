/**
 * The drivers are optional peers whose ranges are exactly what the tests run: each range is the union of the
 * driver's dev dependency and its npm-alias dev dependencies (`"ioredis6": "npm:ioredis@^6.0.0"`), and every
 * installed copy satisfies the range it stands for.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REDIS_CLIENTS } from '../adapters/redis/redis-clients.js';

const root = resolve(import.meta.dirname, '../..');
const read = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8'));
const pkg = read('package.json') as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};
const DRIVERS = ['@electric-sql/pglite', 'ioredis', 'pg', 'redis'];

/** Dev dependencies that install `driver`: itself, and aliases `name: npm:driver@range`. */
function testedCopies(driver: string): { installedAs: string; range: string }[] {
  return Object.entries(pkg.devDependencies).flatMap(([name, spec]) => {
    if (name === driver) return [{ installedAs: name, range: spec }];
    const alias = spec.match(/^npm:(@?[^@]+)@(.+)$/);
    return alias?.[1] === driver ? [{ installedAs: name, range: alias[2] as string }] : [];
  });
}

describe('driver peer dependencies', () => {
  it('declares every driver as an optional peer, never as a dependency', () => {
    // Other optional peers may join (a test runner for shared suites); every peer stays optional.
    expect(Object.keys(pkg.peerDependencies)).toEqual(expect.arrayContaining(DRIVERS));
    for (const peer of Object.keys(pkg.peerDependencies)) expect(pkg.peerDependenciesMeta[peer]?.optional).toBe(true);
    for (const driver of DRIVERS) {
      expect(pkg.peerDependenciesMeta[driver]).toEqual({ optional: true });
      expect(pkg.dependencies).not.toHaveProperty(driver);
    }
  });

  it.each(DRIVERS)('%s: the peer range is the union of the tested ranges', (driver) => {
    const copies = testedCopies(driver);
    expect(copies.length).toBeGreaterThan(0);
    expect(pkg.peerDependencies[driver]).toBe(copies.map((c) => c.range).join(' || '));
    for (const { installedAs, range } of copies) {
      const installed = read(`node_modules/${installedAs}/package.json`) as { name: string; version: string };
      expect(installed.name).toBe(driver);
      // Each copy is the major its range names (`^6.0.0` → 6.x; `^0.5.16` → 0.5.x).
      const [major, minor] = range.replace(/^\^/, '').split('.');
      const prefix = major === '0' ? `0.${minor}.` : `${major}.`;
      expect(installed.version.startsWith(prefix), `${installedAs}@${installed.version} for ${range}`).toBe(true);
    }
  });

  it('runs the Redis lock tests against one client per tested Redis driver major', () => {
    const majors = (driver: string) => testedCopies(driver).map((c) => c.range.replace(/^\^/, '').split('.')[0]);
    const expected = [
      ...majors('ioredis').map((m) => `ioredis ${m}`),
      ...majors('redis').map((m) => `node-redis ${m}`),
    ];
    expect(REDIS_CLIENTS.map((c) => c.name).sort()).toEqual(expected.sort());
  });
});
