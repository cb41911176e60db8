import { z } from 'zod';
import { TickworkError } from '../errors.js';
import { parseInput } from './validation.js';

/** A user's role: admins manage apps and review tasks; users claim apps and earn points. */
export type Role = 'admin' | 'user';

/**
 * The two roles.
 *
 * @example
 * ```ts
 * import { RoleSchema } from 'tickwork';
 *
 * RoleSchema.parse('admin'); // 'admin'
 * RoleSchema.safeParse('root').success; // false
 * ```
 */
export const RoleSchema: z.ZodType<Role> = z.enum(['admin', 'user']);

/**
 * The acting user every service call takes: what {@link UserService.authenticate} returns (a `PublicUser`
 * fits). Services trust it as given, so build it only from `authenticate`, never from request input.
 */
export interface Actor {
  /** The user's id. */
  readonly id: string;
  /** The user's role at sign-in time. */
  readonly role: Role;
}

const ActorSchema = z.looseObject({ id: z.string().min(1), role: RoleSchema });

/** Checks the actor's shape; a missing actor is `UNAUTHENTICATED`, not a crash deep inside a service. */
export function requireActor(actor: unknown): Actor {
  if (actor === undefined || actor === null) throw new TickworkError('UNAUTHENTICATED', 'Sign in first');
  // Every service call starts here, so the shape `authenticate` returns is checked by hand; anything else goes
  // through the schema, which accepts exactly the same actors and words the VALIDATION error.
  const { id, role } = actor as Partial<Actor>;
  if (typeof id === 'string' && id.length > 0 && (role === 'admin' || role === 'user')) return { id, role };
  const parsed = parseInput(ActorSchema, actor, 'actor');
  return { id: parsed.id, role: parsed.role };
}

/** Checks the actor is an admin, or throws `FORBIDDEN`. */
export function requireAdmin(actor: unknown): Actor {
  const checked = requireActor(actor);
  if (checked.role !== 'admin') throw new TickworkError('FORBIDDEN', 'Only an admin may do this');
  return checked;
}
