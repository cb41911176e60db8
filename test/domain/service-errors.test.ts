/**
 * What each service says when it refuses a call: the code, the message a person reads and the details a client
 * acts on, one table per service. Next to them, the branches the shared suite cannot reach alone: a storage
 * failure that must not turn into a conflict, races between a read and a write, and the limits of paging and
 * token length.
 */
import { describe, expect, it } from 'vitest';
import { memoryRepositories } from '../../adapters/memory/repositories.js';
import type { Repositories } from '../../src/domain/repositories.js';
import { TickworkError } from '../../src/errors.js';
import { failure, shot, world } from './fixture.js';

/** What a refused call answers: its code and message, and its details when the service sets them. */
interface Refusal {
  readonly code: string;
  readonly message: string;
  readonly details?: unknown;
}

/** Checks every `[label, call, refusal]` row; a row without `details` leaves the details unchecked. */
async function expectRefusals(rows: readonly (readonly [string, () => Promise<unknown>, Refusal])[]) {
  for (const [label, call, refusal] of rows) {
    const seen = await failure(call());
    const expected = 'details' in refusal ? refusal : { code: refusal.code, message: refusal.message };
    expect(seen && ('details' in refusal ? seen : { code: seen.code, message: seen.message }), label).toEqual(expected);
  }
}

const unavailable = () => new TickworkError('UNAVAILABLE', 'The database is down');

/** A user, an admin and a listed app, over `repositories`. */
async function listed(repositories: Repositories = memoryRepositories()) {
  const w = world(repositories);
  const admin = await w.admin();
  const u = await w.user();
  const appId = await w.app(admin);
  return { w, admin, u, appId };
}

describe('app service refusals', () => {
  it('names the field, the app and the versions', async () => {
    const { w, admin, u, appId } = await listed();
    const app = await w.services.apps.get(admin, appId);
    const hidden = await w.services.apps.deactivate(admin, await w.app(admin));
    const { apps } = w.services;
    await expectRefusals([
      [
        'bad app',
        () => apps.create(admin, { name: 'X' } as never),
        { code: 'VALIDATION', message: 'Invalid app: packageName, storeUrl, category, points' },
      ],
      [
        'listed package name',
        () =>
          apps.create(admin, {
            name: 'Copy',
            packageName: app.packageName,
            storeUrl: app.storeUrl,
            category: 'Tools',
            points: 1,
          }),
        {
          code: 'CONFLICT',
          message: 'An app with this package name is listed already',
          details: { field: 'packageName' },
        },
      ],
      [
        'renamed to a listed package',
        () => apps.update(admin, hidden.id, { packageName: app.packageName }),
        {
          code: 'CONFLICT',
          message: 'An app with this package name is listed already',
          details: { field: 'packageName' },
        },
      ],
      ['bad app id', () => apps.get(admin, ''), { code: 'VALIDATION', message: 'Invalid app id: (input)' }],
      [
        'unknown app',
        () => apps.get(admin, 'nope'),
        { code: 'NOT_FOUND', message: 'App not found', details: { id: 'nope' } },
      ],
      [
        'hidden app for a user',
        () => apps.get(u, hidden.id),
        { code: 'NOT_FOUND', message: 'App not found', details: { id: hidden.id } },
      ],
      [
        'bad change',
        () => apps.update(admin, appId, { owner: 'me' } as never),
        { code: 'VALIDATION', message: 'Invalid app change: owner' },
      ],
      [
        'bad id to change',
        () => apps.update(admin, '', { points: 2 }),
        { code: 'VALIDATION', message: 'Invalid app id: (input)' },
      ],
      [
        'unknown app to change',
        () => apps.update(admin, 'nope', { points: 2 }),
        { code: 'NOT_FOUND', message: 'App not found', details: { id: 'nope' } },
      ],
      [
        'stale version',
        () => apps.update(admin, appId, { points: 2, expectedVersion: app.version + 1 }),
        {
          code: 'CONFLICT',
          message: 'The app changed meanwhile; read it again',
          details: { expectedVersion: app.version + 1, version: app.version },
        },
      ],
    ]);
    expect((await apps.get(admin, hidden.id)).active).toBe(false);
  });

  it('passes a storage failure through as it is, not as a taken package name', async () => {
    const base = memoryRepositories();
    let down = false;
    const flaky: Repositories = {
      ...base,
      apps: {
        ...base.apps,
        async insert(app) {
          if (down) throw unavailable();
          return base.apps.insert(app);
        },
      },
    };
    const { w, admin } = await listed(flaky);
    down = true;
    expect(await failure(w.app(admin))).toMatchObject({ code: 'UNAVAILABLE', message: 'The database is down' });
  });

  it('shows hidden apps only to an admin who asks for them', async () => {
    const { w, admin, u, appId } = await listed();
    const hidden = (await w.services.apps.deactivate(admin, await w.app(admin))).id;
    const ids = async (...args: Parameters<typeof w.services.apps.list>) =>
      (await w.services.apps.list(...args)).map((a) => a.id).sort();
    expect(await ids(admin, { includeInactive: true })).toEqual([appId, hidden].sort());
    expect(await ids(admin)).toEqual([appId]);
    expect(await ids(u, { includeInactive: true })).toEqual([appId]);
  });
});

