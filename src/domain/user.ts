import { z } from 'zod';
import { RoleSchema } from './actor.js';

/** An email address, trimmed and lower-cased so one mailbox is one account. */
export const EmailSchema = z
  .string()
  .trim()
  .max(254)
  .transform((s) => s.normalize('NFC').toLowerCase())
  .pipe(z.email());

/** A stored user, including the password hash (never leaves the service: see {@link PublicUser}). */
export const UserSchema = z.strictObject({
  /** Opaque id. */
  id: z.string().min(1),
  /** Normalised email, unique. */
  email: z.string(),
  /** Display name. */
  name: z.string(),
  /** `admin` or `user`. */
  role: RoleSchema,
  /** `scrypt$N$r$p$salt$hash`: the parameters travel with the hash, so they can be raised later. */
  passwordHash: z.string(),
  /** When the account was created. */
  createdAt: z.date(),
  /** When the account last changed. */
  updatedAt: z.date(),
  /** Bumped by every change; updates compare it. */
  version: z.number().int(),
});

/** A stored user. */
export type User = z.infer<typeof UserSchema>;

/** A user as services return it: everything but the password hash. */
export type PublicUser = Omit<User, 'passwordHash'>;

/** Drops the password hash. */
export function toPublicUser(user: User): PublicUser {
  const { passwordHash: _, ...rest } = user;
  return rest;
}

/** Input of {@link UserService.register}. */
export const RegisterInputSchema = z.strictObject({
  email: EmailSchema,
  password: z.string(),
  name: z.string().trim().min(1).max(100),
});

/** Input of {@link UserService.register}. */
export type RegisterInput = z.input<typeof RegisterInputSchema>;

/** Input of {@link UserService.login}. */
export const LoginInputSchema = z.strictObject({
  email: z.string().max(1000),
  password: z.string().max(1000),
});

/** Input of {@link UserService.login}. */
export type LoginInput = z.input<typeof LoginInputSchema>;
