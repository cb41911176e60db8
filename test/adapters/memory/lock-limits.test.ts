/**
 * The memory lock at its limits, on an injected clock (the conformance suite runs on wall time and cannot
 * aim at a millisecond): every expiry exactly at its instant (lease, marker, running slot, member), the
 * `early` and `maxLateMs` bounds to the millisecond, the waits it tells a refused acquirer, the cursor and
 * high-water mark at the epoch and when a tick is taken over behind a newer one, the running slot kept by a
 * renewal and dropped only by its own holder, paused refusals of catch-up ticks, reads of a job it never saw,
 * and calls on a tick whose lease is gone.
 */
import { describe, expect, it } from 'vitest';
import { memoryLock } from '../../../adapters/memory/lock.js';
import type { AcquireRequest, AcquireResult, LockAdapter } from '../../../src/scheduler/lock-adapter.js';

const JOB = 'j';

/** A memory lock on a clock the test moves. */
function setup() {
  let now = 0;
  const lock = memoryLock({ clock: { now: () => now } });
  return {
    lock,
    at: (ms: number) => {
      now = ms;
    },
  };
}

let tokens = 0;
/** A scheduled acquisition of tick `tickMs` with a fresh token; the early guard off unless asked for. */
function req(tickMs: number, over: Partial<AcquireRequest> = {}): AcquireRequest {
  return {
    job: JOB,
    tick: String(tickMs),
    tickMs,
    token: `token-${++tokens}`,
    ttlMs: 1000,
    earlyToleranceMs: null,
    maxLateMs: null,
    kind: 'scheduled',
    exclusive: false,
    atMostOnce: false,
    retentionMs: 10_000,
    ...over,
  };
}

function granted(a: AcquireResult) {
  if (!a.acquired) throw new Error(`expected to acquire, was refused: ${a.reason}`);
  return a;
}

const done = (lock: LockAdapter, r: AcquireRequest, advanceHighWaterMark = true) =>
  lock.complete({
    job: r.job,
    tick: r.tick,
    token: r.token,
    tickMs: r.tickMs,
    outcome: { status: 'succeeded', fence: 1, at: 0 },
    retentionMs: r.retentionMs,
    advanceHighWaterMark,
  });

