import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repositories } from '../domain/repositories.js';
import { codeOf } from './code-of.js';
import type { OpenRepositories, RepositoriesHandle } from './open-repositories.js';
import { at, userRow } from './rows.js';
import { tamper } from './tamper.js';

/** Registers the `UserRepository` conformance tests: unique emails and ids, roles set at an expected version. */
export function userRepositoryConformance(name: string, open: OpenRepositories): void {
  describe(`UserRepository on ${name}`, () => {
    let repos: Repositories;
    let close: RepositoriesHandle['close'];
    beforeAll(async () => {
      ({ repositories: repos, close } = await open());
    });
    // After a failed set-up there is nothing to close, and the set-up error is the one to report.
    afterAll(() => close?.());

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
  });
}
