import { z } from 'zod';
import type { Role } from './actor.js';
import { RoleSchema } from './actor.js';
import type { PageRequest } from './ledger-entry.js';
import { PAGE_FIELDS, plainText } from './validation.js';

/** A stored user, including the password hash (services never return it: see {@link PublicUser}). */
export interface User {
  /** Opaque id. */
  readonly id: string;
  /** Normalised email (trimmed, lower-case), unique. */
  readonly email: string;
  /** Display name. */
  readonly name: string;
  /** `admin` or `user`. */
  readonly role: Role;
  /** `scrypt$N$r$p$salt$key`: the parameters travel with the hash, so they can be raised later. */
  readonly passwordHash: string;
  /** When the account was created. */
  readonly createdAt: Date;
  /** When the account last changed. */
  readonly updatedAt: Date;
  /** Bumped by every change; updates compare it. */
  readonly version: number;
}

/** A user as services return it: everything but the password hash. */
export type PublicUser = Omit<User, 'passwordHash'>;

/**
 * An email address, trimmed and lower-cased so one mailbox is one account.
 *
 * @example
 * ```ts
 * import { EmailSchema } from 'tickwork';
 *
 * EmailSchema.parse(' Ann@Example.COM '); // 'ann@example.com'
 * ```
 */
export const EmailSchema: z.ZodType<string, string> = plainText()
  .trim()
  .max(254)
  .transform((s) => s.normalize('NFC').toLowerCase())
  .pipe(z.email());

/**
 * The shape of a stored {@link User}.
 *
 * @example
 * ```ts
 * import { UserSchema } from 'tickwork';
 *
 * // Check a row read from elsewhere (a cache, an export) before trusting it as a User.
 * UserSchema.safeParse(JSON.parse('{"id":"u1","email":"ann@example.com"}')).success; // false: fields missing
 * ```
 */
export const UserSchema: z.ZodType<User> = z.strictObject({
  id: z.string().min(1),
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
  passwordHash: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
  version: z.number().int(),
});

/** Drops the password hash. */
export function toPublicUser(user: User): PublicUser {
  const { passwordHash: _, ...rest } = user;
  return rest;
}

/**
 * The longest password accepted, in characters (the shortest is the services' `minPasswordLength`).
 *
 * @example
 * ```ts
 * import { MAX_PASSWORD_LENGTH } from 'tickwork';
 *
 * const input = { type: 'password', maxLength: MAX_PASSWORD_LENGTH }; // a sign-up form's password field
 * ```
 */
export const MAX_PASSWORD_LENGTH = 200;

/** Input of {@link UserService.register} and {@link UserService.bootstrapAdmin}. */
export interface RegisterInput {
  /** Email; trimmed and lower-cased before use. */
  readonly email: string;
  /** Password: at least 10 characters (configurable), at most 200, not one repeated character, not the email. */
  readonly password: string;
  /** Display name, 1–100 characters. */
  readonly name: string;
}

/**
 * Validates {@link RegisterInput}; unknown fields are rejected.
 *
 * @example
 * ```ts
 * import { RegisterInputSchema } from 'tickwork';
 *
 * RegisterInputSchema.parse({ email: 'ann@example.com', password: 'correct horse', name: 'Ann' });
 * RegisterInputSchema.safeParse({ email: 'ann@example.com', password: 'correct horse', name: 'Ann', role: 'admin' })
 *   .success; // false: a user cannot register as admin
 * ```
 */
export const RegisterInputSchema: z.ZodType<RegisterInput, RegisterInput> = z.strictObject({
  email: EmailSchema,
  password: plainText().max(MAX_PASSWORD_LENGTH),
  name: plainText().trim().min(1).max(100),
});

/** Input of {@link UserService.login}. */
export interface LoginInput {
  /** Email as typed; normalised like at registration. */
  readonly email: string;
  /** Password. */
  readonly password: string;
}

/**
 * Validates {@link LoginInput}; unknown fields are rejected.
 *
 * @example
 * ```ts
 * import { LoginInputSchema } from 'tickwork';
 *
 * const login = LoginInputSchema.parse({ email: 'ann@example.com', password: 'correct horse' });
 * ```
 */
export const LoginInputSchema: z.ZodType<LoginInput, LoginInput> = z.strictObject({
  email: plainText().max(1000),
  password: plainText().max(1000),
});

/** What {@link UserService.list} takes. */
export interface UserListQuery {
  /** Text the name or email must contain, case-insensitively (at most 100 characters). @default every user */
  readonly search?: string;
  /** Page size, 1–200 (a number or a decimal string). @default 50 */
  readonly limit?: number | string;
  /** Users to skip, 0–10^9 (a number or a decimal string). @default 0 */
  readonly offset?: number | string;
}

/**
 * Validates {@link UserListQuery} and fills in its page defaults; unknown fields are rejected.
 *
 * @example
 * ```ts
 * import { UserListQuerySchema } from 'tickwork';
 *
 * UserListQuerySchema.parse({ search: ' ann ' }); // { search: 'ann', limit: 50, offset: 0 }
 * ```
 */
export const UserListQuerySchema: z.ZodType<PageRequest & Pick<UserListQuery, 'search'>, UserListQuery> =
  z.strictObject({
    search: plainText().trim().max(100).optional().describe('Text the name or e-mail contains (case-insensitive)'),
    ...PAGE_FIELDS,
  });
