/**
 * Real-time scheduler scenarios that every lock adapter must pass: lease loss with a fenced sink, and
 * graceful stop. Called from the memory tests and the Redis tests.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { isTickworkError } from '../../src/errors.js';
import { createScheduler, type JobContext } from '../../src/scheduler/index.js';
import type { LockAdapter } from '../../src/scheduler/lock-adapter.js';
import { blockFor, fencedSink, record, until } from './helpers.js';

/** Registers the scenarios for one lock factory (call inside a `describe`). */
export function schedulerScenarios(makeLock: () => LockAdapter | Promise<LockAdapter>): void {
  it('aborts a handler that blocks past its lease; a fenced sink refuses its late write', async () => {
    const lock = await makeLock();
    const name = `lease-${Math.random().toString(36).slice(2, 8)}`;
    const sink = fencedSink();
    const firstRunOf = new Set<string>();
    let stale: { signal: AbortSignal; error: unknown } | undefined;
    const run = async (ctx: JobContext) => {
      if (!firstRunOf.has(ctx.tickId)) {
        firstRunOf.add(ctx.tickId);
        // The first holder stalls (a CPU-bound step, a GC pause) well past its 300 ms lease…
        blockFor(900);
        await sleep(400);
        try {
          sink.write(ctx.fence, ctx.tickId);
        } catch (error) {
          stale ??= { signal: ctx.signal, error };
        }
        return;
      }
      sink.write(ctx.fence, ctx.tickId);
    };
    const a = createScheduler({ lock, instanceId: 'a' });
    const b = createScheduler({ lock, instanceId: 'b' });
    for (const s of [a, b]) s.add({ name, every: 1000, leaseTtl: 300, overlap: 'allow', run });
    const events = record(a, b);
    await a.start();
    await b.start();
    await until(() => stale !== undefined, 15_000, 'the stale write');
    await Promise.all([a.stop({ grace: 0 }), b.stop({ grace: 0 })]);

    expect(isTickworkError(stale?.error, 'STALE_FENCE')).toBe(true);
    expect(stale?.signal.aborted).toBe(true);
    expect(isTickworkError(stale?.signal.reason, 'ABORTED')).toBe(true);
    expect(events.some((e) => e.type === 'lease:lost' && e.name === name)).toBe(true);
    // The tick whose first holder stalled was finished by the other instance with a higher fence.
    const lost = events.find((e) => e.type === 'lease:lost');
    const takeover = events.find((e) => e.type === 'run:success' && lost && e.tickId === lost.tickId);
    expect(takeover?.type === 'run:success' && lost?.type === 'lease:lost' && takeover.fence > lost.fence).toBe(true);
  });

  it('stop(): a handler that finishes within the grace succeeds and its tick is done', async () => {
    const lock = await makeLock();
    const name = `grace-${Math.random().toString(36).slice(2, 8)}`;
    const s = createScheduler({ lock });
    let tickKey: string | undefined;
    s.add({
      name,
      every: 1000,
      run: async ({ tick }) => {
        tickKey = String(+tick);
        await sleep(300);
      },
    });
    const events = record(s);
    await s.start();
    await until(() => tickKey !== undefined, 5000, 'the first run');
    await s.stop({ grace: 5000 });
    expect(events.filter((e) => e.type === 'run:success')).toHaveLength(1);
    expect((await lock.state(name, tickKey)).tick?.status).toBe('done');
  });

  it('stop(): after the grace a handler is aborted, its lease released and its tick not marked done', async () => {
    const lock = await makeLock();
    const name = `halt-${Math.random().toString(36).slice(2, 8)}`;
    const s = createScheduler({ lock });
    let tickKey: string | undefined;
    let signal: AbortSignal | undefined;
    let handlerFinished = false;
    s.add({
      name,
      every: 1000,
      leaseTtl: 10_000,
      run: async (ctx) => {
        tickKey = String(+ctx.tick);
        signal = ctx.signal;
        // Ignores its signal on purpose: stop() must not wait for it beyond the grace.
        await sleep(4000);
        handlerFinished = true;
      },
    });
    const events = record(s);
    await s.start();
    await until(() => tickKey !== undefined, 5000, 'the first run');
    await s.stop({ grace: 200 });
    expect(handlerFinished).toBe(false);
    expect(signal?.aborted).toBe(true);
    const failure = events.find((e) => e.type === 'run:failure');
    expect(failure?.type === 'run:failure' && isTickworkError(failure.error, 'ABORTED')).toBe(true);
    const state = await lock.state(name, tickKey);
    expect(state.tick).toEqual({ status: 'free' });
    expect(state.highWaterMark).toBeNull();
    // Released, so another instance could take the tick at once.
    const again = await lock.acquire({
      job: name,
      tick: tickKey ?? '',
      tickMs: Number(tickKey),
      token: 'other',
      ttlMs: 1000,
      earlyToleranceMs: null,
      exclusive: true,
      atMostOnce: false,
      retentionMs: 60_000,
    });
    expect(again.acquired).toBe(true);
  });
}
