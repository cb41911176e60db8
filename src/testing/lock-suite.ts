/**
 * The `LockAdapter` conformance suite. Every adapter runs it unchanged (memory in-process, Redis and
 * PostgreSQL on real servers), so the memory adapter stays the reference for the state machine.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { AcquireRequest, AcquireResult, HistoryBounds, LockAdapter } from '../scheduler/lock-adapter.js';
import type { MaybePromise } from '../types.js';
import { lockConsoleConformance } from './lock-console-suite.js';
import { lockMembershipConformance } from './lock-membership-suite.js';

/** A lock under test and how to dispose of it. */
export interface LockHandle {
  /** The adapter under test. */
  readonly lock: LockAdapter;
  /** Called when the test that asked for this lock ends (quit a client the factory connected). */
  readonly close?: () => MaybePromise<void>;
}

/**
 * Builds one lock adapter per test, alone or with a `close`, with the given history bounds when the test asks for
 * some (pass them on to the adapter's options). Adapters may share a server: the suite isolates jobs by random
 * names.
 */
export type LockFactory = (bounds?: HistoryBounds) => MaybePromise<LockAdapter | LockHandle>;

/** Options of the named form of {@link lockConformance}. */
export interface LockConformanceOptions {
  /** Timeout of each test in ms, for a lock on a slow network (the longest test waits about 2.5 s). @default vitest's `testTimeout` */
  readonly timeout?: number;
}

/** The factory as the tests call it: the adapter, with its `close` registered for the end of the test. */
function adapterOf(factory: LockFactory): (bounds?: HistoryBounds) => Promise<LockAdapter> {
  return async (bounds) => {
    const made = await factory(bounds);
    if ('acquire' in made) return made;
    const { close } = made;
    if (close) onTestFinished(() => close());
    return made.lock;
  };
}

const outcome = (fence: number) => ({ status: 'succeeded' as const, fence, at: Date.now() });

/**
 * Registers the `LockAdapter` conformance tests inside the current `describe`: one holder per tick, fences
 * that only grow, leases that expire, exclusive and at-most-once jobs, one winner among concurrent acquirers.
 *
 * @example
 * ```ts
 * import { memoryLock } from 'tickwork/memory';
 * import { lockConformance } from 'tickwork/testing';
 * import { describe } from 'vitest';
 *
 * describe('memoryLock', () => {
 *   lockConformance((bounds) => memoryLock(bounds));
 * });
 * ```
 */
export function lockConformance(makeLock: LockFactory): void;
/**
 * Registers the `LockAdapter` conformance tests in a `describe` block of their own, named `name`.
 *
 * @example
 * ```ts
 * import { memoryLock } from 'tickwork/memory';
 * import { lockConformance } from 'tickwork/testing';
 *
 * lockConformance('memoryLock', (bounds) => ({ lock: memoryLock(bounds), close: () => {} }), { timeout: 30_000 });
 * ```
 */
