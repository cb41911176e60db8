/**
 * The `LockAdapter` conformance suite. Every adapter runs it unchanged (memory in-process, Redis on a real
 * server), so the memory adapter stays the reference for the state machine.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import type { AcquireRequest, LockAdapter } from '../../src/scheduler/lock-adapter.js';

/** Builds one lock adapter per test; may share a server, the suite isolates jobs by random names. */
export type LockFactory = () => LockAdapter | Promise<LockAdapter>;

const outcome = (fence: number) => ({ status: 'succeeded' as const, fence, at: Date.now() });

/** Registers the conformance tests for one adapter (call inside a `describe`). */
export function lockConformance(makeLock: LockFactory): void {
  const job = () => `job-${randomUUID().slice(0, 8)}`;
  const req = (over: Partial<AcquireRequest> & { job: string }): AcquireRequest => ({
    tick: '1000',
    tickMs: 1000,
    token: randomUUID(),
    ttlMs: 5000,
    earlyToleranceMs: 1000,
    exclusive: false,
    atMostOnce: false,
    retentionMs: 60_000,
    ...over,
  });
  const complete = (lock: LockAdapter, r: AcquireRequest, fence: number, advance = true) =>
    lock.complete({
      job: r.job,
      tick: r.tick,
      token: r.token,
      tickMs: r.tickMs,
      outcome: outcome(fence),
      retentionMs: r.retentionMs,
      advanceHighWaterMark: advance,
    });

  it('gives a tick to one holder; a second acquirer is told it is held and for how long', async () => {
    const lock = await makeLock();
    const j = job();
    const a = await lock.acquire(req({ job: j }));
    const b = await lock.acquire(req({ job: j }));
    expect(a.acquired).toBe(true);
    expect(b).toMatchObject({ acquired: false, reason: 'held' });
    if (!b.acquired) expect(b.retryInMs).toBeGreaterThan(0);
    if (!b.acquired) expect(b.retryInMs).toBeLessThanOrEqual(5000);
  });

  it('issues strictly increasing fences per job, across ticks and takeovers', async () => {
    const lock = await makeLock();
    const j = job();
    const fences: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = req({ job: j, tick: String(i), tickMs: i });
      const a = await lock.acquire(r);
      if (!a.acquired) throw new Error('expected to acquire');
      fences.push(a.fence);
      if (i % 2 === 0) await complete(lock, r, a.fence);
      else await lock.release(r);
    }
    const again = await lock.acquire(req({ job: j, tick: '1', tickMs: 1 }));
    if (!again.acquired) throw new Error('expected to acquire a released tick');
    fences.push(again.fence);
    for (let i = 1; i < fences.length; i++) expect(fences[i]).toBeGreaterThan(fences[i - 1] ?? Infinity);
    expect((await lock.state(j)).fence).toBe(fences.at(-1));
  });

  it('never hands out a completed tick again, to anyone', async () => {
    const lock = await makeLock();
    const j = job();
    const r = req({ job: j });
    const a = await lock.acquire(r);
    if (!a.acquired) throw new Error('expected to acquire');
    expect(await complete(lock, r, a.fence)).toBe(true);
    expect(await lock.acquire(req({ job: j }))).toMatchObject({ acquired: false, reason: 'done' });
    expect(await lock.acquire(r)).toMatchObject({ acquired: false, reason: 'done' });
    expect((await lock.state(j, r.tick)).tick).toMatchObject({ status: 'done', outcome: { status: 'succeeded' } });
  });

  it('checks the token on renew, complete and release', async () => {
    const lock = await makeLock();
    const j = job();
    const r = req({ job: j });
    const a = await lock.acquire(r);
    if (!a.acquired) throw new Error('expected to acquire');
    const other = { job: j, tick: r.tick, token: randomUUID() };
    expect(await lock.renew({ ...other, ttlMs: 5000 })).toBe(false);
    expect(await lock.release(other)).toBe(false);
    expect(await complete(lock, { ...r, token: other.token }, 99)).toBe(false);
    expect((await lock.state(j, r.tick)).tick?.status).toBe('leased');
    expect(await lock.renew({ job: j, tick: r.tick, token: r.token, ttlMs: 5000 })).toBe(true);
    expect(await lock.release(r)).toBe(true);
    expect((await lock.state(j, r.tick)).tick).toEqual({ status: 'free' });
  });

  it('lets a lease expire; the old holder can then neither renew, complete nor release', async () => {
    const lock = await makeLock();
    const j = job();
    const old = req({ job: j, ttlMs: 60 });
    const a = await lock.acquire(old);
    if (!a.acquired) throw new Error('expected to acquire');
    await sleep(150);
    const next = req({ job: j });
    const b = await lock.acquire(next);
    if (!b.acquired) throw new Error('expected a takeover after expiry');
    expect(b.fence).toBeGreaterThan(a.fence);
    expect(await lock.renew({ job: j, tick: old.tick, token: old.token, ttlMs: 5000 })).toBe(false);
    expect(await complete(lock, old, a.fence)).toBe(false);
    expect(await lock.release(old)).toBe(false);
    expect((await lock.state(j, old.tick)).tick?.status).toBe('leased');
  });

  it('keeps a renewed lease alive past its first ttl', async () => {
    const lock = await makeLock();
    const j = job();
    const r = req({ job: j, ttlMs: 100 });
    expect((await lock.acquire(r)).acquired).toBe(true);
    await sleep(50);
    expect(await lock.renew({ job: j, tick: r.tick, token: r.token, ttlMs: 400 })).toBe(true);
    await sleep(120);
    expect(await lock.acquire(req({ job: j }))).toMatchObject({ acquired: false, reason: 'held' });
  });

  it('refuses a tick that is early by its own clock, unless the guard is off', async () => {
    const lock = await makeLock();
    const j = job();
    const future = Date.now() + 60_000;
    const early = await lock.acquire(req({ job: j, tick: String(future), tickMs: future }));
    expect(early).toMatchObject({ acquired: false, reason: 'early' });
    if (!early.acquired) {
      expect(Math.abs(early.serverTime - Date.now())).toBeLessThan(5000);
      expect(early.retryInMs).toBeGreaterThan(50_000);
    }
    const off = await lock.acquire(req({ job: j, tick: String(future), tickMs: future, earlyToleranceMs: null }));
    expect(off.acquired).toBe(true);
  });

  it('with exclusive, refuses another tick of the job while one runs, and frees it on complete', async () => {
    const lock = await makeLock();
    const j = job();
    const first = req({ job: j, tick: '1', tickMs: 1, exclusive: true });
    const a = await lock.acquire(first);
    if (!a.acquired) throw new Error('expected to acquire');
    const second = req({ job: j, tick: '2', tickMs: 2, exclusive: true });
    expect(await lock.acquire(second)).toMatchObject({ acquired: false, reason: 'overlap' });
    expect((await lock.acquire(req({ job: j, tick: '3', tickMs: 3 }))).acquired).toBe(true);
    expect(await complete(lock, first, a.fence)).toBe(true);
    expect((await lock.acquire(second)).acquired).toBe(true);
  });

  it('at most once: a started tick is never handed out again, even after release or expiry', async () => {
    const lock = await makeLock();
    const j = job();
    const r = req({ job: j, atMostOnce: true, ttlMs: 60 });
    expect((await lock.acquire(r)).acquired).toBe(true);
    expect(await lock.release(r)).toBe(true);
    expect(await lock.acquire(req({ job: j, atMostOnce: true }))).toMatchObject({ acquired: false, reason: 'started' });
    expect((await lock.state(j, r.tick)).tick).toEqual({ status: 'started' });
    const s = req({ job: j, tick: '2', tickMs: 2, atMostOnce: true, ttlMs: 60 });
    expect((await lock.acquire(s)).acquired).toBe(true);
    await sleep(150);
    expect(await lock.acquire(req({ job: j, tick: '2', tickMs: 2 }))).toMatchObject({
      acquired: false,
      reason: 'started',
    });
  });

  it('advances the high-water mark only forwards and never for manual runs', async () => {
    const lock = await makeLock();
    const j = job();
    expect((await lock.state(j)).highWaterMark).toBeNull();
    for (const [tickMs, advance] of [
      [2000, true],
      [1000, true],
      [9000, false],
    ] as const) {
      const r = req({ job: j, tick: String(tickMs), tickMs });
      const a = await lock.acquire(r);
      if (!a.acquired) throw new Error('expected to acquire');
      await complete(lock, r, a.fence, advance);
    }
    expect((await lock.state(j)).highWaterMark).toBe(2000);
  });

  it('forgets a done marker after its retention', async () => {
    const lock = await makeLock();
    const j = job();
    const r = req({ job: j, retentionMs: 60 });
    const a = await lock.acquire(r);
    if (!a.acquired) throw new Error('expected to acquire');
    await complete(lock, r, a.fence);
    await sleep(150);
    expect((await lock.state(j, r.tick)).tick).toEqual({ status: 'free' });
    expect((await lock.state(j)).highWaterMark).toBe(1000);
  });

  it('under contention, gives each tick to exactly one of many concurrent acquirers', async () => {
    const lock = await makeLock();
    const j = job();
    const winners = new Map<string, number>();
    let counter = 0;
    const worker = async () => {
      for (let t = 0; t < 40; t++) {
        const r = req({ job: j, tick: String(t), tickMs: t, exclusive: true });
        const a = await lock.acquire(r);
        if (!a.acquired) continue;
        winners.set(r.tick, (winners.get(r.tick) ?? 0) + 1);
        // A plain read-modify-write: any overlap between two holders would lose an update.
        const seen = counter;
        await sleep(1);
        counter = seen + 1;
        await complete(lock, r, a.fence);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect([...winners.values()].every((n) => n === 1)).toBe(true);
    expect(counter).toBe(winners.size);
  });
}
