/**
 * The membership part of the `LockAdapter` conformance suite (bounded attempts): heartbeats judged on the
 * lock's clock, per job, expiring after their TTL. Registered by `lockConformance`; skipped for an adapter
 * without the optional `members` extension.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import type { LockAdapter } from '../scheduler/lock-adapter.js';

/** Builds one lock adapter per test. */
export type MembershipLockFactory = () => LockAdapter | Promise<LockAdapter>;

/** Registers the membership conformance tests (called by `lockConformance`). */
export function lockMembershipConformance(makeLock: MembershipLockFactory): void {
  const job = () => `members-${randomUUID().slice(0, 8)}`;
  const sorted = (ids: readonly string[]) => [...ids].sort();

  it('lists every member whose heartbeat is live, once, per job', async (ctx) => {
    const lock = await makeLock();
    if (!lock.members) return ctx.skip();
    const [a, b] = [job(), job()];
    const first = await lock.members({ job: a, instanceId: 'i-1', ttlMs: 10_000 });
    expect(first.members).toEqual(['i-1']);
    expect(Math.abs(first.serverTime - Date.now())).toBeLessThan(5000);
    await lock.members({ job: a, instanceId: 'i-2', ttlMs: 10_000 });
    await lock.members({ job: b, instanceId: 'i-3', ttlMs: 10_000 });
    const again = await lock.members({ job: a, instanceId: 'i-1', ttlMs: 10_000 });
    expect(sorted(again.members)).toEqual(['i-1', 'i-2']);
    expect((await lock.members({ job: b, instanceId: 'i-3', ttlMs: 10_000 })).members).toEqual(['i-3']);
  });

  it('drops a member once its heartbeat is older than its TTL, and keeps one whose TTL is not over', async (ctx) => {
    const lock = await makeLock();
    if (!lock.members) return ctx.skip();
    const j = job();
    await lock.members({ job: j, instanceId: 'kept', ttlMs: 60_000 });
    const both = await lock.members({ job: j, instanceId: 'gone', ttlMs: 1000 });
    expect(sorted(both.members)).toEqual(['gone', 'kept']);
    // Waits for the expiry (a condition with a generous bound, not a timing assertion).
    let view = both;
    for (let i = 0; i < 100 && view.members.includes('gone'); i++) {
      await sleep(100);
      view = await lock.members({ job: j, instanceId: 'kept', ttlMs: 60_000 });
    }
    expect(view.members).toEqual(['kept']);
  });

  it('keeps a member with a long TTL beside members with short ones', async (ctx) => {
    const lock = await makeLock();
    if (!lock.members) return ctx.skip();
    const j = job();
    await lock.members({ job: j, instanceId: 'long', ttlMs: 10_000 });
    await lock.members({ job: j, instanceId: 'short', ttlMs: 100 });
    await sleep(250);
    expect((await lock.members({ job: j, instanceId: 'short', ttlMs: 100 })).members.includes('long')).toBe(true);
  });

  it('a heartbeat with a zero TTL leaves at once (an instance whose clock drifted)', async (ctx) => {
    const lock = await makeLock();
    if (!lock.members) return ctx.skip();
    const j = job();
    await lock.members({ job: j, instanceId: 'drifted', ttlMs: 10_000 });
    await lock.members({ job: j, instanceId: 'other', ttlMs: 10_000 });
    // The leaving instance is not in its own answer either: `stop()` leaves this way.
    expect((await lock.members({ job: j, instanceId: 'drifted', ttlMs: 0 })).members).toEqual(['other']);
    await sleep(5);
    expect((await lock.members({ job: j, instanceId: 'other', ttlMs: 10_000 })).members).toEqual(['other']);
  });
}