describe('user service refusals', () => {
  it('names the field, the user and the reason', async () => {
    const { w, admin, u } = await listed();
    const { users } = w.services;
    const ghost = { id: 'ghost', role: 'user' } as const;
    await expectRefusals([
      [
        'bad registration',
        () => users.register({ email: 'a@example.com' } as never),
        { code: 'VALIDATION', message: 'Invalid registration: password, name' },
      ],
      [
        'weak password',
        () => users.register({ email: 'b@example.com', password: 'short', name: 'B' }),
        {
          code: 'VALIDATION',
          message: 'Password must have at least 10 characters',
          details: {
            fields: [
              { path: 'password', message: 'Password must have at least 10 characters', code: 'password_policy' },
            ],
          },
        },
      ],
      [
        'taken email',
        () => users.register({ email: u.email, password: 'another secret', name: 'Copy' }),
        { code: 'CONFLICT', message: 'An account with this email exists', details: { field: 'email' } },
      ],
      [
        'bad login',
        () => users.login({ email: u.email } as never),
        { code: 'VALIDATION', message: 'Invalid login: password' },
      ],
      [
        'wrong password',
        () => users.login({ email: u.email, password: 'not the secret' }),
        { code: 'UNAUTHENTICATED', message: 'Email or password is wrong', details: undefined },
      ],
      ['no token', () => users.authenticate(''), { code: 'UNAUTHENTICATED', message: 'Sign in first' }],
      [
        'token too long',
        () => users.authenticate('x'.repeat(201)),
        { code: 'UNAUTHENTICATED', message: 'Sign in first' },
      ],
      ['not a token', () => users.authenticate(42 as never), { code: 'UNAUTHENTICATED', message: 'Sign in first' }],
      [
        'unknown token',
        () => users.authenticate('x'),
        { code: 'UNAUTHENTICATED', message: 'Session is unknown or signed out' },
      ],
      [
        'unknown long token',
        () => users.authenticate('x'.repeat(200)),
        { code: 'UNAUTHENTICATED', message: 'Session is unknown or signed out' },
      ],
      [
        'profile of nobody',
        () => users.profile(ghost),
        { code: 'NOT_FOUND', message: 'User not found', details: { id: 'ghost' } },
      ],
      ['bad user id', () => users.promote(admin, ''), { code: 'VALIDATION', message: 'Invalid user id: (input)' }],
      [
        'promote nobody',
        () => users.promote(admin, 'ghost'),
        { code: 'NOT_FOUND', message: 'User not found', details: { id: 'ghost' } },
      ],
      [
        'bootstrap over a user',
        () => users.bootstrapAdmin({ email: u.email, password: 'admin secret 2', name: 'Boss' }),
        {
          code: 'CONFLICT',
          message: `An account with email ${u.email} exists and is not an admin; it is not promoted. Remove or rename that account, or choose another admin email`,
          details: { field: 'email', email: u.email, role: 'user' },
        },
      ],
    ]);
  });

  it('ends a session at its expiry instant and forgets it', async () => {
    const { w, u } = await listed();
    const { token, expiresAt } = await w.services.users.login({ email: u.email, password: 'user secret 1' });
    w.clock.advance(expiresAt.getTime() - w.clock.now() - 1);
    expect((await w.services.users.authenticate(token)).id).toBe(u.id);
    w.clock.advance(1);
    expect(await failure(w.services.users.authenticate(token))).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'Session expired; sign in again',
    });
    w.clock.advance(-1);
    expect(await failure(w.services.users.authenticate(token))).toMatchObject({
      message: 'Session is unknown or signed out',
    });
  });

  it('refuses the token of an account that is gone, and ignores a sign-out without a token', async () => {
    const base = memoryRepositories();
    const gone = new Set<string>();
    const repositories: Repositories = {
      ...base,
      users: { ...base.users, findById: async (id) => (gone.has(id) ? undefined : base.users.findById(id)) },
    };
    const { w, u } = await listed(repositories);
    const { token } = await w.services.users.login({ email: u.email, password: 'user secret 1' });
    gone.add(u.id);
    expect(await failure(w.services.users.authenticate(token))).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'Session is unknown or signed out',
    });
    await expect(w.services.users.logout(undefined as never)).resolves.toBeUndefined();
  });

  it('passes a storage failure of a registration through as it is', async () => {
    const base = memoryRepositories();
    const repositories: Repositories = {
      ...base,
      users: {
        ...base.users,
        insert: async () => {
          throw unavailable();
        },
      },
    };
    const w = world(repositories);
    expect(await failure(w.user())).toMatchObject({ code: 'UNAVAILABLE', message: 'The database is down' });
    // Bootstrapping finds no admin after the failure either, so it reports the failure itself.
    expect(await failure(w.admin())).toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('promotes idempotently; a role write that finds the row changed is a CONFLICT, a vanished user NOT_FOUND', async () => {
    const base = memoryRepositories();
    // The role change reads and writes inside one transaction: interfere with what that transaction sees.
    let interfere: 'changed' | 'gone' | undefined;
    const repositories: Repositories = {
      ...base,
      transaction: (fn) =>
        base.transaction((tx) =>
          fn({
            ...tx,
            users: {
              ...tx.users,
              findById: async (id) => (interfere === 'gone' ? undefined : tx.users.findById(id)),
              setRole: async (id, role, expectedVersion, now) =>
                interfere === 'changed' ? undefined : tx.users.setRole(id, role, expectedVersion, now),
            },
          }),
        ),
    };
    const { w, admin } = await listed(repositories);
    const other = await w.admin('other');
    expect(await w.services.users.promote(admin, other.id)).toEqual(other);

    // Another writer got the row first: nothing was promoted, and the caller is told to try again.
    const v = await w.user('v');
    interfere = 'changed';
    expect(await failure(w.services.users.promote(admin, v.id))).toEqual({
      code: 'CONFLICT',
      message: 'The user changed meanwhile; try again',
      details: { id: v.id },
    });
    // The account is gone by the time the promotion reads it.
    interfere = 'gone';
    expect(await failure(w.services.users.promote(admin, v.id))).toEqual({
      code: 'NOT_FOUND',
      message: 'User not found',
      details: { id: v.id },
    });
    interfere = undefined;
    expect((await w.services.users.profile(v)).user.role).toBe('user');
  });

  it('answers the promoted user it wrote, whatever is read after', async () => {
    const base = memoryRepositories();
    let promotedOnce = false;
    const users = (of: Repositories['users']): Repositories['users'] => ({
      ...of,
      async setRole(id, role, expectedVersion, now) {
        const updated = await of.setRole(id, role, expectedVersion, now);
        promotedOnce = updated !== undefined;
        return updated;
      },
      // A read right after the promotion sees an older copy (a replica behind the primary).
      findById: async (id) => (promotedOnce ? undefined : of.findById(id)),
    });
    const repositories: Repositories = {
      ...base,
      users: users(base.users),
      transaction: (fn) => base.transaction((tx) => fn({ ...tx, users: users(tx.users) })),
    };
    const { w, admin, u } = await listed(repositories);
    expect((await w.services.users.promote(admin, u.id)).role).toBe('admin');
  });

  it('bootstraps the admin another process created first, and never a user who registered first', async () => {
    const base = memoryRepositories();
    let hideOnce = false;
    const repositories: Repositories = {
      ...base,
      users: {
        ...base.users,
        async findByEmail(email) {
          // The first look misses the account another process inserts right after.
          if (hideOnce) {
            hideOnce = false;
            return undefined;
          }
          return base.users.findByEmail(email);
        },
      },
    };
    const { w, u } = await listed(repositories);
    const first = await w.services.users.bootstrapAdmin({
      email: 'boss@example.com',
      password: 'boss secret 1',
      name: 'Boss',
    });
    hideOnce = true;
    expect(
      await w.services.users.bootstrapAdmin({ email: 'boss@example.com', password: 'other secret', name: 'Boss' }),
    ).toEqual(first);
    hideOnce = true;
    expect(
      await failure(w.services.users.bootstrapAdmin({ email: u.email, password: 'boss secret 1', name: 'Boss' })),
    ).toMatchObject({ code: 'CONFLICT', details: { field: 'email', email: u.email, role: 'user' } });
  });
});

