/**
 * The fleet console part of the `LockAdapter` conformance suite: run history (newest first, paging,
 * deduplication, bounds), the fleet-wide paused flag as judged by `acquire`, queued manual runs taken once,
 * and `status()` (who holds what). Registered by `lockConformance`, so every adapter runs it.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import type { AcquireRequest, HistoryBounds, LockAdapter, RunRecord } from '../scheduler/lock-adapter.js';

/** Builds one lock adapter per test, with the given history bounds. */
export type BoundedLockFactory = (bounds?: HistoryBounds) => LockAdapter | Promise<LockAdapter>;

/** Builds an acquisition request: the suite's defaults, overridden by `over`. */
export type RequestBuilder = (over: Partial<AcquireRequest> & { job: string }) => AcquireRequest;

/** Registers the console conformance tests (called by `lockConformance` with its request builder). */
export function lockConsoleConformance(makeLock: BoundedLockFactory, req: RequestBuilder): void {
  const job = () => `console-${randomUUID().slice(0, 8)}`;
  const entry = (j: string, endedAt: number, over: Partial<RunRecord> = {}): RunRecord => ({
    id: randomUUID(),
    job: j,
    tickAt: endedAt - 10,
    tickId: `${j}@${new Date(endedAt - 10).toISOString()}`,
    instanceId: 'i-1',
    startedAt: endedAt - 5,
    endedAt,
    outcome: 'succeeded',
    attempts: 1,
    fence: endedAt * 1000,
    catchUp: false,
    manual: false,
    ...over,
  });
  const scheduled = (j: string, tickMs: number, over: Partial<AcquireRequest> = {}): AcquireRequest =>
    req({ job: j, tick: String(tickMs), tickMs, earlyToleranceMs: null, ...over });

  it('keeps the run history newest first, pages it with `before`, and keeps an entry id once', async () => {
    const lock = await makeLock();
    const j = job();
    const now = Date.now();
    const failed = entry(j, now - 3000, { outcome: 'failed', errorCode: 'TIMEOUT', errorMessage: 'too slow' });
    const ok = entry(j, now - 2000);
    const skipped = entry(j, now - 1000, {
      id: 'x@tick:skipped',
      outcome: 'skipped',
      reason: 'paused',
      startedAt: null,
      fence: null,
      attempts: 0,
    });
    // Out of order on purpose: the order is by `endedAt`, not by arrival.
    for (const e of [ok, skipped, failed]) await lock.record(j, e);
    await lock.record(j, { ...skipped, instanceId: 'i-2' });
    expect(await lock.history(j, { limit: 10 })).toEqual([skipped, ok, failed]);
    expect(await lock.history(j, { limit: 2 })).toEqual([skipped, ok]);
    expect(await lock.history(j, { limit: 10, before: ok.endedAt })).toEqual([failed]);
    expect(await lock.history(job(), { limit: 10 })).toEqual([]);
  });

  it('bounds the history by count and by age', async () => {
    const lock = await makeLock({ historyLimit: 3, historyMaxAge: 60_000 });
    const j = job();
    const now = Date.now();
    for (let i = 0; i < 5; i++) await lock.record(j, entry(j, now - 5000 + i * 1000, { id: `e${i}` }));
    expect((await lock.history(j, { limit: 10 })).map((e) => e.id)).toEqual(['e4', 'e3', 'e2']);
    // An entry older than the max age is never listed (an adapter that trims by write order may let it push
    // the oldest entry out, so only the newest two are certain).
    await lock.record(j, entry(j, now - 120_000, { id: 'old' }));
    const ids = (await lock.history(j, { limit: 10 })).map((e) => e.id);
    expect(ids).not.toContain('old');
    expect(ids.slice(0, 2)).toEqual(['e4', 'e3']);
    expect(ids.length).toBeLessThanOrEqual(3);
    // An age long enough for the first look on a loaded machine; then wait (bounded) for the entry to age out.
    const short = await makeLock({ historyLimit: 100, historyMaxAge: 2000 });
    const k = job();
    await short.record(k, entry(k, Date.now(), { id: 'fresh' }));
    expect((await short.history(k, { limit: 10 })).map((e) => e.id)).toEqual(['fresh']);
    let kept = await short.history(k, { limit: 10 });
    for (let i = 0; i < 150 && kept.length > 0; i++) {
      await sleep(100);
      kept = await short.history(k, { limit: 10 });
    }
    expect(kept).toEqual([]);
    expect((await short.status(k)).last).toBeNull();
  });

  it('refuses scheduled and catch-up ticks of a paused job, the first refusal moving the cursor; manual runs go on', async () => {
    const lock = await makeLock();
    const j = job();
    expect(await lock.acquire(scheduled(j, 1000))).toMatchObject({ acquired: true });
    await lock.setPaused(j, true);
    expect((await lock.status(j)).paused).toBe(true);
    expect((await lock.poll(j)).request).toBeNull();
    const first = await lock.acquire(scheduled(j, 2000));
    const second = await lock.acquire(scheduled(j, 2000));
    expect(first).toMatchObject({ acquired: false, reason: 'paused', first: true });
    expect(second).toMatchObject({ acquired: false, reason: 'paused', first: false });
    expect(await lock.acquire(scheduled(j, 1500, { kind: 'catch-up' }))).toMatchObject({
      acquired: false,
      reason: 'paused',
      first: false,
    });
    // The fleet has handled the paused tick: it is behind the cursor now.
    expect((await lock.state(j)).cursor).toBe(2000);
    const manual = scheduled(j, 1, { tick: `manual-${randomUUID()}`, kind: 'manual' });
    expect(await lock.acquire(manual)).toMatchObject({ acquired: true });
    await lock.setPaused(j, false);
    expect((await lock.status(j)).paused).toBe(false);
    expect(await lock.acquire(scheduled(j, 2000))).toMatchObject({ acquired: false, reason: 'stale' });
    expect(await lock.acquire(scheduled(j, 3000))).toMatchObject({ acquired: true });
  });

  it('hands each queued manual run request to exactly one poller, oldest first', async () => {
    const lock = await makeLock();
    const j = job();
    const requests = ['a', 'b', 'c'].map((id, i) => ({ id, requestedBy: 'i-1', requestedAt: 1000 + i }));
    for (const r of requests) await lock.requestRun(j, r);
    expect((await lock.status(j)).pendingRequests).toBe(3);
    // Eight instances poll at once, twice each: every request is taken once, none twice.
    const polls = await Promise.all(Array.from({ length: 16 }, () => lock.poll(j)));
    const taken = polls.flatMap((p) => (p.request ? [p.request] : []));
    expect(taken.map((r) => r.id).sort()).toEqual(['a', 'b', 'c']);
    expect(taken.find((r) => r.id === 'b')).toEqual(requests[1]);
    expect((await lock.poll(j)).request).toBeNull();
    expect((await lock.status(j)).pendingRequests).toBe(0);
    await lock.requestRun(j, { id: 'd', requestedBy: 'i-2', requestedAt: 2000 });
    await lock.requestRun(j, { id: 'e', requestedBy: 'i-2', requestedAt: 2001 });
    expect((await lock.poll(j)).request?.id).toBe('d');
  });

  it('status() names the holder of every live lease and the newest history entry', async () => {
    const lock = await makeLock();
    const j = job();
    expect(await lock.status(j)).toEqual({ paused: false, running: [], last: null, pendingRequests: 0 });
    const a = scheduled(j, 1000, { instanceId: 'host-a' });
    const b = scheduled(j, 2000, { instanceId: 'host-b', ttlMs: 3000 });
    const won = await lock.acquire(a);
    await lock.acquire(b);
    const running = [...(await lock.status(j)).running].sort((x, y) => x.tick.localeCompare(y.tick));
    expect(running.map(({ tick, instanceId }) => ({ tick, instanceId }))).toEqual([
      { tick: '1000', instanceId: 'host-a' },
      { tick: '2000', instanceId: 'host-b' },
    ]);
    for (const r of running) expect(r.ttlMs).toBeGreaterThan(0);
    expect(await lock.renew({ ...b, ttlMs: 4000 })).toBe(true);
    expect((await lock.status(j)).running.find((r) => r.tick === '2000')?.ttlMs).toBeGreaterThan(3000);
    if (!won.acquired) throw new Error('expected to acquire');
    await lock.complete({
      job: j,
      tick: a.tick,
      token: a.token,
      tickMs: a.tickMs,
      outcome: { status: 'succeeded', fence: won.fence, at: Date.now() },
      retentionMs: 60_000,
      advanceHighWaterMark: true,
    });
    await lock.release(b);
    const last = entry(j, Date.now());
    await lock.record(j, last);
    await lock.setPaused(j, true);
    expect(await lock.status(j)).toEqual({ paused: true, running: [], last, pendingRequests: 0 });
  });

  it('drops a dead holder from status() once its lease expired', async () => {
    const lock = await makeLock();
    const j = job();
    // A lease long enough for the first look on a loaded machine; then wait (bounded) for it to run out.
    await lock.acquire(scheduled(j, 1000, { instanceId: 'doomed', ttlMs: 2000 }));
    expect((await lock.status(j)).running.map((r) => r.instanceId)).toEqual(['doomed']);
    let running = (await lock.status(j)).running;
    for (let i = 0; i < 150 && running.length > 0; i++) {
      await sleep(100);
      running = (await lock.status(j)).running;
    }
    expect(running).toEqual([]);
  });
}
