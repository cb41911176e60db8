/**
 * The operator-console rules over any repositories: domain events (once, after the commit, never for a refused
 * or rolled-back change), roles (`setRole` and the last-admin rule, also under concurrent demotions), the user
 * search and its bounds, the review queue's names and the app list by status.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN_EVENTS_CHANNEL, type DomainEvent } from '../../src/domain/events.js';
import type { Repositories } from '../../src/domain/repositories.js';
import type { PublicUser } from '../../src/domain/user.js';
import { TickworkError } from '../../src/errors.js';
import type { Logger } from '../../src/types.js';
import { codeOf, shot, type World, world } from './fixture.js';

/** Repositories whose `transaction` notes when each one has settled, so an event can be checked against it. */
function watchedTransactions(repositories: Repositories) {
  const log: string[] = [];
  const watched: Repositories = {
    ...repositories,
    async transaction(fn) {
      log.push('begin');
      try {
        return await repositories.transaction(fn);
      } finally {
        log.push('end');
      }
    },
  };
  return { repositories: watched, log };
}

export function consoleSuite(
  name: string,
  open: () => Promise<{ repositories: Repositories; close(): Promise<void> }>,
) {
  describe(`operator console rules on ${name}`, () => {
    let w: World;
    let log: string[];
    let close: (() => Promise<void>) | undefined;
    const events: DomainEvent[] = [];
    const logged: { fields: Record<string, unknown>; message: string }[] = [];
    const listener = (message: unknown) => {
      events.push(message as DomainEvent);
      log.push(`event ${(message as DomainEvent).type}`);
    };
    const logger: Logger = {
      debug: () => {},
      info: (fields, message) => logged.push({ fields, message }),
      warn: () => {},
      error: () => {},
    };
    beforeAll(async () => {
      const opened = await open();
      close = opened.close;
      const watched = watchedTransactions(opened.repositories);
      log = watched.log;
      w = world(watched.repositories, { logger });
      subscribe(DOMAIN_EVENTS_CHANNEL, listener);
    });
    afterEach(() => {
      events.length = 0;
      logged.length = 0;
      log.length = 0;
    });
    afterAll(async () => {
      unsubscribe(DOMAIN_EVENTS_CHANNEL, listener);
      await close?.();
    });

    /** An admin who is then the only one: every other admin of the database is demoted by them. */
    async function onlyAdmin(): Promise<PublicUser> {
      const admin = await w.admin('only');
      let offset: number | null = 0;
      while (offset !== null) {
        const page = await w.services.users.list(admin, { limit: 200, offset });
        for (const u of page.items) {
          if (u.role === 'admin' && u.id !== admin.id) await w.services.users.setRole(admin, u.id, 'user');
        }
        offset = page.nextOffset;
      }
      return admin;
    }

    it('publishes each change once, after it is stored, with ids only, and logs it at info', async () => {
      const admin = await w.admin();
      const ann = await w.services.users.register({
        email: `ann-${Date.now()}@example.com`,
        password: 'ann secret 12',
        name: 'Ann',
      });
      const appId = await w.app(admin, 7);
      await w.services.apps.update(admin, appId, { points: 8 });
      const task = await w.services.tasks.claim(ann, appId);
      await w.services.tasks.submitProof(ann, task.id, shot(901));
      const { award } = await w.services.tasks.approve(admin, task.id);
      await w.services.users.promote(admin, ann.id);
      const mine = events.filter((e) => e.type !== 'user:registered' || e.userId === ann.id || e.userId === admin.id);
      expect(mine.map((e) => e.type)).toEqual([
        'user:registered',
        'user:registered',
        'app:created',
        'app:updated',
        'task:claimed',
        'task:submitted',
        'task:approved',
        'points:awarded',
        'user:promoted',
      ]);
      expect(mine).toContainEqual({
        type: 'points:awarded',
        entryId: award.id,
        userId: ann.id,
        amount: 8,
        actorId: admin.id,
      });
      expect(mine).toContainEqual({ type: 'task:claimed', taskId: task.id, appId, userId: ann.id });
      // No personal data beyond ids in any message.
      expect(JSON.stringify(events)).not.toMatch(/@example\.com|Ann|secret/);
      expect(logged.map((l) => l.message)).toEqual(events.map((e) => e.type));
      expect(logged[0]?.fields).toEqual({ event: events[0] });
      // The role change ran in a transaction, and its event came after the transaction ended.
      const promoted = log.indexOf('event user:promoted');
      expect(log.slice(promoted - 2, promoted + 1)).toEqual(['begin', 'end', 'event user:promoted']);
    });

    it('publishes nothing for a refused change or a rolled-back transaction', async () => {
      const admin = await w.admin();
      const ann = await w.user('ann');
      const appId = await w.app(admin);
      events.length = 0;
      log.length = 0;
      const task = await w.services.tasks.claim(ann, appId);
      expect(await codeOf(w.services.tasks.claim(ann, appId))).toBe('CONFLICT');
      expect(await codeOf(w.services.tasks.approve(admin, task.id))).toBe('CONFLICT');
      expect(await codeOf(w.services.apps.create(ann, { name: 'x' } as never))).toBe('FORBIDDEN');
      // A deduction below zero throws inside the transaction: rolled back, nothing published.
      const deduction = { userId: ann.id, amount: -5, reason: 'too much', idempotencyKey: `k-${task.id}` };
      expect(await codeOf(w.services.points.adjust(admin, deduction))).toBe('CONFLICT');
      expect(await w.services.points.balance(admin, { userId: ann.id })).toBe(0);
      expect(events.map((e) => e.type)).toEqual(['task:claimed']);
      expect(log).toEqual(['event task:claimed', 'begin', 'end']);
      // An adjustment that commits is published once; its replay (same key, same payload) not again.
      const credit = { userId: ann.id, amount: 5, reason: 'welcome', idempotencyKey: `c-${task.id}` };
      await w.services.points.adjust(admin, credit);
      await w.services.points.adjust(admin, credit);
      expect(events.filter((e) => e.type === 'points:adjusted')).toHaveLength(1);
      expect(log.slice(-5)).toEqual(['begin', 'end', 'event points:adjusted', 'begin', 'end']);
    });

    it('publishes nothing when the commit of a role change fails', async () => {
      const admin = await w.admin();
      const bob = await w.user('bob');
      const failing: Repositories = {
        ...w.repositories,
        transaction: (fn) =>
          w.repositories.transaction(async (tx) => {
            const result = await fn(tx);
            throw new TickworkError('UNAVAILABLE', 'commit failed');
            // biome-ignore lint/correctness/noUnreachable: the result is what a commit would have returned
            return result;
          }),
      };
      const broken = world(failing, { logger });
      events.length = 0;
      expect(await codeOf(broken.services.users.setRole(admin, bob.id, 'admin'))).toBe('UNAVAILABLE');
      expect(events).toEqual([]);
      expect((await w.repositories.users.findById(bob.id))?.role).toBe('user');
    });

    it('sets roles: admins only, coded errors, idempotent, never the last admin', async () => {
      const admin = await onlyAdmin();
      const bob = await w.user('bob');
      expect(await codeOf(w.services.users.setRole(bob, bob.id, 'admin'))).toBe('FORBIDDEN');
      expect(await codeOf(w.services.users.setRole(admin, 'no-such-user', 'admin'))).toBe('NOT_FOUND');
      expect(await codeOf(w.services.users.setRole(admin, bob.id, 'root' as never))).toBe('VALIDATION');
      // The only admin cannot step down.
      const last = await w.services.users.setRole(admin, admin.id, 'user').catch((e: unknown) => e);
      expect(last).toMatchObject({ code: 'CONFLICT', status: 409, details: { reason: 'last_admin' } });
      expect((await w.repositories.users.findById(admin.id))?.role).toBe('admin');
      events.length = 0;
      const promoted = await w.services.users.setRole(admin, bob.id, 'admin');
      expect(promoted).toMatchObject({ id: bob.id, role: 'admin', version: 2 });
      expect(promoted).not.toHaveProperty('passwordHash');
      // Again: nothing changes, nothing is published.
      expect(await w.services.users.setRole(admin, bob.id, 'admin')).toMatchObject({ version: 2 });
      expect(events.map((e) => e.type)).toEqual(['user:promoted']);
      // With two admins, one may step down; then the other is the last.
      await w.services.users.setRole(admin, admin.id, 'user');
      expect(events.at(-1)).toEqual({ type: 'user:demoted', userId: admin.id, actorId: admin.id, role: 'user' });
      const bobAdmin = { ...bob, role: 'admin' as const };
      expect(await codeOf(w.services.users.setRole(bobAdmin, bob.id, 'user'))).toBe('CONFLICT');
      await w.services.users.setRole(bobAdmin, admin.id, 'admin');
    });

    it('leaves an admin when two admins demote each other at once', async () => {
      const a = await onlyAdmin();
      const b = await w.services.users.setRole(a, (await w.user('b')).id, 'admin');
      const results = await Promise.allSettled([
        w.services.users.setRole(a, b.id, 'user'),
        w.services.users.setRole(b, a.id, 'user'),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toMatchObject({ code: 'CONFLICT', details: { reason: 'last_admin' } });
      const roles = [await w.repositories.users.findById(a.id), await w.repositories.users.findById(b.id)].map(
        (u) => u?.role,
      );
      expect(roles.sort()).toEqual(['admin', 'user']);
      // Leave an admin who is not `a` or `b` behind for the next test's onlyAdmin.
    });

    it('lists and searches users for admins only, within bounds, without password hashes', async () => {
      const admin = await w.admin();
      const tag = `srch${Date.now().toString(36)}`;
      for (const n of ['Cleo', 'Abe', 'Bea']) {
        await w.services.users.register({
          email: `${n.toLowerCase()}-${tag}@example.com`,
          password: 'a good secret',
          name: `${n} ${tag}`,
        });
      }
      const first = await w.services.users.list(admin, { search: ` ${tag.toUpperCase()} `, limit: 2 });
      expect(first.items.map((u) => u.name)).toEqual([`Abe ${tag}`, `Bea ${tag}`]);
      expect(first.nextOffset).toBe(2);
      const second = await w.services.users.list(admin, { search: tag, limit: '2', offset: '2' });
      expect(second).toMatchObject({ items: [{ name: `Cleo ${tag}` }], nextOffset: null });
      for (const u of [...first.items, ...second.items]) expect(u).not.toHaveProperty('passwordHash');
      const ann = await w.user('ann');
      expect(await codeOf(w.services.users.list(ann))).toBe('FORBIDDEN');
      for (const bad of [
        { limit: 0 },
        { limit: 201 },
        { offset: -1 },
        { search: 'x'.repeat(101) },
        { role: 'admin' },
      ]) {
        expect(await codeOf(w.services.users.list(admin, bad as never)), JSON.stringify(bad)).toBe('VALIDATION');
      }
    });

    it('shows the reviewer the submitter and the app by name, inactive apps included', async () => {
      const admin = await w.admin();
      const tag = Date.now().toString(36);
      const dee = await w.services.users.register({
        email: `dee-${tag}@example.com`,
        password: 'a good secret',
        name: 'Dee',
      });
      const appId = await w.app(admin);
      const task = await w.services.tasks.claim(dee, appId);
      await w.services.tasks.submitProof(dee, task.id, shot(902));
      await w.services.apps.deactivate(admin, appId);
      const app = await w.services.apps.get(admin, appId);
      let found: unknown;
      for (let offset: number | null = 0; offset !== null && !found; ) {
        const page = await w.services.tasks.listForReview(admin, { limit: 200, offset });
        found = page.items.find((t) => t.id === task.id);
        offset = page.nextOffset;
      }
      expect(found).toMatchObject({
        submitter: { id: dee.id, name: 'Dee', email: `dee-${tag}@example.com` },
        app: { id: appId, name: app.name },
        duplicateProof: [],
      });
    });

    it('lists apps by status for admins; a non-admin never sees an inactive app', async () => {
      const admin = await w.admin();
      const ann = await w.user('ann');
      const on = await w.app(admin);
      const off = await w.app(admin);
      await w.services.apps.deactivate(admin, off);
      const ids = async (actor: PublicUser, options?: object) =>
        (await w.services.apps.list(actor, options)).map((a) => a.id);
      expect(await ids(admin)).toContain(on);
      expect(await ids(admin)).not.toContain(off);
      expect(await ids(admin, { status: 'inactive' })).toContain(off);
      expect(await ids(admin, { status: 'inactive' })).not.toContain(on);
      expect(await ids(admin, { status: 'all' })).toEqual(expect.arrayContaining([on, off]));
      expect(await ids(ann, { includeInactive: true })).not.toContain(off);
      expect(await codeOf(w.services.apps.list(ann, { status: 'inactive' }))).toBe('FORBIDDEN');
      expect(await codeOf(w.services.apps.list(ann, { status: 'all' }))).toBe('FORBIDDEN');
      expect(await codeOf(w.services.apps.list(admin, { status: 'gone' } as never))).toBe('VALIDATION');
      // Listed again: back for everybody.
      await w.services.apps.update(admin, off, { active: true });
      expect(await ids(ann)).toContain(off);
    });
  });
}
