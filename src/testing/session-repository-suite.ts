import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../domain/session.js';
import { codeOf } from './code-of.js';
import { type OpenRepositories, repositoriesForSuite } from './open-repositories.js';
import { userRow } from './rows.js';

/** Registers the `SessionRepository` conformance tests: store, find and delete by token hash; expire. */
export function sessionRepositoryConformance(name: string, open: OpenRepositories): void {
  describe(`SessionRepository on ${name}`, () => {
    const repos = repositoriesForSuite(open);
    let userId: string;
    // Far in the past, so no other test's session expires in the window this suite deletes.
    const at = (ms: number) => new Date(Date.UTC(2000, 0, 1) + ms);
    const hex = () => randomBytes(32).toString('hex');
    const session = (hash: string, expiresMs: number): Session => ({
      tokenHash: hash,
      userId,
      createdAt: at(0),
      expiresAt: at(expiresMs),
    });
    beforeAll(async () => {
      const u = userRow();
      await repos.users.insert(u);
      userId = u.id;
    });

    it('stores, finds and deletes sessions by token hash', async () => {
      const s = session(hex(), 1000);
      await repos.sessions.insert(s);
      expect(await repos.sessions.findByHash(s.tokenHash)).toEqual(s);
      expect(await codeOf(repos.sessions.insert(s))).toBe('CONFLICT');
      expect(await repos.sessions.delete(s.tokenHash)).toBe(true);
      expect(await repos.sessions.delete(s.tokenHash)).toBe(false);
      expect(await repos.sessions.findByHash(s.tokenHash)).toBeUndefined();
    });

    it('deletes expired sessions only', async () => {
      const kept = hex();
      await repos.sessions.insert(session(hex(), 100));
      await repos.sessions.insert(session(hex(), 200));
      await repos.sessions.insert(session(kept, 300));
      expect(await repos.sessions.deleteExpired(at(200))).toBe(2);
      expect(await repos.sessions.findByHash(kept)).toBeDefined();
      expect(await repos.sessions.deleteExpired(at(200))).toBe(0);
    });
  });
}
