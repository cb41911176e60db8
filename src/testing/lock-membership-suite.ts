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

  it('drops a member once its heartbeat is older than its TTL, and keeps one that beats again', async (ctx) => {
    const lock = await makeLock();
    if (!lock.members) return ctx.skip();
    const j = job();
    await lock.members({ job: j, instanceId: 'gone', ttlMs: 150 });
    await lock.members({ job: j, instanceId: 'kept', ttlMs: 150 });
    await sleep(100);
    expect(sorted((await lock.members({ job: j, instanceId: 'kept', ttlMs: 150 })).members)).toEqual(['gone', 'kept']);
    await sleep(120);
    // `gone` beat 220 ms ago with a 150 ms TTL; `kept` 120 ms ago.
    expect((await lock.members({ job: j, instanceId: 'other', ttlMs: 10_000 })).members.includes('gone')).toBe(false);
    expect(sorted((await lock.members({ job: j, instanceId: 'kept', ttlMs: 150 })).members)).toEqual(['kept', 'other']);
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
}
