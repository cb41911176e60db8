/**
 * Races that must resolve to exactly one winner, on the memory reference and on the real PostgreSQL server
 * (a pool of real connections, so the transactions truly overlap).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryRepositories } from '../../adapters/memory/repositories.js';
import type { Repositories } from '../../src/domain/repositories.js';
import { describeWithPostgres } from '../helpers/services.js';
import { codeOf, shot, type World, world } from './fixture.js';
import { serverOpener } from './open-postgres.js';

function tally(codes: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of codes) out[c] = (out[c] ?? 0) + 1;
  return out;
}

/** The same repositories, but a task read inside a transaction answers `ms` later, as over a slow link. */
function slowTransactionReads(r: Repositories, ms: number): Repositories {
  return {
    ...r,
    transaction: (fn) =>
      r.transaction((tx) =>
        fn({
          ...tx,
          tasks: {
            ...tx.tasks,
            async findById(id) {
              const task = await tx.tasks.findById(id);
              await delay(ms);
              return task;
            },
          },
        }),
      ),
  };
}

function races(name: string, open: () => Promise<{ repositories: Repositories; close(): Promise<void> }>) {
  describe(`concurrency on ${name}`, () => {
    let w: World;
    let repositories: Repositories;
    let close: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      const opened = await open();
      close = opened.close;
      repositories = opened.repositories;
      w = world(repositories);
    });
    // After a failed set-up there is nothing to close, and the set-up error is the one to report.
    afterAll(() => close?.());

    it('100 concurrent approvals of one task award once', async () => {
      const admins = await Promise.all([w.admin('a1'), w.admin('a2'), w.admin('a3'), w.admin('a4')]);
      const u = await w.user();
      const task = await w.services.tasks.claim(u, await w.app(admins[0]!, 70));
      await w.services.tasks.submitProof(u, task.id, shot(1));
      const codes = await Promise.all(
        Array.from({ length: 100 }, (_, i) => codeOf(w.services.tasks.approve(admins[i % admins.length]!, task.id))),
      );
      expect(tally(codes)).toEqual({ RESOLVED: 1, CONFLICT: 99 });
      expect(await w.services.points.balance(u)).toBe(70);
      const history = await w.services.points.history(u);
      expect(history.items.map((e) => e.idempotencyKey)).toEqual([`task:${task.id}:award`]);
      expect((await w.services.tasks.get(u, task.id)).status).toBe('approved');
    });

    it('approve racing reject: each task ends in one state, points paid only if approved', async () => {
      const [approver, rejecter] = await Promise.all([w.admin('approver'), w.admin('rejecter')]);
      const u = await w.user();
      const ids: string[] = [];
      for (let i = 0; i < 40; i++) {
        const task = await w.services.tasks.claim(u, await w.app(approver, 10 + i));
        await w.services.tasks.submitProof(u, task.id, shot(i));
        ids.push(task.id);
      }
      // Eight pairs at a time (so the pool always has connections for the rejects), each reject from 3 ms before
      // to 4 ms after its approval, and a task read inside a transaction 5 ms slow: on a pool, rejects land
      // before, inside and after an approval that reads before it writes.
      const slow = world(slowTransactionReads(repositories, 5)).services;
      const race = async (id: string, lead: number) => {
        const [approve, reject] = await Promise.all([
          delay(Math.max(0, -lead)).then(() => codeOf(slow.tasks.approve(approver, id))),
          delay(Math.max(0, lead)).then(() => codeOf(slow.tasks.reject(rejecter, id, { reason: 'Not the app' }))),
        ]);
        return { id, approve, reject, status: (await w.services.tasks.get(u, id)).status };
      };
      const outcomes: Awaited<ReturnType<typeof race>>[] = [];
      for (let at = 0; at < ids.length; at += 8) {
        outcomes.push(...(await Promise.all(ids.slice(at, at + 8).map((id, i) => race(id, i - 3)))));
      }
      for (const o of outcomes) {
        expect([o.approve, o.reject].sort(), o.id).toEqual(['CONFLICT', 'RESOLVED']);
        expect(o.status, o.id).toBe(o.approve === 'RESOLVED' ? 'approved' : 'rejected');
      }
      const approved = await Promise.all(
        outcomes.filter((o) => o.status === 'approved').map((o) => w.services.tasks.get(u, o.id)),
      );
      const history = await w.services.points.history(u, { limit: 100 });
      expect(history.items.map((e) => e.idempotencyKey).sort()).toEqual(
        approved.map((t) => `task:${t.id}:award`).sort(),
      );
      expect(await w.services.points.balance(u)).toBe(approved.reduce((sum, t) => sum + t.points, 0));
    });

    it('50 concurrent claims of one app by one user make one task', async () => {
      const admin = await w.admin();
      const u = await w.user();
      const appId = await w.app(admin);
      const codes = await Promise.all(Array.from({ length: 50 }, () => codeOf(w.services.tasks.claim(u, appId))));
      expect(tally(codes)).toEqual({ RESOLVED: 1, CONFLICT: 49 });
      expect(await w.services.tasks.listMine(u)).toHaveLength(1);
    });

    it('concurrent deductions never take a balance below zero', async () => {
      const admin = await w.admin();
      const u = await w.user();
      await w.services.points.adjust(admin, {
        userId: u.id,
        amount: 100,
        reason: 'Seed',
        idempotencyKey: `seed-${u.id}`,
      });
      const codes = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          codeOf(
            w.services.points.adjust(admin, {
              userId: u.id,
              amount: -7,
              reason: 'Spend',
              idempotencyKey: `spend-${u.id}-${i}`,
            }),
          ),
        ),
      );
      // 100 / 7: fourteen fit, sixteen must be refused.
      expect(tally(codes)).toEqual({ RESOLVED: 14, CONFLICT: 16 });
      expect(await w.services.points.balance(u)).toBe(2);
    });

    it('concurrent adjustments with one idempotency key write one entry', async () => {
      const admin = await w.admin();
      const u = await w.user();
      const input = { userId: u.id, amount: 5, reason: 'Once', idempotencyKey: `once-${u.id}` };
      const results = await Promise.all(Array.from({ length: 30 }, () => w.services.points.adjust(admin, input)));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.entry.id)).size).toBe(1);
      expect(await w.services.points.balance(u)).toBe(5);
    });
  });
}

races('memory', async () => ({ repositories: memoryRepositories(), close: async () => {} }));

describeWithPostgres('concurrency on the PostgreSQL server', () => {
  races('PostgreSQL', serverOpener(16));
});
