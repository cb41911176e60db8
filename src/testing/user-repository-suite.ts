import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { User } from '../domain/user.js';
import { codeOf } from './code-of.js';
import { type OpenRepositories, repositoriesForSuite } from './open-repositories.js';
import { at, userRow } from './rows.js';
import { tamper } from './tamper.js';

/** Registers the `UserRepository` conformance tests: unique emails and ids, roles set at an expected version. */
export function userRepositoryConformance(name: string, open: OpenRepositories): void {
  describe(`UserRepository on ${name}`, () => {
    const repos = repositoriesForSuite(open);

    it('stores and finds users by id and email; what a caller holds cannot change what is stored', async () => {
      const u = userRow();
      const kept = { ...u, createdAt: new Date(u.createdAt), updatedAt: new Date(u.updatedAt) };
      await repos.users.insert(u);
      expect(await repos.users.findById(u.id)).toEqual(u);
      const found = await repos.users.findByEmail(u.email);
      expect(found).toEqual(u);
      tamper(u);
      tamper(found);
      tamper(await repos.users.findById(kept.id));
      expect(await repos.users.findById(kept.id)).toEqual(kept);
      expect(await repos.users.findById('missing')).toBeUndefined();
      expect(await repos.users.findByEmail('missing@example.com')).toBeUndefined();
    });

    it('refuses a taken email or id with CONFLICT', async () => {
      const u = userRow();
      await repos.users.insert(u);
      expect(await codeOf(repos.users.insert(userRow({ email: u.email })))).toBe('CONFLICT');
      expect(await codeOf(repos.users.insert(userRow({ id: u.id })))).toBe('CONFLICT');
    });

    it('sets a role only at the expected version', async () => {
      const u = userRow();
      await repos.users.insert(u);
      expect(await repos.users.setRole(u.id, 'admin', 2, at(5))).toBeUndefined();
      const promoted = await repos.users.setRole(u.id, 'admin', 1, at(5));
      expect(promoted).toEqual({ ...u, role: 'admin', version: 2, updatedAt: at(5) });
      expect(await repos.users.setRole(u.id, 'user', 1, at(6))).toBeUndefined();
      expect(await repos.users.setRole('missing', 'admin', 1, at(6))).toBeUndefined();
    });

    it('lists users by email, paged, optionally those whose name or email contains a text, wildcards literal', async () => {
      const tag = randomUUID().slice(0, 8);
      const rows = [
        userRow({ email: `b-${tag}@example.com`, name: 'Zed' }),
        userRow({ email: `a-${tag}@example.com`, name: `Anna ${tag.toUpperCase()}` }),
        userRow({ email: `c-${tag}_x@example.com`, name: '100% Carl' }),
      ];
      for (const u of rows) await repos.users.insert(u);
      const [b, a, c] = rows as [User, User, User];
      const ids = async (search: string | undefined, limit = 10, offset = 0) =>
        (await repos.users.list({ search, limit, offset })).map((u) => u.id);
      expect(await ids(tag)).toEqual([a.id, b.id, c.id]);
      expect(await ids(tag, 2, 1)).toEqual([b.id, c.id]);
      expect(await ids(tag, 1, 3)).toEqual([]);
      // Case-insensitive on the name (the email is stored lower-case).
      expect(await ids(`anna ${tag}`)).toEqual([a.id]);
      expect(await ids(`${tag}_x`)).toEqual([c.id]);
      // `_` and `%` match themselves only.
      expect(await ids(`${tag}_`)).toEqual([c.id]);
      expect(await ids('100%')).toEqual(expect.arrayContaining([c.id]));
      expect(await ids(`${tag}%`)).toEqual([]);
      const all = await repos.users.list({ limit: 1000, offset: 0 });
      expect(all.map((u) => u.id)).toEqual(expect.arrayContaining([a.id, b.id, c.id]));
      const emails = all.map((u) => u.email);
      expect(emails).toEqual([...emails].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
      tamper(all[0]);
      expect(await repos.users.findById(a.id)).toEqual(a);
    });

    it('counts the admins, inside a transaction as outside', async () => {
      const before = await repos.users.lockAdmins();
      const admin = userRow({ role: 'admin' });
      await repos.users.insert(admin);
      await repos.users.insert(userRow());
      expect(await repos.users.lockAdmins()).toBe(before + 1);
      expect(await repos.transaction((tx) => tx.users.lockAdmins())).toBe(before + 1);
    });
  });
}
