/**
 * Keeping a lease at its limits, on fake monotonic time: validity is `sent + ttl − (1 % of ttl + 2 ms)`,
 * counted from when a request was sent (never from its reply); renewals every third of the ttl, a failed
 * one retried after a third of the ttl or 500 ms, whichever is sooner; the loss reported exactly once, and
 * never after `stop()`.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { isTickworkError } from '../../src/errors.js';
import { keepLease } from '../../src/scheduler/lease-keeper.js';
import type { LockAdapter } from '../../src/scheduler/lock-adapter.js';
import { lockWith, testRuntime } from './limits-runtime.js';

const LEASE = { job: 'j~1', tick: '1000', token: 'tok' };

/** A lease kept by a lock whose `renew` answers by `renew`; every renewal's send time is recorded. */
function kept(ttlMs: number, renew: LockAdapter['renew'], options: { unref?: boolean; sentAt?: number } = {}) {
  const renewals: { at: number; request: unknown }[] = [];
  const lock = lockWith({
    renew: (request) => {
      renewals.push({ at: performance.now(), request });
      return renew(request);
    },
  });
  const { rt, lines } = testRuntime({ lock, unref: options.unref ?? false });
  let lost = 0;
  const keeper = keepLease({
    rt,
    lease: LEASE,
    ttlMs,
    sentAt: options.sentAt ?? performance.now(),
    name: 'j',
    tickId: 'j@tick',
    onLost: () => void lost++,
  });
  return { keeper, renewals, lines, lost: () => lost };
}

