/**
 * The service rules, run over any repositories: memory here, PGlite in the PostgreSQL tests. Every case goes
 * through the public services only.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repositories } from '../../src/domain/repositories.js';
import { awardKey } from '../../src/domain/task-service.js';
import { isTickworkError, TickworkError } from '../../src/errors.js';
import { codeOf, shot, type World, world } from './fixture.js';
import { jpeg, svg } from './images.js';

export function servicesSuite(
  name: string,
  open: () => Promise<{ repositories: Repositories; close(): Promise<void> }>,
) {
  describe(`domain services on ${name}`, () => {
    let w: World;
    let close: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      const opened = await open();
      close = opened.close;
      w = world(opened.repositories);
    });
    // After a failed set-up there is nothing to close, and the set-up error is the one to report.
    afterAll(() => close?.());

    describe('users', () => {
      it('registers with a normalised email and refuses a second account for it', async () => {
        const u = await w.services.users.register({
          email: '  Ann.X@Example.COM ',
          password: 'a good secret',
          name: 'Ann',
        });
        expect(u).toMatchObject({ email: 'ann.x@example.com', role: 'user', name: 'Ann' });
        expect(u).not.toHaveProperty('passwordHash');
        const again = w.services.users.register({ email: 'ann.x@example.com', password: 'another secret', name: 'A' });
        expect(await codeOf(again)).toBe('CONFLICT');
      });

      it('validates input with field details and rejects unknown fields', async () => {
        const error = await w.services.users
          .register({ email: 'nope', password: 'x', name: '', admin: true } as never)
          .catch((e: unknown) => e);
        expect(isTickworkError(error, 'VALIDATION')).toBe(true);
        const paths = (error as { details: { fields: { path: string }[] } }).details.fields.map((f) => f.path);
        expect(paths).toEqual(expect.arrayContaining(['email', 'name', 'admin']));
      });

      it('enforces the password policy', async () => {
        for (const password of ['short', 'aaaaaaaaaaaa', 'bob@example.com']) {
          const r = w.services.users.register({ email: 'bob@example.com', password, name: 'Bob' });
          expect(await codeOf(r)).toBe('VALIDATION');
        }
      });

      it('refuses common passwords, whatever their case (NIST SP 800-63B)', async () => {
        for (const password of ['1234567890', 'Password123', 'QWERTYUIOP']) {
          const error = await w.services.users
            .register({ email: 'common@example.com', password, name: 'Com' })
            .catch((e: unknown) => e);
          expect(isTickworkError(error, 'VALIDATION')).toBe(true);
          expect((error as { details: unknown }).details).toEqual({
            fields: [expect.objectContaining({ path: 'password', code: 'password_policy' })],
          });
        }
      });

      it('refuses NUL and other control characters in every text field and id', async () => {
        const admin = await w.admin();
        const u = await w.user();
        const attempts: Promise<unknown>[] = [
          w.services.users.register({ email: 'nul@example.com', password: 'nul secret\u0000 1', name: 'Nul' }),
          w.services.users.register({ email: 'nul@example.com', password: 'nul secret 1', name: 'N\u0000ul' }),
          w.services.users.register({ email: 'n\u0000ul@example.com', password: 'nul secret 1', name: 'Nul' }),
          w.services.users.login({ email: 'nul@example.com\u0000', password: 'nul secret 1' }),
          w.services.apps.create(admin, {
            name: 'Bell\u0007',
            packageName: 'com.example.bell',
            storeUrl: 'https://example.com/bell',
            category: 'Tools',
            points: 1,
          }),
          w.services.apps.create(admin, {
            name: 'Url',
            packageName: 'com.example.url',
            storeUrl: 'https://example.com/\u0000',
            category: 'Tools',
            points: 1,
          }),
          w.services.apps.update(admin, 'id\u0000', { points: 2 }),
          w.services.tasks.claim(u, 'app\u0000'),
          w.services.tasks.get(u, '\u0000'),
          w.services.points.statement(admin, { userId: 'x\u0000' }),
        ];
        for (const attempt of attempts) expect(await codeOf(attempt)).toBe('VALIDATION');
      });

      it('logs in with an opaque token, authenticates it, and logs out', async () => {
        await w.services.users.register({ email: 'cat@example.com', password: 'cat secret 1', name: 'Cat' });
        const login = await w.services.users.login({ email: 'CAT@example.com', password: 'cat secret 1' });
        expect(login.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(login.user.email).toBe('cat@example.com');
        const me = await w.services.users.authenticate(login.token);
        expect(me.id).toBe(login.user.id);
        await w.services.users.logout(login.token);
        expect(await codeOf(w.services.users.authenticate(login.token))).toBe('UNAUTHENTICATED');
        await w.services.users.logout(login.token);
      });

      it('stores only a hash of the token', async () => {
        await w.services.users.register({ email: 'dan@example.com', password: 'dan secret 1', name: 'Dan' });
        const { token } = await w.services.users.login({ email: 'dan@example.com', password: 'dan secret 1' });
        expect(await w.repositories.sessions.findByHash(token)).toBeUndefined();
        const hash = createHash('sha256').update(token).digest('hex');
        expect(await w.repositories.sessions.findByHash(hash)).toMatchObject({ tokenHash: hash });
      });

      it('expires sessions', async () => {
        await w.services.users.register({ email: 'eve@example.com', password: 'eve secret 1', name: 'Eve' });
        const { token, expiresAt } = await w.services.users.login({
          email: 'eve@example.com',
          password: 'eve secret 1',
        });
        const second = await w.services.users.login({ email: 'eve@example.com', password: 'eve secret 1' });
        const secondHash = createHash('sha256').update(second.token).digest('hex');
        expect(await w.repositories.sessions.findByHash(secondHash)).toBeDefined();
        w.clock.advance(expiresAt.getTime() - w.clock.now());
        expect(await codeOf(w.services.users.authenticate(token))).toBe('UNAUTHENTICATED');
        expect(await w.services.users.purgeExpiredSessions()).toBeGreaterThanOrEqual(1);
        expect(await w.repositories.sessions.findByHash(secondHash)).toBeUndefined();
      });

      it('answers an unknown email and a wrong password alike', async () => {
        await w.services.users.register({ email: 'fay@example.com', password: 'fay secret 1', name: 'Fay' });
        const wrong = await w.services.users
          .login({ email: 'fay@example.com', password: 'nope nope 1' })
          .catch((e) => e);
        const unknown = await w.services.users
          .login({ email: 'nobody@example.com', password: 'nope nope 1' })
          .catch((e) => e);
        expect(isTickworkError(wrong, 'UNAUTHENTICATED')).toBe(true);
        expect(isTickworkError(unknown, 'UNAUTHENTICATED')).toBe(true);
        expect((wrong as Error).message).toBe((unknown as Error).message);
        expect(await codeOf(w.services.users.authenticate('garbage'))).toBe('UNAUTHENTICATED');
      });

      it('bootstraps an admin idempotently and lets admins promote', async () => {
        const input = { email: 'root@example.com', password: 'root secret 1', name: 'Root' };
        const a = await w.services.users.bootstrapAdmin(input);
        const b = await w.services.users.bootstrapAdmin({ ...input, password: 'different pw 2' });
        expect(b.id).toBe(a.id);
        expect(b.role).toBe('admin');
        await w.services.users.login({ email: input.email, password: input.password });
        // An account someone registered under the admin email is never promoted.
        const squatter = { email: 'ops@example.com', password: 'squatter secret 1', name: 'Squatter' };
        await w.services.users.register(squatter);
        expect(await codeOf(w.services.users.bootstrapAdmin({ ...squatter, password: 'operator secret 1' }))).toBe(
          'CONFLICT',
        );
        const login = await w.services.users.login({ email: squatter.email, password: squatter.password });
        expect(login.user.role).toBe('user');
        const u = await w.user();
        const v = await w.user();
        expect(await codeOf(w.services.users.promote(u, v.id))).toBe('FORBIDDEN');
        expect((await w.services.users.promote(a, u.id)).role).toBe('admin');
        expect((await w.services.users.promote(a, u.id)).role).toBe('admin');
        expect(await codeOf(w.services.users.promote(a, 'missing'))).toBe('NOT_FOUND');
      });

      it('answers a profile with balance and task counts', async () => {
        const admin = await w.admin();
        const u = await w.user();
        const apps = [await w.app(admin, 10), await w.app(admin, 20), await w.app(admin, 30)];
        const tasks = await Promise.all(apps.map((id) => w.services.tasks.claim(u, id)));
        await w.services.tasks.submitProof(u, tasks[0]!.id, shot(1));
        await w.services.tasks.submitProof(u, tasks[1]!.id, shot(2));
        await w.services.tasks.approve(admin, tasks[0]!.id);
        const profile = await w.services.users.profile(u);
        expect(profile.balance).toBe(10);
        expect(profile.tasks).toEqual({ claimed: 1, submitted: 1, approved: 1, rejected: 0 });
        expect(await codeOf(w.services.users.profile(undefined as never))).toBe('UNAUTHENTICATED');
      });
    });

    describe('apps', () => {
      it('lets only admins create, update and deactivate apps, with valid fields', async () => {
        const admin = await w.admin();
        const u = await w.user();
        const input = {
          name: 'Maps',
          packageName: 'com.example.maps',
          storeUrl: 'https://play.google.com/store/apps/details?id=com.example.maps',
          iconUrl: 'https://cdn.example.com/maps.png',
          category: 'Travel',
          subCategory: 'Navigation',
          points: 25,
        };
        expect(await codeOf(w.services.apps.create(u, input))).toBe('FORBIDDEN');
        const app = await w.services.apps.create(admin, input);
        expect(app).toMatchObject({ ...input, active: true, version: 1 });
        expect(await codeOf(w.services.apps.create(admin, input))).toBe('CONFLICT');
        for (const bad of [
          { packageName: 'maps' },
          { packageName: '1com.example' },
          { storeUrl: 'http://play.google.com/x' },
          { iconUrl: 'javascript:alert(1)' },
          { points: 0 },
          { points: 1.5 },
          { points: -3 },
          { color: 'red' },
        ]) {
          expect(
            await codeOf(w.services.apps.create(admin, { ...input, packageName: 'com.example.other', ...bad })),
            JSON.stringify(bad),
          ).toBe('VALIDATION');
        }
        expect(await codeOf(w.services.apps.update(u, app.id, { points: 30 }))).toBe('FORBIDDEN');
        const updated = await w.services.apps.update(admin, app.id, { points: 30, expectedVersion: 1 });
        expect(updated).toMatchObject({ points: 30, version: 2 });
        expect(await codeOf(w.services.apps.update(admin, app.id, { points: 31, expectedVersion: 1 }))).toBe(
          'CONFLICT',
        );
        expect(await codeOf(w.services.apps.update(admin, 'missing', { points: 31 }))).toBe('NOT_FOUND');
        const gone = await w.services.apps.deactivate(admin, app.id);
        expect(gone.active).toBe(false);
        expect((await w.services.apps.list(u)).some((a) => a.id === app.id)).toBe(false);
        expect((await w.services.apps.list(admin, { includeInactive: true })).some((a) => a.id === app.id)).toBe(true);
        expect(await codeOf(w.services.apps.get(u, app.id))).toBe('NOT_FOUND');
        expect(await codeOf(w.services.tasks.claim(u, app.id))).toBe('NOT_FOUND');
      });

      it('lists active apps with the actor’s own claim status', async () => {
        const admin = await w.admin();
        const u = await w.user();
        const other = await w.user();
        const a1 = await w.app(admin);
        const a2 = await w.app(admin);
        const t = await w.services.tasks.claim(u, a1);
        await w.services.tasks.claim(other, a2);
        const list = await w.services.apps.list(u);
        expect(list.find((a) => a.id === a1)?.claim).toEqual({ taskId: t.id, status: 'claimed' });
        expect(list.find((a) => a.id === a2)?.claim).toBeNull();
      });

      it('lists each app as it is now, after every change and claim, listed again and again', async () => {
        const admin = await w.admin();
        const u = await w.user();
        const other = await w.user();
        const appId = await w.app(admin, 30);
        const listed = async (actor: typeof u) => (await w.services.apps.list(actor)).find((a) => a.id === appId);
        expect(await listed(u)).toMatchObject({ points: 30, claim: null });
        expect(await listed(u)).toMatchObject({ points: 30, claim: null });
        const changed = await w.services.apps.update(admin, appId, { points: 35, name: 'Renamed app' });
        expect(await listed(u)).toMatchObject({
          points: 35,
          name: 'Renamed app',
          version: changed.version,
          claim: null,
        });
        const task = await w.services.tasks.claim(u, appId);
        expect(await listed(u)).toMatchObject({ points: 35, claim: { taskId: task.id, status: 'claimed' } });
        expect(await listed(other)).toMatchObject({ points: 35, claim: null });
        await w.services.apps.deactivate(admin, appId);
        expect(await listed(other)).toBeUndefined();
      });
    });

    describe('tasks', () => {
      it('claims once per user and app, freezing the points', async () => {
        const admin = await w.admin();
        const u = await w.user();
        const appId = await w.app(admin, 40);
        const task = await w.services.tasks.claim(u, appId);
        expect(task).toMatchObject({ status: 'claimed', points: 40, userId: u.id, appId, version: 1 });
        expect(await codeOf(w.services.tasks.claim(u, appId))).toBe('CONFLICT');
        await w.services.apps.update(admin, appId, { points: 99 });
        await w.services.tasks.submitProof(u, task.id, shot(10));
        const { award } = await w.services.tasks.approve(admin, task.id);
        expect(award.amount).toBe(40);
        expect(award.idempotencyKey).toBe(`task:${task.id}:award`);
      });

      it('accepts a proof only from the owner, from claimed or rejected, as a real image', async () => {
        const admin = await w.admin();
        const u = await w.user();
        const other = await w.user();
        const task = await w.services.tasks.claim(u, await w.app(admin));
        expect(await codeOf(w.services.tasks.submitProof(other, task.id, shot(20)))).toBe('FORBIDDEN');
        expect(await codeOf(w.services.tasks.submitProof(u, task.id, svg))).toBe('UNSUPPORTED_MEDIA_TYPE');
        expect(await codeOf(w.services.tasks.submitProof(u, task.id, 'x' as never))).toBe('VALIDATION');
        const submitted = await w.services.tasks.submitProof(u, task.id, jpeg(1080, 1920));
        expect(submitted).toMatchObject({ status: 'submitted', submissions: 1, version: 2 });
        expect(submitted.proof).toMatchObject({ mime: 'image/jpeg', width: 1080, height: 1920 });
        expect(await codeOf(w.services.tasks.submitProof(u, task.id, shot(21)))).toBe('CONFLICT');
        const rejected = await w.services.tasks.reject(admin, task.id, { reason: 'Wrong app on screen' });
        expect(rejected).toMatchObject({ status: 'rejected', reason: 'Wrong app on screen', reviewerId: admin.id });
        const again = await w.services.tasks.submitProof(u, task.id, shot(22));
        expect(again).toMatchObject({ status: 'submitted', submissions: 2, reason: null });
        expect(await codeOf(w.services.tasks.submitProof(u, 'missing', shot(23)))).toBe('NOT_FOUND');
      });

      it('caps proof size', async () => {
        const small = world(w.repositories, { maxProofBytes: 100 });
        const admin = await small.admin();
        const u = await small.user();
        const task = await small.services.tasks.claim(u, await small.app(admin));
        expect(await codeOf(small.services.tasks.submitProof(u, task.id, shot(30)))).toBe('PAYLOAD_TOO_LARGE');
      });

      it('lets only admins review, never their own task, only submitted tasks', async () => {
        const admin = await w.admin();
        const admin2 = await w.admin();
        const u = await w.user();
        const appId = await w.app(admin);
        const own = await w.services.tasks.claim(admin, appId);
        await w.services.tasks.submitProof(admin, own.id, shot(40));
        expect(await codeOf(w.services.tasks.approve(admin, own.id))).toBe('FORBIDDEN');
        expect(await codeOf(w.services.tasks.reject(admin, own.id, { reason: 'x' }))).toBe('FORBIDDEN');
        expect((await w.services.tasks.approve(admin2, own.id)).task.status).toBe('approved');

        const task = await w.services.tasks.claim(u, appId);
        expect(await codeOf(w.services.tasks.approve(admin, task.id))).toBe('CONFLICT');
        await w.services.tasks.submitProof(u, task.id, shot(41));
        expect(await codeOf(w.services.tasks.approve(u, task.id))).toBe('FORBIDDEN');
        expect(await codeOf(w.services.tasks.reject(admin, task.id, { reason: '  ' }))).toBe('VALIDATION');
        expect(await codeOf(w.services.tasks.approve(admin, task.id, { expectedVersion: 1 }))).toBe('CONFLICT');
        const { task: approved } = await w.services.tasks.approve(admin, task.id, { expectedVersion: 2 });
        expect(approved).toMatchObject({ status: 'approved', reviewerId: admin.id, version: 3 });
        expect(await codeOf(w.services.tasks.approve(admin, task.id))).toBe('CONFLICT');
        expect(await codeOf(w.services.tasks.reject(admin, task.id, { reason: 'late' }))).toBe('CONFLICT');
        expect(await w.services.points.balance(u)).toBe(50);
      });

      it('approves atomically: when the award cannot be written, the task stays submitted and nothing is paid', async () => {
        const admin = await w.admin();
        const u = await w.user();
        const task = await w.services.tasks.claim(u, await w.app(admin));
        await w.services.tasks.submitProof(u, task.id, shot(45));
        // An entry already holding the award's key: the task's checks pass, then the award itself fails.
        await w.repositories.ledger.append({
          id: randomUUID(),
          userId: admin.id,
          amount: 1,
          kind: 'adjustment',
          reason: 'Holds the key',
          reference: null,
          actorId: admin.id,
          idempotencyKey: awardKey(task.id),
          createdAt: new Date(),
        });
        const error = await w.services.tasks.approve(admin, task.id).catch((e: unknown) => e);
        expect(isTickworkError(error, 'CONFLICT')).toBe(true);
        expect((error as Error).message).toBe('This task was awarded already');
        const after = await w.services.tasks.get(u, task.id);
        expect(after).toMatchObject({ status: 'submitted', version: task.version + 1, reviewerId: null });
        expect(await w.services.points.balance(u)).toBe(0);
      });

      it('passes a storage failure of the approval through as it is, not as a conflict', async () => {
        const down: Repositories = {
          ...w.repositories,
          tasks: {
            ...w.repositories.tasks,
            approve: async () => {
              throw new TickworkError('UNAVAILABLE', 'The database is down');
            },
          },
        };
        const broken = world(down);
        const admin = await broken.admin();
        const u = await broken.user();
        const task = await broken.services.tasks.claim(u, await broken.app(admin));
        await broken.services.tasks.submitProof(u, task.id, shot(46));
        expect(await codeOf(broken.services.tasks.approve(admin, task.id))).toBe('UNAVAILABLE');
        expect(await w.services.points.balance(u)).toBe(0);
      });

      it('lists my tasks and the review queue, flagging the same image on two users’ tasks', async () => {
        const admin = await w.admin();
        const u = await w.user();
        const v = await w.user();
        const appId = await w.app(admin);
        const tu = await w.services.tasks.claim(u, appId);
        const tv = await w.services.tasks.claim(v, appId);
        const same = shot(50);
        await w.services.tasks.submitProof(u, tu.id, same);
        await w.services.tasks.submitProof(v, tv.id, same);
        expect((await w.services.tasks.listMine(u)).map((t) => t.id)).toEqual([tu.id]);
        expect(await w.services.tasks.listMine(u, { status: 'approved' })).toEqual([]);
        expect(await codeOf(w.services.tasks.listForReview(u))).toBe('FORBIDDEN');
        const all: string[] = [];
        let offset: number | null = 0;
        while (offset !== null) {
          const page = await w.services.tasks.listForReview(admin, { limit: 2, offset });
          for (const item of page.items) {
            all.push(item.id);
            if (item.id === tu.id) expect(item.duplicateProof).toEqual([{ taskId: tv.id, userId: v.id }]);
            if (item.id === tv.id) expect(item.duplicateProof).toEqual([{ taskId: tu.id, userId: u.id }]);
          }
          offset = page.nextOffset;
        }
        expect(all).toEqual(expect.arrayContaining([tu.id, tv.id]));
        expect(new Set(all).size).toBe(all.length);
      });

      it('shows a task and its proof only to the owner and admins', async () => {
        const admin = await w.admin();
        const u = await w.user();
        const other = await w.user();
        const task = await w.services.tasks.claim(u, await w.app(admin));
        expect(await codeOf(w.services.tasks.readProof(u, task.id))).toBe('NOT_FOUND');
        const bytes = shot(60);
        await w.services.tasks.submitProof(u, task.id, bytes);
        const mine = await w.services.tasks.readProof(u, task.id);
        expect(Buffer.from(mine.bytes).equals(Buffer.from(bytes))).toBe(true);
        expect(mine.mime).toBe('image/png');
        expect((await w.services.tasks.readProof(admin, task.id)).sha256).toBe(mine.sha256);
        expect(await codeOf(w.services.tasks.readProof(other, task.id))).toBe('FORBIDDEN');
        expect(await codeOf(w.services.tasks.get(other, task.id))).toBe('FORBIDDEN');
        expect((await w.services.tasks.get(admin, task.id)).id).toBe(task.id);
      });
    });

    describe('points', () => {
      it('adjusts idempotently, never below zero, and pages the history', async () => {
        const admin = await w.admin();
        const u = await w.user();
        const other = await w.user();
        const adjust = (amount: number, key: string, reason = 'Bonus') =>
          w.services.points.adjust(admin, { userId: u.id, amount, reason, idempotencyKey: key });
        expect(
          await codeOf(w.services.points.adjust(u, { userId: u.id, amount: 5, reason: 'x', idempotencyKey: 'k' })),
        ).toBe('FORBIDDEN');
        expect((await adjust(30, 'k1')).created).toBe(true);
        const replay = await adjust(30, 'k1');
        expect(replay.created).toBe(false);
        expect(await codeOf(adjust(31, 'k1'))).toBe('CONFLICT');
        expect(await codeOf(adjust(-31, 'k2'))).toBe('CONFLICT');
        expect(await codeOf(adjust(0, 'k3'))).toBe('VALIDATION');
        expect(await codeOf(adjust(2.5, 'k3'))).toBe('VALIDATION');
        await adjust(-30, 'k4', 'Refund');
        expect(await w.services.points.balance(u)).toBe(0);
        for (let i = 0; i < 5; i++) await adjust(1, `n${i}`);
        const first = await w.services.points.history(u, { limit: '3' });
        expect(await codeOf(w.services.points.history(u, { limit: '3x' }))).toBe('VALIDATION');
        expect(first.items.map((e) => e.amount)).toEqual([1, 1, 1]);
        expect(first.nextOffset).toBe(3);
        const second = await w.services.points.history(u, { limit: 3, offset: 3 });
        expect(second.items.map((e) => e.amount)).toEqual([1, 1, -30]);
        const statement = await w.services.points.statement(u, { limit: 10 });
        expect(statement.balance).toBe(5);
        expect(statement.history).toHaveLength(7);
        expect(statement.nextOffset).toBeNull();
        expect(await codeOf(w.services.points.balance(other, { userId: u.id }))).toBe('FORBIDDEN');
        expect(await w.services.points.balance(admin, { userId: u.id })).toBe(5);
        expect(
          await codeOf(
            w.services.points.adjust(admin, { userId: 'missing', amount: 1, reason: 'x', idempotencyKey: 'm' }),
          ),
        ).toBe('NOT_FOUND');
      });
    });
  });
}