describe('points service refusals', () => {
  it('names the user, the key and the field', async () => {
    const { w, admin, u } = await listed();
    const { points } = w.services;
    await points.adjust(admin, { userId: u.id, amount: 5, reason: 'Bonus', idempotencyKey: 'k1' });
    const reused = {
      code: 'CONFLICT',
      message: 'This idempotency key was used for another adjustment',
      details: { idempotencyKey: 'k1' },
    };
    await expectRefusals([
      [
        'bad query',
        () => points.history(u, { limit: 0 }),
        { code: 'VALIDATION', message: 'Invalid points query: limit' },
      ],
      [
        'bad balance query',
        () => points.balance(u, { userId: '' }),
        { code: 'VALIDATION', message: 'Invalid points query: userId' },
      ],
      [
        "another user's points",
        () => points.balance(u, { userId: admin.id }),
        { code: 'FORBIDDEN', message: "Only an admin may see another user's points", details: undefined },
      ],
      [
        'bad adjustment',
        () => points.adjust(admin, { userId: u.id } as never),
        { code: 'VALIDATION', message: 'Invalid adjustment: amount, reason, idempotencyKey' },
      ],
      [
        'blank reason',
        () => points.adjust(admin, { userId: u.id, amount: 1, reason: '   ', idempotencyKey: 'k2' }),
        { code: 'VALIDATION', message: 'Invalid adjustment: reason' },
      ],
      [
        'unknown user',
        () => points.adjust(admin, { userId: 'ghost', amount: 1, reason: 'x', idempotencyKey: 'k3' }),
        { code: 'NOT_FOUND', message: 'User not found', details: { id: 'ghost' } },
      ],
      [
        'key reused for another user',
        () => points.adjust(admin, { userId: admin.id, amount: 5, reason: 'Bonus', idempotencyKey: 'k1' }),
        reused,
      ],
      [
        'key reused for another amount',
        () => points.adjust(admin, { userId: u.id, amount: 6, reason: 'Bonus', idempotencyKey: 'k1' }),
        reused,
      ],
      [
        'key reused for another reason',
        () => points.adjust(admin, { userId: u.id, amount: 5, reason: 'Gift', idempotencyKey: 'k1' }),
        reused,
      ],
      [
        'deduction beyond the balance',
        () => points.adjust(admin, { userId: u.id, amount: -6, reason: 'Refund', idempotencyKey: 'k5' }),
        { code: 'CONFLICT', message: 'The balance is too low for this deduction', details: { balance: 5, amount: -6 } },
      ],
    ]);
    const zero = await failure(points.adjust(admin, { userId: u.id, amount: 0, reason: 'x', idempotencyKey: 'k4' }));
    expect(zero?.details).toEqual({ fields: [{ path: 'amount', message: 'Must not be zero', code: 'custom' }] });
  });

  it('replays a deduction that emptied the balance as the first entry, not as a second deduction', async () => {
    const { w, admin, u } = await listed();
    await w.services.points.adjust(admin, { userId: u.id, amount: 5, reason: 'Bonus', idempotencyKey: 'in' });
    const out = { userId: u.id, amount: -5, reason: 'Refund', idempotencyKey: 'out' };
    const first = await w.services.points.adjust(admin, out);
    expect(await w.services.points.adjust(admin, out)).toEqual({ entry: first.entry, created: false });
    expect(await w.services.points.balance(u)).toBe(0);
  });

  it('records an adjustment as such, its reason trimmed, and lets a user ask for their own points by id', async () => {
    const { w, admin, u } = await listed();
    const { entry } = await w.services.points.adjust(admin, {
      userId: u.id,
      amount: 7,
      reason: '  Refund  ',
      idempotencyKey: 'r',
    });
    expect({ kind: entry.kind, reason: entry.reason }).toEqual({ kind: 'adjustment', reason: 'Refund' });
    expect(await w.services.points.balance(u, { userId: u.id })).toBe(7);
    const exact = await w.services.points.history(u, { userId: u.id, limit: 1 });
    expect({ items: exact.items.length, next: exact.nextOffset }).toEqual({ items: 1, next: null });
  });
});

