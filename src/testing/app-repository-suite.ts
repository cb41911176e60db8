import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { codeOf } from './code-of.js';
import { type OpenRepositories, repositoriesForSuite } from './open-repositories.js';
import { appRow, at } from './rows.js';
import { tamper } from './tamper.js';

/**
 * Registers the `AppRepository` conformance tests (a `describe` block named after `name`): unique package names
 * and ids, compare-and-set updates, last-writer-wins updates, rows a caller cannot change, listing order.
 */
export function appRepositoryConformance(name: string, open: OpenRepositories): void {
  describe(`AppRepository on ${name}`, () => {
    const repos = repositoriesForSuite(open);

    it('stores and finds apps; a taken package name or id is CONFLICT', async () => {
      const a = appRow({ iconUrl: 'https://cdn.example.com/i.png', subCategory: 'Sub' });
      await repos.apps.insert(a);
      expect(await repos.apps.findById(a.id)).toEqual(a);
      expect(await repos.apps.findById('missing')).toBeUndefined();
      expect(await codeOf(repos.apps.insert(appRow({ packageName: a.packageName })))).toBe('CONFLICT');
      expect(await codeOf(repos.apps.insert(appRow({ id: a.id })))).toBe('CONFLICT');
    });

    it('updates only at the expected version, and keeps package names unique', async () => {
      const a = appRow();
      const b = appRow();
      await repos.apps.insert(a);
      await repos.apps.insert(b);
      const change = { points: 99, active: false, updatedAt: at(9) };
      expect(await repos.apps.update(a.id, change, 2)).toBeUndefined();
      expect(await repos.apps.update(a.id, change, 1)).toEqual({ ...a, ...change, version: 2 });
      expect(await repos.apps.update(a.id, { points: 1, updatedAt: at(10) }, 1)).toBeUndefined();
      expect(await codeOf(repos.apps.update(a.id, { packageName: b.packageName, updatedAt: at(10) }, 2))).toBe(
        'CONFLICT',
      );
      expect(await codeOf(repos.apps.update(a.id, { packageName: b.packageName, updatedAt: at(10) }))).toBe('CONFLICT');
      expect((await repos.apps.findById(a.id))?.packageName).toBe(a.packageName);
      expect(await repos.apps.update('missing', change, 1)).toBeUndefined();
      expect(await repos.apps.update('missing', change)).toBeUndefined();
    });

    it('without an expected version, the last writer wins: 30 concurrent changes all apply, none refused', async () => {
      const a = appRow({ subCategory: 'Kept' });
      await repos.apps.insert(a);
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          repos.apps.update(a.id, i % 2 ? { points: i + 1, updatedAt: at(i) } : { name: `N${i}`, updatedAt: at(i) }),
        ),
      );
      expect(results.every((r) => r !== undefined)).toBe(true);
      // Each change applied on top of the one before: every version from 2 to 31 once.
      expect(results.map((r) => r?.version).sort((x, y) => (x ?? 0) - (y ?? 0))).toEqual(
        Array.from({ length: 30 }, (_, i) => i + 2),
      );
      const last = results.find((r) => r?.version === 31);
      const stored = await repos.apps.findById(a.id);
      expect(stored).toEqual(last);
      // A field no change set is kept; each field holds a value one of its writers set.
      expect(stored?.subCategory).toBe('Kept');
      expect(stored?.name).toMatch(/^N\d+$/);
      expect(stored?.points).toBeGreaterThan(1);
    });

    it('hands out rows that a caller cannot use to change what is stored', async () => {
      const a = appRow({ iconUrl: 'https://cdn.example.com/i.png' });
      await repos.apps.insert(a);
      const { id } = a;
      const inserted = { ...a, createdAt: new Date(a.createdAt), updatedAt: new Date(a.updatedAt) };
      tamper(a);
      tamper(await repos.apps.findById(id));
      for (const row of await repos.apps.list({ activeOnly: false })) tamper(row);
      expect(await repos.apps.findById(id)).toEqual(inserted);
      const next = () => ({
        ...inserted,
        createdAt: new Date(inserted.createdAt),
        points: 7,
        updatedAt: at(5),
        version: 2,
      });
      const passed = { points: 7, updatedAt: at(5) };
      const updated = await repos.apps.update(id, passed, 1);
      tamper(passed);
      tamper(updated);
      expect(await repos.apps.findById(id)).toEqual(next());
      expect((await repos.apps.list({ activeOnly: false })).find((r) => r.id === id)).toEqual(next());
    });

    it('lists by name then id (byte order), all or active only', async () => {
      const tag = randomUUID();
      const rows = [
        appRow({ name: `${tag} b`, id: `${tag}-2` }),
        appRow({ name: `${tag} a`, id: `${tag}-3`, active: false }),
        appRow({ name: `${tag} B`, id: `${tag}-1` }),
        appRow({ name: `${tag} b`, id: `${tag}-0` }),
      ];
      for (const r of rows) await repos.apps.insert(r);
      const mine = (list: { id: string }[]) => list.map((a) => a.id).filter((id) => id.startsWith(tag));
      expect(mine(await repos.apps.list({ activeOnly: false }))).toEqual([
        `${tag}-1`,
        `${tag}-3`,
        `${tag}-0`,
        `${tag}-2`,
      ]);
      expect(mine(await repos.apps.list({ activeOnly: true }))).toEqual([`${tag}-1`, `${tag}-0`, `${tag}-2`]);
    });
  });
}
