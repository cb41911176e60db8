/**
 * The task service's own checks, each reached alone: the repository's compare-and-set would refuse the same
 * calls with the same code, so these tests look at what only the service says (message and details), make a
 * race lose between the read and the write, and page the review queue of a fresh store exactly.
 */
import { describe, expect, it } from 'vitest';
import { memoryRepositories } from '../../adapters/memory/repositories.js';
import type { Repositories } from '../../src/domain/repositories.js';
import { TickworkError } from '../../src/errors.js';
import { failure, shot, world } from './fixture.js';

/** A fresh store with an admin, a user and one of the user's tasks, submitted. */
async function submitted(repositories: Repositories = memoryRepositories()) {
  const w = world(repositories);
  const admin = await w.admin();
  const u = await w.user();
  const task = await w.services.tasks.claim(u, await w.app(admin));
  const sent = await w.services.tasks.submitProof(u, task.id, shot(1));
  return { w, admin, u, task: sent };
}

describe('task service checks of its own', () => {
  it('says which status a task is in when it cannot move', async () => {
    const { w, admin, u, task } = await submitted();
    await w.services.tasks.approve(admin, task.id);
    expect(await failure(w.services.tasks.reject(admin, task.id, { reason: 'No' }))).toEqual({
      code: 'CONFLICT',
      message: 'An approved task cannot become rejected',
      details: { status: 'approved', allowedFrom: ['submitted'] },
    });
    expect(await failure(w.services.tasks.approve(admin, task.id))).toEqual({
      code: 'CONFLICT',
      message: 'An approved task cannot become approved',
      details: { status: 'approved', allowedFrom: ['submitted'] },
    });
    expect(await failure(w.services.tasks.submitProof(u, task.id, shot(2)))).toEqual({
      code: 'CONFLICT',
      message: 'An approved task takes no proof',
      details: { status: 'approved' },
    });
  });

  it('says which version it expected when the task changed', async () => {
    const { w, admin, task } = await submitted();
    const stale = { expectedVersion: task.version - 1 };
    const changed = {
      code: 'CONFLICT',
      message: 'The task changed meanwhile',
      details: { expectedVersion: task.version - 1, version: task.version },
    };
    expect(await failure(w.services.tasks.approve(admin, task.id, stale))).toEqual(changed);
    expect(await failure(w.services.tasks.reject(admin, task.id, { reason: 'No', ...stale }))).toEqual(changed);
    expect(
      (await w.services.tasks.reject(admin, task.id, { reason: 'No', expectedVersion: task.version })).status,
    ).toBe('rejected');
  });

  it('refuses a rejection whose task was approved between its read and its write', async () => {
    const base = memoryRepositories();
    let approveFirst: (() => Promise<unknown>) | undefined;
    const racing: Repositories = {
      ...base,
      tasks: {
        ...base.tasks,
        async findById(id) {
          const task = await base.tasks.findById(id);
          const approve = approveFirst;
          approveFirst = undefined;
          await approve?.();
          return task;
        },
      },
    };
    const { w, admin, u, task } = await submitted(racing);
    const other = await w.admin('other');
    approveFirst = () => w.services.tasks.approve(other, task.id);
    expect(await failure(w.services.tasks.reject(admin, task.id, { reason: 'No' }))).toEqual({
      code: 'CONFLICT',
      message: 'The task changed meanwhile; read it again',
      details: undefined,
    });
    expect((await w.services.tasks.get(u, task.id)).status).toBe('approved');
  });

  it('tells a second claim from a storage failure', async () => {
    const base = memoryRepositories();
    let down = false;
    const flaky: Repositories = {
      ...base,
      tasks: {
        ...base.tasks,
        async insert(task) {
          if (down) throw new TickworkError('UNAVAILABLE', 'The database is down');
          return base.tasks.insert(task);
        },
      },
    };
    const w = world(flaky);
    const admin = await w.admin();
    const u = await w.user();
    const appId = await w.app(admin);
    await w.services.tasks.claim(u, appId);
    expect(await failure(w.services.tasks.claim(u, appId))).toMatchObject({
      code: 'CONFLICT',
      message: 'You have claimed this app already',
      details: { appId },
    });
    down = true;
    expect(await failure(w.services.tasks.claim(u, await w.app(admin)))).toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('pages the review queue exactly, by default and at the page size', async () => {
    const w = world(memoryRepositories());
    const admin = await w.admin();
    const u = await w.user();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const task = await w.services.tasks.claim(u, await w.app(admin));
      w.clock.advance(1000);
      await w.services.tasks.submitProof(u, task.id, shot(10 + i));
      ids.push(task.id);
    }
    const idsOf = (page: { items: readonly { id: string }[] }) => page.items.map((t) => t.id);
    const all = await w.services.tasks.listForReview(admin);
    expect({ ids: idsOf(all), next: all.nextOffset }).toEqual({ ids, next: null });
    const first = await w.services.tasks.listForReview(admin, { limit: 2 });
    expect({ ids: idsOf(first), next: first.nextOffset }).toEqual({ ids: ids.slice(0, 2), next: 2 });
    const second = await w.services.tasks.listForReview(admin, { limit: 2, offset: 2 });
    expect({ ids: idsOf(second), next: second.nextOffset }).toEqual({ ids: ids.slice(2), next: null });
    const exact = await w.services.tasks.listForReview(admin, { limit: 3 });
    expect({ ids: idsOf(exact), next: exact.nextOffset }).toEqual({ ids, next: null });
    const middle = await w.services.tasks.listForReview(admin, { limit: 1, offset: 1 });
    expect({ ids: idsOf(middle), next: middle.nextOffset }).toEqual({ ids: [ids[1]], next: 2 });
    // A claimed task has no proof, so nothing can share it.
    const v = await w.user();
    await w.services.tasks.claim(v, await w.app(admin));
    const claimed = await w.services.tasks.listForReview(admin, { status: 'claimed' });
    expect(claimed.items.map((t) => t.duplicateProof)).toEqual([[]]);
  });

  it('filters my tasks by status', async () => {
    const { w, admin, u, task } = await submitted();
    const other = await w.services.tasks.claim(u, await w.app(admin));
    expect((await w.services.tasks.listMine(u, { status: 'submitted' })).map((t) => t.id)).toEqual([task.id]);
    expect((await w.services.tasks.listMine(u, { status: 'claimed' })).map((t) => t.id)).toEqual([other.id]);
  });

  it('says the proof store lost the image rather than answering nothing', async () => {
    const repositories = memoryRepositories();
    const w = world(repositories, {
      proofs: { put: async () => {}, get: async () => undefined, has: async () => false },
    });
    const admin = await w.admin();
    const u = await w.user();
    const task = await w.services.tasks.claim(u, await w.app(admin));
    await w.services.tasks.submitProof(u, task.id, shot(3));
    expect(await failure(w.services.tasks.readProof(u, task.id))).toMatchObject({
      code: 'INTERNAL',
      message: 'The proof image is missing from the proof store',
    });
  });
});
