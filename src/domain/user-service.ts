import { hash as hashOnce, randomBytes } from 'node:crypto';
import { TickworkError } from '../errors.js';
import { type Actor, type Role, RoleSchema, requireActor, requireAdmin } from './actor.js';
import { isCommonPassword } from './common-passwords.js';
import { rethrowConflict } from './conflict.js';
import type { ServiceContext } from './context.js';
import type { Page } from './ledger-entry.js';
import { hashPassword, passwordProblem, verifyPassword } from './password.js';
import type { TaskStatus } from './task.js';
import { TASK_STATUSES } from './task.js';
import {
  EmailSchema,
  type LoginInput,
  LoginInputSchema,
  type PublicUser,
  type RegisterInput,
  RegisterInputSchema,
  toPublicUser,
  type User,
  type UserListQuery,
  UserListQuerySchema,
} from './user.js';
import { IdSchema, parseInput } from './validation.js';

/** What {@link UserService.login} answers: the bearer token, its expiry and the user. */
export interface LoginResult {
  /** Opaque bearer token (32 random bytes, base64url). Shown once; only its hash is stored. */
  readonly token: string;
  /** When the token stops working. */
  readonly expiresAt: Date;
  /** The signed-in user. */
  readonly user: PublicUser;
}

/** What {@link UserService.profile} answers. */
export interface Profile {
  /** The user. */
  readonly user: PublicUser;
  /** Points balance: the sum of the user's ledger. */
  readonly balance: number;
  /** How many of the user's tasks are in each status. */
  readonly tasks: Readonly<Record<TaskStatus, number>>;
}

/** Accounts, sign-in and roles. */
export interface UserService {
  /**
   * Creates an account with role `user`. Emails are trimmed and lower-cased; `CONFLICT` if taken;
   * `VALIDATION` for a weak password.
   *
   * @example
   * ```ts
   * const user = await services.users.register({ email: 'ann@example.com', password: 'correct horse', name: 'Ann' });
   * ```
   */
  register(input: RegisterInput): Promise<PublicUser>;
  /**
   * Signs in. An unknown email and a wrong password both answer `UNAUTHENTICATED` with the same message, after
   * the same scrypt work, so neither the answer nor its timing tells whether an account exists.
   *
   * @example
   * ```ts
   * const { token, expiresAt, user } = await services.users.login({ email, password });
   * ```
   */
  login(input: LoginInput): Promise<LoginResult>;
  /** Revokes a token; signing out twice is not an error. */
  logout(token: string): Promise<void>;
  /**
   * Turns a bearer token into the acting user for every other call; `UNAUTHENTICATED` when the token is unknown,
   * expired or revoked.
   *
   * @example
   * ```ts
   * const actor = await services.users.authenticate(bearerToken);
   * const apps = await services.apps.list(actor);
   * ```
   */
  authenticate(token: string): Promise<PublicUser>;
  /** The actor's profile: balance and task counts by status. */
  profile(actor: Actor): Promise<Profile>;
  /**
   * Makes sure an admin account exists for `email` (for a server's first start): creates it with this password,
   * or finds the admin created earlier (which keeps its password). Idempotent. An existing account that is not
   * an admin is never promoted (anyone may have registered it): `CONFLICT`.
   */
  bootstrapAdmin(input: RegisterInput): Promise<PublicUser>;
  /** An admin makes another user an admin: `setRole(actor, userId, 'admin')`. */
  promote(actor: Actor, userId: string): Promise<PublicUser>;
  /**
   * An admin sets a user's role (`FORBIDDEN` for anyone else). Setting the role a user has is a no-op. Taking
   * admin away from the last admin, yourself included, is `CONFLICT` with `details.reason: 'last_admin'`: the
   * check and the change are one transaction that holds the admins' rows, so concurrent demotions cannot leave
   * no admin.
   *
   * @example
   * ```ts
   * await services.users.setRole(admin, userId, 'admin'); // promote
   * await services.users.setRole(admin, userId, 'user'); // demote (never the last admin)
   * ```
   */
  setRole(actor: Actor, userId: string, role: Role): Promise<PublicUser>;
  /**
   * Admins page through the accounts, ordered by email, optionally those whose name or email contains `search`.
   *
   * @example
   * ```ts
   * const { items, nextOffset } = await services.users.list(admin, { search: 'ann', limit: 20 });
   * ```
   */
  list(actor: Actor, query?: UserListQuery): Promise<Page<PublicUser>>;
  /**
   * Deletes every expired session and resolves how many; a maintenance call for a scheduled job (expired
   * tokens are refused either way).
   *
   * @example
   * ```ts
   * scheduler.add({ name: 'purge-sessions', cron: '0 * * * *', run: () => services.users.purgeExpiredSessions() });
   * ```
   */
  purgeExpiredSessions(): Promise<number>;
}

