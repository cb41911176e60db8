/**
 * Bounded attempts: which instances attempt a tick. Each instance keeps, per job, its last view of the live
 * members (heartbeats judged on the lock's clock) and ranks them by a hash of (member, job key, tick): the
 * first `candidates` attempt at the tick, the next `candidates` check at `tick + wave delay` (a cheap refusal
 * when the tick was claimed, a takeover wait when it is held, the run itself when every candidate died), the
 * rest skip it with reason `delegated`. Every instance computes the same ranking from the same view; views
 * that differ (a member joining or leaving) only add attempts, and the lock still arbitrates each one.
 */
import type { MemberView } from './lock-adapter.js';

/** Bounded-attempt settings of a scheduler, after defaults. */
export interface BoundedAttempts {
  /** Instances that attempt each tick at once. */
  readonly candidates: number;
  /** Milliseconds between two heartbeats of a job. */
  readonly heartbeatMs: number;
  /** How long a heartbeat keeps a member live (and a view valid). */
  readonly ttlMs: number;
  /**
   * Largest difference between this instance's clock and the lock's that still lets it be a member: a
   * candidate must attempt before the second wave, and both before the next tick moves the lock's cursor.
   */
  readonly skewBoundMs: number;
  /**
   * Whether the last heartbeat found this instance's clock within {@link BoundedAttempts.skewBoundMs} of the
   * lock's. Until then (and whenever it drifts out) the instance is no member: others do not rank it, and it
   * attempts every tick itself, as without bounded attempts.
   */
  inSync: boolean;
  /** Each job's last view: its members and the `performance.now()` at which it was read. */
  readonly views: Map<string, { readonly members: readonly string[]; readonly at: number }>;
}

/** What an instance does with one scheduled tick. */
export type Wave = 'now' | 'later' | 'delegated';

/** A 32-bit FNV-1a hash with a murmur3 finaliser (so nearby inputs spread over the whole range). */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Rendezvous rank of `self` among `members` for `key` (0 is first): members ordered by descending hash of
 * (member, key), ties by id. `self` counts as a member even when the view does not list it yet.
 */
export function rankOf(self: string, members: readonly string[], key: string): number {
  const mine = hash32(`${self}\u0000${key}`);
  let rank = 0;
  for (const m of members) {
    if (m === self) continue;
    const h = hash32(`${m}\u0000${key}`);
    if (h > mine || (h === mine && m < self)) rank++;
  }
  return rank;
}

/** Stores a fresh view of a job's members. */
export function keepView(bounded: BoundedAttempts, job: string, view: MemberView): void {
  bounded.views.set(job, { members: [...view.members], at: performance.now() });
}

/**
 * The wave of `self` for a job's tick, or `'now'` when there is no valid view (no membership yet, a lock
 * without the extension, or a view older than the heartbeat TTL because the lock did not answer): without a
 * view an instance attempts, as every instance did before bounded attempts.
 */
export function waveOf(bounded: BoundedAttempts | null, self: string, job: string, key: string): Wave {
  if (!bounded?.inSync) return 'now';
  const view = bounded.views.get(job);
  if (!view || performance.now() - view.at > bounded.ttlMs) return 'now';
  // Fewer other members than candidates: this one is a candidate whatever the hashes say.
  if (view.members.length - (view.members.includes(self) ? 1 : 0) < bounded.candidates) return 'now';
  const rank = rankOf(self, view.members, `${job}\u0000${key}`);
  if (rank < bounded.candidates) return 'now';
  return rank < 2 * bounded.candidates ? 'later' : 'delegated';
}

/** The delay of the second wave: a quarter of the lateness, at most half the job's period. */
export function waveDelayMs(lateness: number, period: number): number {
  return Math.max(0, Math.floor(Math.min(lateness / 4, period / 2)));
}