describe('task service refusals', () => {
  it('names the task, the app and the rule', async () => {
    const { w, admin, u, appId } = await listed();
    const v = await w.user('v');
    const { tasks, apps } = w.services;
    const hidden = (await apps.deactivate(admin, await w.app(admin))).id;
    const claimed = await tasks.claim(u, appId);
    const own = await tasks.claim(admin, appId);
    await tasks.submitProof(admin, own.id, shot(1));
    await expectRefusals([
      ['bad app id', () => tasks.claim(u, ''), { code: 'VALIDATION', message: 'Invalid app id: (input)' }],
      [
        'unknown app',
        () => tasks.claim(u, 'nope'),
        { code: 'NOT_FOUND', message: 'App not found or not active', details: { id: 'nope' } },
      ],
      [
        'hidden app',
        () => tasks.claim(u, hidden),
        { code: 'NOT_FOUND', message: 'App not found or not active', details: { id: hidden } },
      ],
      [
        'unknown task',
        () => tasks.get(u, 'nope'),
        { code: 'NOT_FOUND', message: 'Task not found', details: { id: 'nope' } },
      ],
      [
        'unknown task to approve',
        () => tasks.approve(admin, 'nope'),
        { code: 'NOT_FOUND', message: 'Task not found', details: { id: 'nope' } },
      ],
      [
        "another user's task",
        () => tasks.get(v, claimed.id),
        { code: 'FORBIDDEN', message: 'Only the owner of a task or an admin may see it', details: undefined },
      ],
      [
        'proof that is no bytes',
        () => tasks.submitProof(u, claimed.id, 'png' as never),
        {
          code: 'VALIDATION',
          message: 'Proof must be bytes',
          details: { fields: [{ path: 'proof', message: 'Expected a Uint8Array', code: 'invalid_type' }] },
        },
      ],
      [
        "proof for another user's task",
        () => tasks.submitProof(v, claimed.id, shot(2)),
        { code: 'FORBIDDEN', message: 'Only the owner may submit a proof', details: undefined },
      ],
      [
        'own task',
        () => tasks.reject(admin, own.id, { reason: 'No' }),
        { code: 'FORBIDDEN', message: 'Nobody may review their own task', details: undefined },
      ],
      [
        'bad approval',
        () => tasks.approve(admin, claimed.id, { expectedVersion: -1 }),
        { code: 'VALIDATION', message: 'Invalid approval: expectedVersion' },
      ],
      ['bad task id', () => tasks.approve(admin, ''), { code: 'VALIDATION', message: 'Invalid task id: (input)' }],
      ['bad task id to show', () => tasks.get(u, ''), { code: 'VALIDATION', message: 'Invalid task id: (input)' }],
      [
        'bad rejection',
        () => tasks.reject(admin, claimed.id, { reason: '' }),
        { code: 'VALIDATION', message: 'Invalid rejection: reason' },
      ],
      [
        'bad task query',
        () => tasks.listMine(u, { status: 'lost' as never }),
        { code: 'VALIDATION', message: 'Invalid task query: status' },
      ],
      [
        'bad review query',
        () => tasks.listForReview(admin, { limit: 0 }),
        { code: 'VALIDATION', message: 'Invalid review query: limit' },
      ],
      [
        'claimed task to reject',
        () => tasks.reject(admin, claimed.id, { reason: 'No' }),
        {
          code: 'CONFLICT',
          message: 'A claimed task cannot become rejected',
          details: { status: 'claimed', allowedFrom: ['submitted'] },
        },
      ],
      [
        'no proof yet',
        () => tasks.readProof(u, claimed.id),
        { code: 'NOT_FOUND', message: 'No proof was submitted for this task', details: undefined },
      ],
    ]);
  });

  it('takes every status as a filter', async () => {
    const { w, admin, u } = await listed();
    const { tasks } = w.services;
    const byStatus: Record<string, string> = {};
    for (const [i, status] of (['claimed', 'submitted', 'approved', 'rejected'] as const).entries()) {
      const task = await tasks.claim(u, await w.app(admin));
      if (status !== 'claimed') await tasks.submitProof(u, task.id, shot(20 + i));
      if (status === 'approved') await tasks.approve(admin, task.id);
      if (status === 'rejected') await tasks.reject(admin, task.id, { reason: 'Blurry' });
      byStatus[status] = task.id;
    }
    for (const [status, id] of Object.entries(byStatus)) {
      const s = status as 'claimed';
      expect(
        (await tasks.listMine(u, { status: s })).map((t) => t.id),
        status,
      ).toEqual([id]);
      expect(
        (await tasks.listForReview(admin, { status: s })).items.map((t) => t.id),
        status,
      ).toEqual([id]);
    }
  });

  it('keeps the line breaks of a rejection reason', async () => {
    const { w, admin, u, appId } = await listed();
    const task = await w.services.tasks.claim(u, appId);
    await w.services.tasks.submitProof(u, task.id, shot(6));
    const rejected = await w.services.tasks.reject(admin, task.id, { reason: 'Blurry.\nTake it again.' });
    expect(rejected.reason).toBe('Blurry.\nTake it again.');
  });

  it('writes the award as an award for the approved task', async () => {
    const { w, admin, u, appId } = await listed();
    const task = await w.services.tasks.claim(u, appId);
    await w.services.tasks.submitProof(u, task.id, shot(5));
    const { award } = await w.services.tasks.approve(admin, task.id);
    expect({ kind: award.kind, reason: award.reason, amount: award.amount }).toEqual({
      kind: 'award',
      reason: 'Task approved',
      amount: task.points,
    });
  });

  it('says a refused award key is an award made already, keeping the cause', async () => {
    const base = memoryRepositories();
    const refusal = new TickworkError('CONFLICT', 'duplicate key');
    const repositories: Repositories = {
      ...base,
      tasks: {
        ...base.tasks,
        approve: async () => {
          throw refusal;
        },
      },
    };
    const { w, admin, u, appId } = await listed(repositories);
    const task = await w.services.tasks.claim(u, appId);
    const error = await w.services.tasks.approve(admin, task.id).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFLICT', message: 'This task was awarded already', cause: refusal });
  });
});