describe('memoryLock at its limits', () => {
  it('reads its wall time and lease expiry from the injected clock', async () => {
    const { lock, at } = setup();
    at(5_000);
    const a = granted(await lock.acquire(req(5_000)));
    expect(a.serverTime).toBe(5_000);
    expect(a.fence).toBe(5_000_000);
    expect((await lock.state(JOB)).serverTime).toBe(5_000);
    at(5_400);
    expect((await lock.state(JOB, '5000')).tick).toEqual({ status: 'leased', ttlMs: 600 });
  });

  it('a lease ends exactly at its expiry, its claim marker exactly at the retention', async () => {
    const { lock, at } = setup();
    granted(await lock.acquire(req(1000, { ttlMs: 1000, retentionMs: 3000 })));
    at(999);
    expect((await lock.state(JOB, '1000')).tick).toEqual({ status: 'leased', ttlMs: 1 });
    at(1000);
    expect((await lock.state(JOB, '1000')).tick).toEqual({ status: 'claimed' });
    at(2999);
    expect((await lock.state(JOB, '1000')).tick).toEqual({ status: 'claimed' });
    at(3000);
    expect((await lock.state(JOB, '1000')).tick).toEqual({ status: 'free' });
    // Without a tick the answer holds the job's state only.
    expect(await lock.state(JOB)).toEqual({ cursor: 1000, highWaterMark: null, fence: 1, serverTime: 3000 });
  });

  it('status() names each live lease with its time left, an instance without id as empty, and skips expired ticks', async () => {
    const { lock, at } = setup();
    granted(await lock.acquire(req(1000, { ttlMs: 100, retentionMs: 100 })));
    granted(await lock.acquire(req(2000, { ttlMs: 5000, instanceId: 'a' })));
    granted(await lock.acquire(req(3000, { ttlMs: 5000 })));
    at(300);
    const status = await lock.status(JOB);
    expect(status.running).toEqual([
      { tick: '2000', instanceId: 'a', ttlMs: 4700 },
      { tick: '3000', instanceId: '', ttlMs: 4700 },
    ]);
  });

  it('refuses a tick as early only past the tolerance, and says how long until it is due', async () => {
    const { lock, at } = setup();
    at(10_000);
    const early = await lock.acquire(req(11_001, { earlyToleranceMs: 1000 }));
    expect(early).toEqual({ acquired: false, reason: 'early', serverTime: 10_000, retryInMs: 1001 });
    granted(await lock.acquire(req(11_000, { earlyToleranceMs: 1000 })));
  });

  it('refuses a never-claimed tick as stale only when older than maxLateMs', async () => {
    const { lock, at } = setup();
    at(10_000);
    granted(await lock.acquire(req(9_000, { maxLateMs: 1000 })));
    const late = await lock.acquire(req(8_999, { job: 'k', maxLateMs: 1000 }));
    expect(late).toMatchObject({ acquired: false, reason: 'stale' });
  });

  it('treats a tick at the epoch like any other: no cursor is no cursor, not 0', async () => {
    const { lock } = setup();
    const first = req(0);
    granted(await lock.acquire(first));
    expect((await lock.state(JOB)).cursor).toBe(0);
    await done(lock, first);
    expect((await lock.state(JOB)).highWaterMark).toBe(0);
    // Paused before any claim, the first refusal of tick 0 comes first and moves the cursor.
    await lock.setPaused('k', true);
    expect(await lock.acquire(req(0, { job: 'k' }))).toMatchObject({ reason: 'paused', first: true });
    expect((await lock.state('k')).cursor).toBe(0);
  });

  it('a tick taken over behind a newer one leaves the cursor where it is', async () => {
    const { lock, at } = setup();
    granted(await lock.acquire(req(1000, { ttlMs: 100 })));
    granted(await lock.acquire(req(5000)));
    at(200);
    // The holder of tick 1000 died: its claim lets another instance take it over, after tick 5000.
    expect(granted(await lock.acquire(req(1000))).takeover).toBe(true);
    expect((await lock.state(JOB)).cursor).toBe(5000);
  });

  it('moves the high-water mark forwards on every completion, not only the first', async () => {
    const { lock } = setup();
    const a = req(1000);
    const b = req(2000);
    granted(await lock.acquire(a));
    granted(await lock.acquire(b));
    await done(lock, a);
    await done(lock, b);
    expect((await lock.state(JOB)).highWaterMark).toBe(2000);
  });

  it('a paused catch-up tick is refused without coming first: only a scheduled refusal moves the cursor', async () => {
    const { lock } = setup();
    await lock.setPaused(JOB, true);
    expect(await lock.acquire(req(1000, { kind: 'catch-up' }))).toMatchObject({ reason: 'paused', first: false });
    expect((await lock.state(JOB)).cursor).toBe(null);
    expect(await lock.acquire(req(2000))).toMatchObject({ reason: 'paused', first: true });
    expect(await lock.acquire(req(3000, { kind: 'catch-up' }))).toMatchObject({ reason: 'paused', first: false });
    expect((await lock.state(JOB)).cursor).toBe(2000);
  });

  it('an exclusive job’s running slot ends exactly at ttl + grace; the overlap refusal says how long is left', async () => {
    const { lock, at } = setup();
    granted(await lock.acquire(req(1000, { exclusive: true, ttlMs: 1000 })));
    // The tick's lease ended at 1000; the slot lasts the takeover grace longer, min(ttl, 1 s).
    at(1500);
    expect(await lock.acquire(req(2000, { exclusive: true }))).toEqual({
      acquired: false,
      reason: 'overlap',
      serverTime: 1500,
      retryInMs: 500,
    });
    at(2000);
    granted(await lock.acquire(req(2000, { exclusive: true })));
  });

  it('a renewal keeps the running slot ttl + grace past the renewal', async () => {
    const { lock, at } = setup();
    const a = req(1000, { exclusive: true, ttlMs: 1000 });
    granted(await lock.acquire(a));
    at(900);
    expect(await lock.renew({ job: JOB, tick: a.tick, token: a.token, ttlMs: 1000 })).toBe(true);
    // Slot until 900 + 1000 + 1000.
    at(2500);
    expect(await lock.acquire(req(2000, { exclusive: true }))).toMatchObject({ reason: 'overlap', retryInMs: 400 });
    at(2900);
    granted(await lock.acquire(req(2000, { exclusive: true })));
  });

  it('the running slot is dropped only by its own holder’s completion or release', async () => {
    const { lock } = setup();
    granted(await lock.acquire(req(1000, { exclusive: true })));
    // A manual run beside it, not exclusive: finishing it leaves the exclusive tick's slot alone.
    const manual = req(0, { tick: 'manual-1', kind: 'manual' });
    granted(await lock.acquire(manual));
    await done(lock, manual, false);
    const other = req(0, { tick: 'manual-2', kind: 'manual' });
    granted(await lock.acquire(other));
    await lock.release(other);
    expect(await lock.acquire(req(2000, { exclusive: true }))).toMatchObject({ reason: 'overlap' });
  });

  it('renew, complete and release of a tick whose lease is gone, or that it never saw, answer false', async () => {
    const { lock } = setup();
    const a = req(1000);
    granted(await lock.acquire(a));
    await done(lock, a);
    const ref = { job: JOB, tick: a.tick, token: a.token };
    // The tick holds a done marker and no lease.
    expect(await lock.renew({ ...ref, ttlMs: 1000 })).toBe(false);
    expect(await lock.release(ref)).toBe(false);
    expect(await done(lock, a)).toBe(false);
    // A tick, or a job, it never saw.
    expect(await lock.renew({ ...ref, tick: '2000', ttlMs: 1000 })).toBe(false);
    expect(await lock.renew({ ...ref, job: 'unknown', ttlMs: 1000 })).toBe(false);
    expect(await lock.release({ ...ref, job: 'unknown' })).toBe(false);
  });

  it('poll() of a paused job says so; of a job it never saw, not paused and nothing queued', async () => {
    const { lock } = setup();
    expect(await lock.poll('unknown')).toEqual({ paused: false, request: null });
    await lock.setPaused(JOB, true);
    expect(await lock.poll(JOB)).toEqual({ paused: true, request: null });
  });

  it('drops a member exactly when its heartbeat’s TTL is over', async () => {
    const { lock, at } = setup();
    await lock.members?.({ job: JOB, instanceId: 'a', ttlMs: 1000 });
    at(999);
    expect((await lock.members?.({ job: JOB, instanceId: 'b', ttlMs: 1000 }))?.members).toEqual(['a', 'b']);
    at(1000);
    expect((await lock.members?.({ job: JOB, instanceId: 'b', ttlMs: 1000 }))?.members).toEqual(['b']);
  });
});
