/**
 * Random sequences of service calls by random actors, checked step by step against a plain model: every call
 * succeeds or fails exactly as the model says (so no forbidden call ever succeeds), every balance equals the
 * model's ledger and is never negative, every award is unique, and every task is where the model says.
 */

import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryRepositories } from '../../adapters/memory/repositories.js';
import type { Repositories } from '../../src/domain/repositories.js';
import type { PublicUser } from '../../src/domain/user.js';
import { describeWithPostgres } from '../helpers/services.js';
import { codeOf, shot, world } from './fixture.js';
import { serverOpener } from './open-postgres.js';

type Command =
  | { kind: 'claim'; actor: number; app: number }
  | { kind: 'submit'; actor: number; owner: number; app: number; image: number }
  | { kind: 'approve' | 'reject'; actor: number; owner: number; app: number }
  | { kind: 'adjust'; actor: number; target: number; amount: number; key: number }
  | { kind: 'reprice'; actor: number; app: number; points: number }
  | { kind: 'toggle'; actor: number; app: number };

const ACTORS = 5; // 0, 1 admins; 2, 3, 4 users
const APPS = 3;
const isAdmin = (i: number) => i < 2;

const actor = fc.integer({ min: 0, max: ACTORS - 1 });
const app = fc.integer({ min: 0, max: APPS - 1 });
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('claim' as const), actor, app }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('submit' as const),
      actor,
      owner: actor,
      app,
      image: fc.integer({ min: 0, max: 3 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('approve' as const), actor, owner: actor, app }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reject' as const), actor, owner: actor, app }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('adjust' as const),
      actor,
      target: actor,
      amount: fc.integer({ min: -40, max: 40 }).filter((n) => n !== 0),
      key: fc.integer({ min: 0, max: 4 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('reprice' as const),
      actor,
      app,
      points: fc.integer({ min: 1, max: 100 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('toggle' as const), actor, app }) },
);

interface ModelTask {
  id: string;
  status: 'claimed' | 'submitted' | 'approved' | 'rejected';
  points: number;
}

function modelCheck(
  name: string,
  open: () => Promise<{ repositories: Repositories; close(): Promise<void> }>,
  numRuns: number,
) {
  describe(`domain services against a model on ${name}`, () => {
    let repositories: Repositories;
    let close: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      ({ repositories, close } = await open());
    });
    // After a failed set-up there is nothing to close, and the set-up error is the one to report.
    afterAll(() => close?.());

    it('keep the ledger, balances, awards and task states equal to the model', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 40 }), async (commands) => {
          // Runs share the storage, so each run has its own users, apps and idempotency keys.
          const w = world(repositories);
          const tag = randomUUID();
          const actors: PublicUser[] = [await w.admin('a0'), await w.admin('a1')];
          for (let i = 2; i < ACTORS; i++) actors.push(await w.user(`u${i}`));
          const apps = [{ points: 10 }, { points: 20 }, { points: 30 }].map((a) => ({ ...a, active: true, id: '' }));
          for (const a of apps) a.id = await w.app(actors[0]!, a.points);

          const tasks = new Map<string, ModelTask>();
          const ledger: { user: number; amount: number; key: string }[] = [];
          const adjustments = new Map<string, { user: number; amount: number }>();
          const balance = (user: number) => ledger.filter((e) => e.user === user).reduce((s, e) => s + e.amount, 0);

          for (const c of commands) {
            const who = actors[c.actor]!;
            let expected: string;
            let run: () => Promise<unknown>;
            let apply = () => {};
            switch (c.kind) {
              case 'claim': {
                const key = `${c.actor}:${c.app}`;
                const target = apps[c.app]!;
                expected = !target.active ? 'NOT_FOUND' : tasks.has(key) ? 'CONFLICT' : 'RESOLVED';
                let id = '';
                run = async () => {
                  id = (await w.services.tasks.claim(who, target.id)).id;
                };
                apply = () => tasks.set(key, { id, status: 'claimed', points: target.points });
                break;
              }
              case 'submit': {
                const t = tasks.get(`${c.owner}:${c.app}`);
                expected = !t
                  ? 'NOT_FOUND'
                  : c.actor !== c.owner
                    ? 'FORBIDDEN'
                    : t.status === 'claimed' || t.status === 'rejected'
                      ? 'RESOLVED'
                      : 'CONFLICT';
                run = () => w.services.tasks.submitProof(who, t?.id ?? 'missing', shot(c.image));
                apply = () => {
                  if (t) t.status = 'submitted';
                };
                break;
              }
              case 'approve':
              case 'reject': {
                const t = tasks.get(`${c.owner}:${c.app}`);
                expected = !isAdmin(c.actor)
                  ? 'FORBIDDEN'
                  : !t
                    ? 'NOT_FOUND'
                    : c.actor === c.owner
                      ? 'FORBIDDEN'
                      : t.status === 'submitted'
                        ? 'RESOLVED'
                        : 'CONFLICT';
                const id = t?.id ?? 'missing';
                run = () =>
                  c.kind === 'approve'
                    ? w.services.tasks.approve(who, id)
                    : w.services.tasks.reject(who, id, { reason: 'Not the app' });
                apply = () => {
                  if (!t) return;
                  t.status = c.kind === 'approve' ? 'approved' : 'rejected';
                  if (c.kind === 'approve') ledger.push({ user: c.owner, amount: t.points, key: `task:${t.id}:award` });
                };
                break;
              }
              case 'adjust': {
                const key = `${tag}-k${c.key}`;
                const earlier = adjustments.get(key);
                expected = !isAdmin(c.actor)
                  ? 'FORBIDDEN'
                  : earlier
                    ? earlier.user === c.target && earlier.amount === c.amount
                      ? 'RESOLVED'
                      : 'CONFLICT'
                    : balance(c.target) + c.amount < 0
                      ? 'CONFLICT'
                      : 'RESOLVED';
                run = () =>
                  w.services.points.adjust(who, {
                    userId: actors[c.target]!.id,
                    amount: c.amount,
                    reason: 'r',
                    idempotencyKey: key,
                  });
                apply = () => {
                  if (earlier) return;
                  adjustments.set(key, { user: c.target, amount: c.amount });
                  ledger.push({ user: c.target, amount: c.amount, key: `adjust:${key}` });
                };
                break;
              }
              case 'reprice':
              case 'toggle': {
                const target = apps[c.app]!;
                expected = isAdmin(c.actor) ? 'RESOLVED' : 'FORBIDDEN';
                run = () =>
                  w.services.apps.update(
                    who,
                    target.id,
                    c.kind === 'reprice' ? { points: c.points } : { active: !target.active },
                  );
                apply = () => {
                  if (c.kind === 'reprice') target.points = c.points;
                  else target.active = !target.active;
                };
                break;
              }
            }
            expect(await codeOf(run()), JSON.stringify(c)).toBe(expected);
            if (expected === 'RESOLVED') apply();

            for (let i = 0; i < ACTORS; i++) {
              const actual = await w.services.points.balance(actors[0]!, { userId: actors[i]!.id });
              expect(actual).toBe(balance(i));
              expect(actual).toBeGreaterThanOrEqual(0);
            }
          }

          for (let i = 0; i < ACTORS; i++) {
            const history = await w.services.points.history(actors[0]!, { userId: actors[i]!.id, limit: 200 });
            const mine = ledger.filter((e) => e.user === i);
            expect(history.items.map((e) => [e.idempotencyKey, e.amount]).reverse()).toEqual(
              mine.map((e) => [e.key, e.amount]),
            );
            for (const t of await w.services.tasks.listMine(actors[i]!)) {
              const modelTask = [...tasks.values()].find((m) => m.id === t.id);
              expect(t.status).toBe(modelTask?.status);
              expect(t.points).toBe(modelTask?.points);
            }
          }
          const awardKeys = ledger.filter((e) => e.key.startsWith('task:')).map((e) => e.key);
          expect(new Set(awardKeys).size).toBe(awardKeys.length);
        }),
        { numRuns },
      );
    }, 120_000);
  });
}

modelCheck('memory', async () => ({ repositories: memoryRepositories(), close: async () => {} }), 60);

describeWithPostgres('model check on the PostgreSQL server', () => {
  modelCheck('PostgreSQL', serverOpener(4), 20);
});