describe('keepLease at its limits', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'], now: 0 });
  });
  afterEach(() => vi.useRealTimers());

  it('is valid until sent + ttl − 1 % − 2 ms without a renewal, then lost once', async () => {
    // ttl 3000: drift 32 ms, valid for 2968 ms. Renewals that never answer.
    const k = kept(3000, () => new Promise(() => {}));
    expect(k.keeper.remainingMs()).toBe(2968);
    expect(k.keeper.lost).toBe(false);
    await vi.advanceTimersByTimeAsync(2967);
    expect(k.keeper.remainingMs()).toBe(1);
    expect(k.lost()).toBe(0);
    expect(() => k.keeper.assert()).not.toThrow();
    await vi.advanceTimersByTimeAsync(1);
    expect(k.keeper.remainingMs()).toBe(0);
    expect(k.keeper.lost).toBe(true);
    expect(k.lost()).toBe(1);
    expect(() => k.keeper.assert()).toThrow(expect.objectContaining({ code: 'LEASE_LOST' }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(k.lost()).toBe(1);
    // One renewal was sent, at a third of the ttl; none after it hung.
    expect(k.renewals.map((r) => r.at)).toEqual([1000]);
    expect(k.renewals[0]?.request).toEqual({ ...LEASE, ttlMs: 3000 });
    void k.keeper.stop();
  });

  it('counts validity from the acquisition’s send time, not from when the keeper starts', async () => {
    await vi.advanceTimersByTimeAsync(500);
    const k = kept(3000, () => new Promise(() => {}), { sentAt: 100 });
    expect(k.keeper.remainingMs()).toBe(100 + 2968 - 500);
    await vi.advanceTimersByTimeAsync(2567);
    expect(k.lost()).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(k.lost()).toBe(1);
    void k.keeper.stop();
  });

  it('the drift allowance grows with the ttl: 1 % plus 2 ms', () => {
    for (const [ttl, valid] of [
      [30, 27],
      [1000, 988],
      [30_000, 29_698],
      [1250, 1235],
    ] as const) {
      const k = kept(ttl, () => new Promise(() => {}));
      expect(k.keeper.remainingMs()).toBe(valid);
      void k.keeper.stop();
    }
    // A fraction of a millisecond left is no time left.
    const k = kept(1050, () => new Promise(() => {}));
    expect(k.keeper.remainingMs()).toBe(1037);
    void k.keeper.stop();
  });

  it('renews every third of the ttl, extending validity from each renewal’s send time', async () => {
    const k = kept(3000, async () => true);
    await vi.advanceTimersByTimeAsync(999);
    expect(k.renewals).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(k.renewals.map((r) => r.at)).toEqual([1000]);
    expect(k.keeper.remainingMs()).toBe(1000 + 2968 - 1000);
    await vi.advanceTimersByTimeAsync(2000);
    expect(k.renewals.map((r) => r.at)).toEqual([1000, 2000, 3000]);
    expect(k.keeper.remainingMs()).toBe(2968);
    // Long past the first validity, still held.
    await vi.advanceTimersByTimeAsync(20_000);
    expect(k.lost()).toBe(0);
    expect(k.keeper.lost).toBe(false);
    await k.keeper.stop();
    const sent = k.renewals.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(k.renewals).toHaveLength(sent);
    expect(k.lost()).toBe(0);
  });

  it('a slow renewal reply extends validity from its send time, and the next renewal follows its reply', async () => {
    const k = kept(3000, () => new Promise((resolve) => setTimeout(() => resolve(true), 500)));
    await vi.advanceTimersByTimeAsync(1500);
    expect(k.renewals.map((r) => r.at)).toEqual([1000]);
    // Sent at 1000: valid until 3968, not 4468.
    expect(k.keeper.remainingMs()).toBe(3968 - 1500);
    await vi.advanceTimersByTimeAsync(999);
    expect(k.renewals).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(k.renewals.map((r) => r.at)).toEqual([1000, 2500]);
    const stopping = k.keeper.stop();
    await vi.advanceTimersByTimeAsync(500);
    await stopping;
  });

  it('a renewal the lock refuses loses the lease at once, and no renewal follows', async () => {
    const k = kept(3000, async () => false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(k.lost()).toBe(1);
    expect(k.keeper.lost).toBe(true);
    expect(k.keeper.remainingMs()).toBe(0);
    expect(() => k.keeper.assert()).toThrow(expect.objectContaining({ code: 'LEASE_LOST' }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(k.renewals).toHaveLength(1);
    expect(k.lost()).toBe(1);
    await k.keeper.stop();
  });

  it('a renewal that fails is retried after a third of the ttl or 500 ms, whichever is sooner', async () => {
    const errors: unknown[] = [];
    const listener = (m: unknown) => void errors.push(m);
    subscribe('tickwork:lock:error', listener);
    onTestFinished(() => void unsubscribe('tickwork:lock:error', listener));
    for (const [ttl, retry] of [
      [3000, 500],
      [1500, 500],
      [1497, 499],
      [900, 300],
    ] as const) {
      vi.setSystemTime(0);
      const start = performance.now();
      let n = 0;
      const k = kept(ttl, async () => {
        n++;
        if (n === 1) throw new Error('blink');
        return true;
      });
      const first = Math.floor(ttl / 3);
      await vi.advanceTimersByTimeAsync(first + retry - 1);
      expect(k.renewals.map((r) => r.at - start)).toEqual([first]);
      await vi.advanceTimersByTimeAsync(1);
      expect(k.renewals.map((r) => r.at - start)).toEqual([first, first + retry]);
      expect(k.lost()).toBe(0);
      expect(errors).toEqual([{ job: 'j', operation: 'renew', instanceId: 'self' }]);
      errors.length = 0;
      const warning = k.lines.find((l) => l.message === 'lease renewal failed; retrying');
      expect(warning?.level).toBe('warn');
      expect(warning?.fields).toEqual({
        job: 'j',
        tickId: 'j@tick',
        err: expect.objectContaining({ message: 'blink' }),
      });
      await k.keeper.stop();
    }
  });

  it('a renewal that fails after the lease was lost or the keeper stopped is not retried', async () => {
    // Hangs until the validity runs out, then fails.
    let fail: (error: Error) => void = () => {};
    const k = kept(3000, () => new Promise((_, reject) => (fail = reject)));
    await vi.advanceTimersByTimeAsync(2968);
    expect(k.lost()).toBe(1);
    fail(new Error('late'));
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(5000);
    expect(k.renewals).toHaveLength(1);
    await k.keeper.stop();

    const s = kept(3000, () => new Promise((_, reject) => (fail = reject)));
    await vi.advanceTimersByTimeAsync(1000);
    const stopping = s.keeper.stop();
    fail(new Error('late'));
    await stopping;
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(5000);
    expect(s.renewals).toHaveLength(1);
    expect(s.lost()).toBe(0);
  });

  it('a renewal answered after the validity ran out does not revive the lease', async () => {
    let answer: (ok: boolean) => void = () => {};
    const k = kept(3000, () => new Promise((resolve) => (answer = resolve)));
    await vi.advanceTimersByTimeAsync(2968);
    expect(k.lost()).toBe(1);
    answer(true);
    await vi.advanceTimersByTimeAsync(0);
    // Neither a validity timer nor a renewal timer is armed again for a lost lease.
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(k.keeper.lost).toBe(true);
    expect(k.keeper.remainingMs()).toBe(0);
    expect(k.renewals).toHaveLength(1);
    expect(k.lost()).toBe(1);
    await k.keeper.stop();
  });

  it('stop() waits for a renewal in flight, and its refusal is then no loss', async () => {
    let answer: (ok: boolean) => void = () => {};
    const k = kept(3000, () => new Promise((resolve) => (answer = resolve)));
    await vi.advanceTimersByTimeAsync(1000);
    let stopped = false;
    const stopping = k.keeper.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(10);
    expect(stopped).toBe(false);
    answer(false);
    await stopping;
    expect(k.lost()).toBe(0);
    expect(k.keeper.lost).toBe(false);
    // Nor does the validity timer report a loss after stop().
    await vi.advanceTimersByTimeAsync(10_000);
    expect(k.lost()).toBe(0);
  });

  it('a renewal that succeeds after stop() extends nothing and leaves no timer behind', async () => {
    let answer: (ok: boolean) => void = () => {};
    const k = kept(3000, () => new Promise((resolve) => (answer = resolve)));
    await vi.advanceTimersByTimeAsync(1000);
    const stopping = k.keeper.stop();
    answer(true);
    await stopping;
    // Valid until 2968 as before the renewal, not 3968.
    expect(k.keeper.remainingMs()).toBe(1968);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(k.renewals).toHaveLength(1);
    expect(k.lost()).toBe(0);
  });

  it('assert() reports the loss itself when the validity timer has not fired yet', async () => {
    // A validity of 0 ms: the timer fires on the next turn of the loop; assert() runs first.
    const k = kept(3000, () => new Promise(() => {}), { sentAt: -2968 });
    expect(k.keeper.remainingMs()).toBe(0);
    let error: unknown;
    try {
      k.keeper.assert();
    } catch (e) {
      error = e;
    }
    expect(isTickworkError(error, 'LEASE_LOST')).toBe(true);
    expect(error).toMatchObject({ details: { job: 'j', tickId: 'j@tick', reason: 'lease-lost' } });
    expect(k.lost()).toBe(1);
    expect(k.keeper.lost).toBe(true);
    await vi.advanceTimersByTimeAsync(10);
    expect(k.lost()).toBe(1);
    void k.keeper.stop();
  });

  it('time left is never negative, even before the validity timer has fired', () => {
    const k = kept(3000, () => new Promise(() => {}), { sentAt: -5000 });
    expect(k.keeper.remainingMs()).toBe(0);
    void k.keeper.stop();
  });

  it('after stop(), an expired lease still refuses assert() but reports no loss', async () => {
    const k = kept(3000, async () => true);
    await k.keeper.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(k.keeper.remainingMs()).toBe(0);
    expect(() => k.keeper.assert()).toThrow(expect.objectContaining({ code: 'LEASE_LOST' }));
    expect(k.lost()).toBe(0);
    expect(k.keeper.lost).toBe(false);
  });

  it('its timers keep the process alive unless the scheduler is unref-ed', async () => {
    for (const unref of [false, true]) {
      const timers = vi.spyOn(globalThis, 'setTimeout');
      const k = kept(3000, async () => true, { unref });
      await vi.advanceTimersByTimeAsync(1000);
      const created = timers.mock.results.map((r) => r.value as NodeJS.Timeout);
      timers.mockRestore();
      // The validity timer, the first renewal timer, and after the renewal both again.
      expect(created.length).toBeGreaterThanOrEqual(4);
      expect(created.map((t) => t.hasRef())).toEqual(created.map(() => !unref));
      await k.keeper.stop();
    }
  });
});
