import { describe, expect, it } from 'vitest';
import { TickworkError } from '../errors.js';
import { type OpenRepositories, repositoriesForSuite } from './open-repositories.js';
import { appRow, at, entryRow, taskRow, userRow } from './rows.js';

/**
 * Registers the `LedgerRepository` and `transaction` conformance tests: idempotent appends, balances, paged
 * history, and a transaction that commits as one unit or not at all.
 */
export function ledgerRepositoryConformance(name: string, open: OpenRepositories): void {
  describe(`LedgerRepository and transactions on ${name}`, () => {
    const repos = repositoriesForSuite(open);
    const newUser = async () => {
      const u = userRow();
      await repos.users.insert(u);
      return u.id;
    };

    it('appends once per idempotency key and sums balances', async () => {
      const u = await newUser();
      expect(await repos.ledger.balance(u)).toBe(0);
      const e = entryRow(u, { amount: 7, reference: 'task-1', actorId: 'admin', kind: 'award' });
      expect(await repos.ledger.append(e)).toEqual({ entry: e, created: true });
      const again = await repos.ledger.append({ ...entryRow(u), idempotencyKey: e.idempotencyKey, amount: 100 });
      expect(again).toEqual({ entry: e, created: false });
      await repos.ledger.append(entryRow(u, { amount: -3 }));
      expect(await repos.ledger.balance(u)).toBe(4);
      expect(await repos.ledger.findByKey(e.idempotencyKey)).toEqual(e);
      expect(await repos.ledger.findByKey('missing')).toBeUndefined();
    });

    it('pages history newest first', async () => {
      const u = await newUser();
      const entries = Array.from({ length: 5 }, (_, i) => entryRow(u, { amount: i + 1, createdAt: at(i) }));
      for (const e of entries) await repos.ledger.append(e);
      const ids = entries.map((e) => e.id).reverse();
      expect((await repos.ledger.history(u, { limit: 2, offset: 0 })).map((e) => e.id)).toEqual(ids.slice(0, 2));
      expect((await repos.ledger.history(u, { limit: 10, offset: 2 })).map((e) => e.id)).toEqual(ids.slice(2));
      expect(await repos.ledger.history('nobody', { limit: 10, offset: 0 })).toEqual([]);
    });

    it('commits a transaction as one unit, and undoes all of it when it throws', async () => {
      const u = await newUser();
      const a = appRow();
      await repos.apps.insert(a);
      const t = taskRow(u, a.id, { status: 'submitted' });
      await repos.tasks.insert(t);
      const award = entryRow(u, { amount: 10, idempotencyKey: `task:${t.id}:award` });
      const approve = { status: 'approved' as const, updatedAt: at(1) };
      await expect(
        repos.transaction(async (tx) => {
          await tx.tasks.transition(t.id, { statuses: ['submitted'], version: 1 }, approve);
          await tx.ledger.append(award);
          await tx.users.setRole(u, 'admin', 1, at(1));
          throw new TickworkError('INTERNAL', 'fault injected after the award');
        }),
      ).rejects.toThrow('fault injected');
      expect((await repos.tasks.findById(t.id))?.status).toBe('submitted');
      expect(await repos.ledger.findByKey(award.idempotencyKey)).toBeUndefined();
      expect(await repos.ledger.balance(u)).toBe(0);
      expect((await repos.users.findById(u))?.role).toBe('user');

      const result = await repos.transaction(async (tx) => {
        const moved = await tx.tasks.transition(t.id, { statuses: ['submitted'], version: 1 }, approve);
        await tx.ledger.lockAccount(u);
        const appended = await tx.ledger.append(award);
        return { moved, appended };
      });
      expect(result.moved?.status).toBe('approved');
      expect(result.appended.created).toBe(true);
      expect(await repos.ledger.balance(u)).toBe(10);
    });

    it('sees its own writes inside the transaction', async () => {
      const u = await newUser();
      const inside = await repos.transaction(async (tx) => {
        await tx.ledger.append(entryRow(u, { amount: 3 }));
        return tx.ledger.balance(u);
      });
      expect(inside).toBe(3);
    });
  });
}
