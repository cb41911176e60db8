import type { Role } from './actor.js';
import type { PageRequest } from './ledger-entry.js';
import type { User } from './user.js';

/** Storage of users. Implementations return copies, never live objects. */
export interface UserRepository {
  /** Stores a new user; `CONFLICT` when the id or the email is taken. */
  insert(user: User): Promise<void>;
  /** The user with this id. */
  findById(id: string): Promise<User | undefined>;
  /** The user with this (already normalised) email. */
  findByEmail(email: string): Promise<User | undefined>;
  /**
   * Sets the role if the user is still at `expectedVersion`, bumping the version; returns the updated user,
   * or `undefined` when the user is missing or changed meanwhile.
   */
  setRole(id: string, role: Role, expectedVersion: number, now: Date): Promise<User | undefined>;
  /**
   * A page of users ordered by email: all of them, or those whose name or email contains `search` (compared
   * case-insensitively, `%` and `_` taken literally).
   */
  list(query: UserQuery): Promise<User[]>;
  /**
   * How many admins there are. Inside a transaction it also holds the admins' rows until the transaction ends,
   * so two concurrent demotions cannot both see a second admin and leave none.
   */
  lockAdmins(): Promise<number>;
}

/** What {@link UserRepository.list} is asked for. */
export interface UserQuery extends PageRequest {
  /** Text the name or the email must contain (already trimmed; empty or absent: every user). */
  readonly search?: string | undefined;
}