export function lockConformance(name: string, makeLock: LockFactory, options?: LockConformanceOptions): void;
export function lockConformance(
  first: string | LockFactory,
  factory?: LockFactory,
  options: LockConformanceOptions = {},
): void {
  if (typeof first === 'string') {
    if (!factory) throw new TypeError('lockConformance(name, factory): the factory is missing');
    describe(first, { timeout: options.timeout }, () => lockConformance(factory));
    return;
  }
  const makeLock = adapterOf(first);
  const job = () => `job-${randomUUID().slice(0, 8)}`;
  const req = (over: Partial<AcquireRequest> & { job: string }): AcquireRequest => ({
    tick: '1000',
    tickMs: 1000,
    token: randomUUID(),
    ttlMs: 5000,
    earlyToleranceMs: 1000,
    maxLateMs: null,
    kind: 'scheduled',
    exclusive: false,
    atMostOnce: false,
    retentionMs: 60_000,
    ...over,
  });
  lockConsoleConformance(makeLock, req);
  lockMembershipConformance(() => makeLock());
  const at = (j: string, tickMs: number, over: Partial<AcquireRequest> = {}) =>
    req({ job: j, tick: String(tickMs), tickMs, ...over });
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
  const granted = (a: AcquireResult) => {
    if (!a.acquired) throw new Error(`expected to acquire, was refused: ${a.reason}`);
    return a;
  };

  it('gives a tick to one holder; a second acquirer is told it is held and for how long', async () => {
    const lock = await makeLock();
    const j = job();
    const a = await lock.acquire(req({ job: j }));
    const b = await lock.acquire(req({ job: j }));
    expect(a).toMatchObject({ acquired: true, takeover: false });
    expect(b).toMatchObject({ acquired: false, reason: 'held' });
    if (!b.acquired) expect(b.retryInMs).toBeGreaterThan(0);
    if (!b.acquired) expect(b.retryInMs).toBeLessThanOrEqual(5000);
  });

  it('issues strictly increasing fences per job, across ticks and takeovers, derived from the lock clock', async () => {
    const lock = await makeLock();
    const j = job();
    const fences: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = at(j, i);
      const a = granted(await lock.acquire(r));
      fences.push(a.fence);
      // A fence never starts below the lock's clock in microseconds, so it survives a lock that lost its state.
      expect(a.fence).toBeGreaterThanOrEqual(Math.floor(a.serverTime) * 1000);
      if (i % 2 === 0) await complete(lock, r, a.fence);
      else await lock.release(r);
    }
    // A released tick may be taken over (overlap allowed), even behind the cursor.
    const again = granted(await lock.acquire(at(j, 1)));
    expect(again.takeover).toBe(true);
    fences.push(again.fence);
    for (let i = 1; i < fences.length; i++) expect(fences[i]).toBeGreaterThan(fences[i - 1] ?? Infinity);
    expect((await lock.state(j)).fence).toBe(fences.at(-1));
  });

  it('never hands out a completed tick again, to anyone', async () => {
    const lock = await makeLock();
    const j = job();
    const r = req({ job: j });
    const a = granted(await lock.acquire(r));
    expect(await complete(lock, r, a.fence)).toBe(true);
    expect(await lock.acquire(req({ job: j }))).toMatchObject({ acquired: false, reason: 'done' });
    expect(await lock.acquire(r)).toMatchObject({ acquired: false, reason: 'done' });
    expect((await lock.state(j, r.tick)).tick).toMatchObject({ status: 'done', outcome: { status: 'succeeded' } });
  });

  it('refuses a finished tick as stale once its done marker is gone: the cursor decides, not the TTL', async () => {
    const lock = await makeLock();
    const j = job();
    const r = at(j, 5000, { retentionMs: 40, ttlMs: 40 });
    const a = granted(await lock.acquire(r));
    await complete(lock, r, a.fence);
    await sleep(150);
    expect((await lock.state(j, r.tick)).tick).toEqual({ status: 'free' });
    expect(await lock.acquire(at(j, 5000))).toMatchObject({ acquired: false, reason: 'stale' });
    // Any older tick that was never claimed is stale as well: the fleet has passed it.
    expect(await lock.acquire(at(j, 4000))).toMatchObject({ acquired: false, reason: 'stale' });
    expect(granted(await lock.acquire(at(j, 6000))).takeover).toBe(false);
    expect((await lock.state(j)).cursor).toBe(6000);
  });

  it('refuses a never-claimed tick older than maxLateMs by the lock clock; catch-up needs a cursor', async () => {
    const lock = await makeLock();
    const j = job();
    const { serverTime } = await lock.state(j);
    const old = serverTime - 70_000;
    expect(await lock.acquire(at(j, old, { maxLateMs: 2000 }))).toMatchObject({ acquired: false, reason: 'stale' });
    // A catch-up tick is refused while the lock has no cursor: nothing says the fleet did not run it.
    expect(await lock.acquire(at(j, old, { kind: 'catch-up' }))).toMatchObject({ acquired: false, reason: 'stale' });
    const recent = at(j, serverTime - 500, { maxLateMs: 2000 });
    granted(await lock.acquire(recent));
    expect((await lock.state(j)).cursor).toBe(recent.tickMs);
    const j2 = job();
    granted(await lock.acquire(at(j2, old - 10_000, { maxLateMs: null })));
    expect(granted(await lock.acquire(at(j2, old, { kind: 'catch-up' }))).acquired).toBe(true);
  });

  it('manual runs are never judged against the cursor and never move it', async () => {
    const lock = await makeLock();
    const j = job();
    granted(await lock.acquire(at(j, 9000)));
    const manual = req({ job: j, tick: `manual-${randomUUID()}`, tickMs: 1, kind: 'manual', earlyToleranceMs: null });
    granted(await lock.acquire(manual));
    expect((await lock.state(j)).cursor).toBe(9000);
  });

  it('checks the token on renew, complete and release; a released tick stays claimed for a takeover', async () => {
    const lock = await makeLock();
    const j = job();
    const r = req({ job: j });
    const a = granted(await lock.acquire(r));
    const other = { job: j, tick: r.tick, token: randomUUID() };
    expect(await lock.renew({ ...other, ttlMs: 5000 })).toBe(false);
    expect(await lock.release(other)).toBe(false);
    expect(await complete(lock, { ...r, token: other.token }, a.fence + 1)).toBe(false);
    expect((await lock.state(j, r.tick)).tick?.status).toBe('leased');
    expect(await lock.renew({ job: j, tick: r.tick, token: r.token, ttlMs: 5000 })).toBe(true);
    expect(await lock.release(r)).toBe(true);
    expect((await lock.state(j, r.tick)).tick).toEqual({ status: 'claimed' });
    const b = granted(await lock.acquire(req({ job: j })));
    expect(b.takeover).toBe(true);
    expect(b.fence).toBeGreaterThan(a.fence);
  });

  it('lets a lease expire; the old holder can then neither renew, complete nor release', async () => {
    const lock = await makeLock();
    const j = job();
    const old = req({ job: j, ttlMs: 60 });
    const a = granted(await lock.acquire(old));
    await sleep(150);
    expect((await lock.state(j, old.tick)).tick).toEqual({ status: 'claimed' });
    const b = granted(await lock.acquire(req({ job: j })));
    expect(b.takeover).toBe(true);
    expect(b.fence).toBeGreaterThan(a.fence);
    expect(await lock.renew({ job: j, tick: old.tick, token: old.token, ttlMs: 5000 })).toBe(false);
    expect(await complete(lock, old, a.fence)).toBe(false);
    expect(await lock.release(old)).toBe(false);
    expect((await lock.state(j, old.tick)).tick?.status).toBe('leased');
  });

  it('keeps a renewed lease alive past its first ttl, and its claim past the retention', async () => {
    const lock = await makeLock();
    const j = job();
    // Wide windows, so a loaded machine cannot make a renewal late: the claim must outlive its 100 ms retention.
    const r = req({ job: j, ttlMs: 2000, retentionMs: 100 });
    granted(await lock.acquire(r));
    for (let i = 0; i < 4; i++) {
      await sleep(60);
      expect(await lock.renew({ job: j, tick: r.tick, token: r.token, ttlMs: 2000 })).toBe(true);
    }
    expect(await lock.acquire(req({ job: j }))).toMatchObject({ acquired: false, reason: 'held' });
    // The holder dies: its claim outlived the 100 ms retention (renewals keep it for twice the ttl), so the
    // tick can be taken over once the lease is gone (after 2 s, while the claim lives 4 s).
    await sleep(2300);
    expect(granted(await lock.acquire(req({ job: j }))).takeover).toBe(true);
  });

  it('refuses a tick that is early by its own clock, unless the guard is off', async () => {
    const lock = await makeLock();
    const j = job();
    const future = Date.now() + 60_000;
    const early = await lock.acquire(at(j, future));
    expect(early).toMatchObject({ acquired: false, reason: 'early' });
    if (!early.acquired) {
      expect(Math.abs(early.serverTime - Date.now())).toBeLessThan(5000);
      expect(early.retryInMs).toBeGreaterThan(50_000);
    }
    expect(granted(await lock.acquire(at(j, future, { earlyToleranceMs: null }))).acquired).toBe(true);
  });

  it('with exclusive, refuses another tick of the job while one runs, and frees it on complete', async () => {
    const lock = await makeLock();
    const j = job();
    const first = at(j, 1, { exclusive: true });
    const a = granted(await lock.acquire(first));
    const second = at(j, 2, { exclusive: true });
    expect(await lock.acquire(second)).toMatchObject({ acquired: false, reason: 'overlap' });
    const manual = req({ job: j, tick: `manual-${randomUUID()}`, kind: 'manual', earlyToleranceMs: null });
    expect((await lock.acquire(manual)).acquired).toBe(true);
    expect(await complete(lock, first, a.fence)).toBe(true);
    expect((await lock.acquire(second)).acquired).toBe(true);
  });

  it('with exclusive, a dead holder’s tick is taken over before newer ticks; after the grace it is superseded', async () => {
    const lock = await makeLock();
    const j = job();
    // ttl 1000 → the running slot outlives the tick lease by min(ttl, 1 s) = 1000 ms.
    const dead = at(j, 1, { exclusive: true, ttlMs: 1000 });
    granted(await lock.acquire(dead));
    await sleep(1300);
    expect(await lock.acquire(at(j, 2, { exclusive: true }))).toMatchObject({ acquired: false, reason: 'overlap' });
    const takeover = at(j, 1, { exclusive: true });
    const t = granted(await lock.acquire(takeover));
    expect(t.takeover).toBe(true);
    expect(await lock.acquire(at(j, 2, { exclusive: true }))).toMatchObject({ acquired: false, reason: 'overlap' });
    expect(await complete(lock, takeover, t.fence)).toBe(true);
    expect(granted(await lock.acquire(at(j, 2, { exclusive: true, ttlMs: 60 }))).acquired).toBe(true);
    // The holder of tick 2 dies too; nobody takes it over within the grace; tick 3 runs and tick 2 is stale.
    await sleep(250);
    granted(await lock.acquire(at(j, 3, { exclusive: true })));
    expect(await lock.acquire(at(j, 2, { exclusive: true }))).toMatchObject({ acquired: false, reason: 'stale' });
  });

  it('at most once: a started tick is never handed out again, even after release or expiry', async () => {
    const lock = await makeLock();
    const j = job();
    const r = req({ job: j, atMostOnce: true });
    granted(await lock.acquire(r));
    expect(await lock.release(r)).toBe(true);
    expect(await lock.acquire(req({ job: j, atMostOnce: true }))).toMatchObject({ acquired: false, reason: 'started' });
    expect((await lock.state(j, r.tick)).tick).toEqual({ status: 'started' });
    const s = at(j, 2000, { atMostOnce: true, ttlMs: 60 });
    granted(await lock.acquire(s));
    await sleep(150);
    expect(await lock.acquire(at(j, 2000))).toMatchObject({ acquired: false, reason: 'started' });
  });

  it('advances the high-water mark only forwards and never for manual runs', async () => {
    const lock = await makeLock();
    const j = job();
    expect((await lock.state(j)).highWaterMark).toBeNull();
    const first = at(j, 1000);
    const second = at(j, 2000);
    const manual = req({ job: j, tick: `manual-${randomUUID()}`, tickMs: 9000, kind: 'manual' });
    const fences = [];
    for (const r of [first, second, manual]) fences.push(granted(await lock.acquire(r)).fence);
    await complete(lock, second, fences[1] ?? 0);
    await complete(lock, first, fences[0] ?? 0);
    await complete(lock, manual, fences[2] ?? 0, false);
    const state = await lock.state(j);
    expect(state.highWaterMark).toBe(2000);
    expect(state.cursor).toBe(2000);
  });

  it('under contention, gives each tick to exactly one of many concurrent acquirers', async () => {
    const lock = await makeLock();
    const j = job();
    const winners = new Map<string, number>();
    let counter = 0;
    const worker = async () => {
      for (let t = 0; t < 40; t++) {
        const r = at(j, t, { exclusive: true });
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
