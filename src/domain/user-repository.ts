import type { Role } from './actor.js';
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
}
