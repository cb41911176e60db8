import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ProofRef } from '../domain/task.js';
import { codeOf } from './code-of.js';
import { type OpenRepositories, repositoriesForSuite } from './open-repositories.js';
import { appRow, at, entryRow, taskRow, userRow } from './rows.js';
import { tamper } from './tamper.js';

const randomHex = () => randomBytes(32).toString('hex');
const proof = (c: string): ProofRef => ({
  sha256: c.repeat(64).slice(0, 64),
  mime: 'image/png',
  size: 10,
  width: 2,
  height: 3,
});

/**
 * Registers the `TaskRepository` conformance tests: one task per user and app, compare-and-set transitions,
 * the atomic approve-and-award step (exactly one of many concurrent approvals wins), listings and counts.
 */
export function taskRepositoryConformance(name: string, open: OpenRepositories): void {
  describe(`TaskRepository on ${name}`, () => {
    const repos = repositoriesForSuite(open);
    const newUser = async () => {
      const u = userRow();
      await repos.users.insert(u);
      return u.id;
    };
    const newApp = async () => {
      const a = appRow();
      await repos.apps.insert(a);
      return a.id;
    };

    it('stores one task per user and app', async () => {
      const [u, a] = [await newUser(), await newApp()];
      const t = taskRow(u, a);
      await repos.tasks.insert(t);
      expect(await repos.tasks.findById(t.id)).toEqual(t);
      expect(await codeOf(repos.tasks.insert(taskRow(u, a)))).toBe('CONFLICT');
      await repos.tasks.insert(taskRow(await newUser(), a));
      await repos.tasks.insert(taskRow(u, await newApp()));
      expect(await repos.tasks.findById('missing')).toBeUndefined();
    });

    it('transitions by compare-and-set on status and version', async () => {
      const t = taskRow(await newUser(), await newApp());
      await repos.tasks.insert(t);
      const change = {
        status: 'submitted' as const,
        proof: proof('a'),
        submissions: 1,
        submittedAt: at(5),
        updatedAt: at(5),
      };
      expect(await repos.tasks.transition(t.id, { statuses: ['claimed'], version: 2 }, change)).toBeUndefined();
      expect(await repos.tasks.transition(t.id, { statuses: ['rejected'], version: 1 }, change)).toBeUndefined();
      expect(await repos.tasks.transition('missing', { statuses: ['claimed'], version: 1 }, change)).toBeUndefined();
      const moved = await repos.tasks.transition(t.id, { statuses: ['claimed', 'rejected'], version: 1 }, change);
      expect(moved).toEqual({ ...t, ...change, version: 2 });
      expect(await repos.tasks.transition(t.id, { statuses: ['claimed'], version: 1 }, change)).toBeUndefined();
      const rejected = await repos.tasks.transition(
        t.id,
        { statuses: ['submitted'], version: 2 },
        { status: 'rejected', reason: 'no', reviewerId: 'r', reviewedAt: at(6), updatedAt: at(6) },
      );
      expect(rejected).toMatchObject({ status: 'rejected', reason: 'no', proof: proof('a'), version: 3 });
      const cleared = await repos.tasks.transition(
        t.id,
        { statuses: ['rejected'], version: 3 },
        { status: 'submitted', reason: null, proof: proof('b'), updatedAt: at(7) },
      );
      expect(cleared).toMatchObject({ reason: null, reviewerId: 'r', proof: proof('b'), version: 4 });
      expect(await repos.tasks.findById(t.id)).toEqual(cleared);
    });

    it('hands out tasks (nested proof included) that a caller cannot use to change what is stored', async () => {
      const u = await newUser();
      const t = taskRow(u, await newApp());
      const { id } = t;
      await repos.tasks.insert(t);
      const change = () => ({ status: 'submitted' as const, proof: proof('c'), submittedAt: at(5), updatedAt: at(5) });
      const expected = { ...taskRow(u, t.appId, { id }), ...change(), version: 2 };
      tamper(t);
      const passed = change();
      const moved = await repos.tasks.transition(id, { statuses: ['claimed'], version: 1 }, passed);
      tamper(passed);
      tamper(moved);
      tamper(await repos.tasks.findById(id));
      for (const row of await repos.tasks.listByUser(u)) tamper(row);
      for (const row of await repos.tasks.listByProof(proof('c').sha256)) tamper(row);
      expect(await repos.tasks.findById(id)).toEqual(expected);
    });

    /** A submitted task of a new user and the request an admin `r` sends to approve it. */
    const submittedTask = async () => {
      const t = taskRow(await newUser(), await newApp(), {
        status: 'submitted',
        proof: proof('c'),
        submissions: 1,
        submittedAt: at(3),
        version: 2,
        points: 35,
      });
      await repos.tasks.insert(t);
      const request = {
        taskId: t.id,
        reviewerId: 'r',
        from: ['submitted'] as const,
        now: at(9),
        award: {
          id: randomUUID(),
          kind: 'award' as const,
          reason: 'Task approved',
          actorId: 'r',
          idempotencyKey: `task:${t.id}:award`,
        },
      };
      return { t, request };
    };

    it('approves and awards in one step, only when every condition holds', async () => {
      const { t, request } = await submittedTask();
      const refused = { approved: false, task: t };
      expect(await repos.tasks.approve({ ...request, taskId: 'missing' })).toEqual({
        approved: false,
        task: undefined,
      });
      expect(await repos.tasks.approve({ ...request, reviewerId: t.userId })).toEqual(refused);
      expect(await repos.tasks.approve({ ...request, from: ['claimed', 'rejected'] })).toEqual(refused);
      expect(await repos.tasks.approve({ ...request, expectedVersion: 1 })).toEqual(refused);
      expect(await repos.ledger.findByKey(request.award.idempotencyKey)).toBeUndefined();
      expect(await repos.tasks.findById(t.id)).toEqual(t);

      const approved = {
        ...t,
        status: 'approved',
        reviewerId: 'r',
        reviewedAt: at(9),
        reason: null,
        updatedAt: at(9),
        version: 3,
      };
      const award = {
        ...request.award,
        userId: t.userId,
        amount: 35,
        reference: t.id,
        createdAt: at(9),
      };
      expect(await repos.tasks.approve({ ...request, expectedVersion: 2 })).toEqual({
        approved: true,
        task: approved,
        award,
      });
      expect(await repos.tasks.findById(t.id)).toEqual(approved);
      expect(await repos.ledger.findByKey(request.award.idempotencyKey)).toEqual(award);
      expect(await repos.ledger.balance(t.userId)).toBe(35);
      // Approved once: a second approval finds it approved and writes nothing.
      expect(await repos.tasks.approve({ ...request, award: { ...request.award, id: randomUUID() } })).toEqual({
        approved: false,
        task: approved,
      });
      expect(await repos.ledger.balance(t.userId)).toBe(35);
    });

    it('refuses an approval whose award key exists, writing nothing', async () => {
      const { t, request } = await submittedTask();
      await repos.ledger.append(entryRow(t.userId, { amount: 7, idempotencyKey: request.award.idempotencyKey }));
      expect(await codeOf(repos.tasks.approve(request))).toBe('CONFLICT');
      expect(await repos.tasks.findById(t.id)).toEqual(t);
      expect(await repos.ledger.balance(t.userId)).toBe(7);
    });

    it('lets exactly one of many concurrent approvals through', async () => {
      const { t, request } = await submittedTask();
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () =>
          repos.tasks.approve({ ...request, award: { ...request.award, id: randomUUID() } }),
        ),
      );
      expect(outcomes.filter((o) => o.approved)).toHaveLength(1);
      expect(await repos.ledger.history(t.userId, { limit: 10, offset: 0 })).toHaveLength(1);
      expect(await repos.tasks.findById(t.id)).toMatchObject({ status: 'approved', version: 3 });
    });

    it('lists by user (newest claim first), by status (oldest first, paged) and by proof, and counts', async () => {
      const r = repos;
      const [u0, u1] = [await newUser(), await newUser()];
      const [a0, a1, a2] = [await newApp(), await newApp(), await newApp()];
      // Far in the past, so these come first in the queue whatever other tests stored.
      const old = (ms: number) => new Date(Date.UTC(2000, 0, 1) + ms);
      const c = randomHex();
      const t1 = taskRow(u0, a0, { claimedAt: old(1), status: 'submitted', submittedAt: old(30), proof: proof(c) });
      const t2 = taskRow(u0, a1, {
        claimedAt: old(2),
        status: 'submitted',
        submittedAt: old(20),
        proof: proof(randomHex()),
      });
      const t3 = taskRow(u0, a2, { claimedAt: old(3) });
      const t4 = taskRow(u1, a0, { claimedAt: old(4), status: 'submitted', submittedAt: old(25), proof: proof(c) });
      for (const t of [t1, t2, t3, t4]) await r.tasks.insert(t);
      expect((await r.tasks.listByUser(u0)).map((t) => t.id)).toEqual([t3.id, t2.id, t1.id]);
      expect(await r.tasks.listByUser('nobody')).toEqual([]);
      const queue = await r.tasks.listByStatus('submitted', { limit: 3, offset: 0 });
      expect(queue.map((t) => t.id)).toEqual([t2.id, t4.id, t1.id]);
      expect((await r.tasks.listByStatus('submitted', { limit: 1, offset: 1 })).map((t) => t.id)).toEqual([t4.id]);
      expect((await r.tasks.listByProof(c.repeat(64).slice(0, 64))).map((t) => t.id)).toEqual([t4.id, t1.id]);
      expect(await r.tasks.listByProof('e'.repeat(64))).toEqual([]);
      expect(await r.tasks.countByStatus(u0)).toEqual({ submitted: 2, claimed: 1 });
      expect(await r.tasks.countByStatus('nobody')).toEqual({});
    });

    it("lists a status with each task's submitter and app (inactive apps too), in the same order and pages", async () => {
      const ann = userRow({ name: 'Ann Example' });
      const bob = userRow({ name: 'Bob Example' });
      const hidden = appRow({ name: 'Hidden', active: false });
      const shown = appRow({ name: 'Shown' });
      for (const u of [ann, bob]) await repos.users.insert(u);
      for (const a of [hidden, shown]) await repos.apps.insert(a);
      // Far in the past and `rejected`, so these lead that queue whatever other tests stored.
      const old = (ms: number) => new Date(Date.UTC(1990, 0, 1) + ms);
      const rejected = { status: 'rejected' as const, proof: proof(randomHex()), reason: 'r' };
      const first = taskRow(bob.id, hidden.id, { ...rejected, claimedAt: old(1), submittedAt: old(5) });
      const second = taskRow(ann.id, shown.id, { ...rejected, claimedAt: old(2), submittedAt: old(9) });
      for (const t of [second, first]) await repos.tasks.insert(t);
      const page = await repos.tasks.listByStatusWithParties('rejected', { limit: 2, offset: 0 });
      expect(page).toEqual([
        {
          ...first,
          submitter: { id: bob.id, name: 'Bob Example', email: bob.email },
          app: { id: hidden.id, name: 'Hidden' },
        },
        {
          ...second,
          submitter: { id: ann.id, name: 'Ann Example', email: ann.email },
          app: { id: shown.id, name: 'Shown' },
        },
      ]);
      const plain = await repos.tasks.listByStatus('rejected', { limit: 2, offset: 0 });
      expect(page.map((t) => t.id)).toEqual(plain.map((t) => t.id));
      const next = await repos.tasks.listByStatusWithParties('rejected', { limit: 1, offset: 1 });
      expect(next.map((t) => t.id)).toEqual([second.id]);
      tamper(page[0]);
      expect(await repos.tasks.findById(first.id)).toEqual(first);
    });
  });
}
