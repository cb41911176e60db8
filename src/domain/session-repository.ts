import type { Session } from './session.js';

/** Storage of sessions, keyed by the SHA-256 of their token. */
export interface SessionRepository {
  /** Stores a session; `CONFLICT` if the hash exists (a 256-bit token never repeats in practice). */
  insert(session: Session): Promise<void>;
  /** The session with this token hash. */
  findByHash(tokenHash: string): Promise<Session | undefined>;
  /** Deletes one session; resolves whether it existed. */
  delete(tokenHash: string): Promise<boolean>;
  /** Deletes every session that expired at or before `now`; resolves how many. */
  deleteExpired(now: Date): Promise<number>;
}