/** A token as sessions are looked up by: a string of 1 to 200 characters (checked by hand: every request asks). */
const isToken = (token: unknown): token is string =>
  typeof token === 'string' && token.length >= 1 && token.length <= 200;
// crypto.hash, one call: every authenticated request hashes its token, and a Hash object per call costs more.
const hashToken = (token: string) => hashOnce('sha256', token, 'hex');
const invalidLogin = () => new TickworkError('UNAUTHENTICATED', 'Email or password is wrong');

/** @internal */
export function createUserService(ctx: ServiceContext): UserService {
  const { repositories: repos } = ctx;
  // Unknown emails are checked against this hash (random salt and key, current parameters), so they cost the
  // same scrypt work as a wrong password without ever computing a hash up front.
  const p = ctx.scrypt;
  const dummyHash = `scrypt$${p.N}$${p.r}$${p.p}$${randomBytes(16).toString('base64url')}$${randomBytes(32).toString('base64url')}`;

  async function newUser(input: RegisterInput, role: User['role']): Promise<User> {
    const data = parseInput(RegisterInputSchema, input, 'registration');
    const problem =
      passwordProblem(data.password, data.email, ctx.minPasswordLength) ??
      ((await isCommonPassword(data.password))
        ? 'Password is too common; choose one that is not on lists of breached passwords'
        : undefined);
    if (problem) {
      throw new TickworkError('VALIDATION', problem, {
        details: { fields: [{ path: 'password', message: problem, code: 'password_policy' }] },
      });
    }
    const now = ctx.now();
    return {
      id: ctx.ids(),
      email: data.email,
      name: data.name,
      role,
      passwordHash: await hashPassword(data.password, ctx.scrypt),
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
  }

  async function insertUser(user: User): Promise<PublicUser> {
    await repos.users.insert(user).catch(rethrowConflict('An account with this email exists', { field: 'email' }));
    ctx.publish({ type: 'user:registered', userId: user.id });
    return toPublicUser(user);
  }

  const lastAdmin = (id: string) =>
    new TickworkError('CONFLICT', 'This is the last admin; make another user an admin first', {
      details: { reason: 'last_admin', id },
    });

  /** The role change as one transaction: read, check the last-admin rule with the admins held, write. */
  async function changeRole(id: string, role: Role): Promise<{ user: User; changed: boolean }> {
    return repos.transaction(async (tx) => {
      const user = await tx.users.findById(id);
      if (!user) throw new TickworkError('NOT_FOUND', 'User not found', { details: { id } });
      if (user.role === role) return { user, changed: false };
      if (user.role === 'admin' && (await tx.users.lockAdmins()) <= 1) throw lastAdmin(id);
      // Inside the transaction the version cannot have moved unless another writer got the row first.
      const updated = await tx.users.setRole(id, role, user.version, ctx.now());
      if (!updated) throw new TickworkError('CONFLICT', 'The user changed meanwhile; try again', { details: { id } });
      return { user: updated, changed: true };
    });
  }

  async function setRole(actor: Actor, userId: string, role: Role): Promise<PublicUser> {
    const admin = requireAdmin(actor);
    const id = parseInput(IdSchema, userId, 'user id');
    const to = parseInput(RoleSchema, role, 'role');
    const { user, changed } = await changeRole(id, to);
    // After the commit: a refused or rolled-back change publishes nothing.
    if (changed) {
      ctx.publish(
        to === 'admin'
          ? { type: 'user:promoted', userId: id, actorId: admin.id }
          : { type: 'user:demoted', userId: id, actorId: admin.id, role: to },
      );
    }
    return toPublicUser(user);
  }

  // Registration is open, so an account under the admin's email may belong to anyone who registered it first:
  // promoting it would hand admin to them. Only an account created as admin counts.
  function existingAdmin(user: User): PublicUser {
    if (user.role === 'admin') return toPublicUser(user);
    throw new TickworkError(
      'CONFLICT',
      `An account with email ${user.email} exists and is not an admin; it is not promoted. Remove or rename that account, or choose another admin email`,
      { details: { field: 'email', email: user.email, role: user.role } },
    );
  }

  return {
    async register(input) {
      return insertUser(await newUser(input, 'user'));
    },

    async login(input) {
      const data = parseInput(LoginInputSchema, input, 'login');
      const email = EmailSchema.safeParse(data.email);
      const user = email.success ? await repos.users.findByEmail(email.data) : undefined;
      if (!user) {
        await verifyPassword(data.password, dummyHash);
        throw invalidLogin();
      }
      if (!(await verifyPassword(data.password, user.passwordHash))) throw invalidLogin();
      const token = randomBytes(32).toString('base64url');
      const createdAt = ctx.now();
      const expiresAt = new Date(createdAt.getTime() + ctx.sessionTtl);
      await repos.sessions.insert({ tokenHash: hashToken(token), userId: user.id, createdAt, expiresAt });
      return { token, expiresAt, user: toPublicUser(user) };
    },

    async logout(token) {
      if (isToken(token)) await repos.sessions.delete(hashToken(token));
    },

    async authenticate(token) {
      if (!isToken(token)) throw new TickworkError('UNAUTHENTICATED', 'Sign in first');
      const hash = hashToken(token);
      const session = await repos.sessions.findByHash(hash);
      if (!session) throw new TickworkError('UNAUTHENTICATED', 'Session is unknown or signed out');
      if (session.expiresAt.getTime() <= ctx.clock.now()) {
        await repos.sessions.delete(hash);
        throw new TickworkError('UNAUTHENTICATED', 'Session expired; sign in again');
      }
      const user = await repos.users.findById(session.userId);
      if (!user) throw new TickworkError('UNAUTHENTICATED', 'Session is unknown or signed out');
      return toPublicUser(user);
    },

    async profile(actor) {
      const { id } = requireActor(actor);
      const user = await repos.users.findById(id);
      if (!user) throw new TickworkError('NOT_FOUND', 'User not found', { details: { id } });
      const [balance, counts] = await Promise.all([repos.ledger.balance(id), repos.tasks.countByStatus(id)]);
      const tasks = Object.fromEntries(TASK_STATUSES.map((s) => [s, counts[s] ?? 0])) as Record<TaskStatus, number>;
      return { user: toPublicUser(user), balance, tasks };
    },

    async bootstrapAdmin(input) {
      const candidate = await newUser(input, 'admin');
      const existing = await repos.users.findByEmail(candidate.email);
      if (existing) return existingAdmin(existing);
      try {
        return await insertUser(candidate);
      } catch (error) {
        // Two processes bootstrapping at once: the loser finds the admin the winner created.
        const raced = await repos.users.findByEmail(candidate.email);
        if (raced) return existingAdmin(raced);
        throw error;
      }
    },

    purgeExpiredSessions() {
      return repos.sessions.deleteExpired(ctx.now());
    },

    promote(actor, userId) {
      return setRole(actor, userId, 'admin');
    },

    setRole,

    async list(actor, query = {}) {
      requireAdmin(actor);
      const { search, limit, offset } = parseInput(UserListQuerySchema, query, 'user query');
      // One extra row tells whether another page exists.
      const rows = await repos.users.list({ search: search || undefined, limit: limit + 1, offset });
      return { items: rows.slice(0, limit).map(toPublicUser), nextOffset: rows.length > limit ? offset + limit : null };
    },
  };
}
