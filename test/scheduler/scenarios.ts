/**
 * Real-time scheduler scenarios that every lock adapter must pass: lease loss with a fenced sink, a takeover by
 * an instance started after the holder froze, and graceful stop. Called from the memory, Redis and PostgreSQL
 * lock tests.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { isTickworkError } from '../../src/errors.js';
import { createScheduler, type JobContext } from '../../src/scheduler/index.js';
import type { LockAdapter } from '../../src/scheduler/lock-adapter.js';
import { blockFor, fencedSink, keyOf, record, until } from './helpers.js';

/** Registers the scenarios for one lock factory (call inside a `describe`). */
export function schedulerScenarios(makeLock: () => LockAdapter | Promise<LockAdapter>): void {
  it('aborts a handler that blocks past its lease; a fenced sink refuses its late write', async () => {
    const lock = await makeLock();
    const name = `lease-${Math.random().toString(36).slice(2, 8)}`;
    const sink = fencedSink();
    let stalledTick: string | undefined;
    let stale: { signal: AbortSignal; error: unknown } | undefined;
    // Set once both schedulers run: the stall must hit a tick the other instance was waiting for. (A tick that
    // came while it was still starting is covered by the scenario of an instance started after a holder froze.)
    let bothRunningSince: number | undefined;
    const run = async (ctx: JobContext) => {
      if (stalledTick === undefined && bothRunningSince !== undefined && +ctx.tick > bothRunningSince) {
        stalledTick = ctx.tickId;
        // The holder of that tick stalls (a CPU-bound step, a GC pause) well past its 1 s lease, and
        // writes only after the instance that took the tick over has written (an event, not a guess at how long
        // that takes). Both schedulers share this process, so the stall happens once.
        blockFor(2500);
        await until(
          () => sink.writes.some((w) => w.value === ctx.tickId && w.fence > ctx.fence),
          60_000,
          'the takeover to write',
        ).catch(() => {});
        try {
          sink.write(ctx.fence, ctx.tickId);
        } catch (error) {
          stale ??= { signal: ctx.signal, error };
        }
        return;
      }
      sink.write(ctx.fence, ctx.tickId);
    };
    // A generous lateness: this test is about the lease, and a loaded machine must not turn its tick into a miss.
    const a = createScheduler({ lock, instanceId: 'a', lateness: 10_000 });
    const b = createScheduler({ lock, instanceId: 'b', lateness: 10_000 });
    // Catch-up 'all': the stall delays the other scheduler's wake-up too (one event loop), so the stalled tick
    // reaches it as a late tick.
    for (const s of [a, b]) s.add({ name, every: 1000, leaseTtl: 1000, overlap: 'allow', catchUp: 'all', run });
    const events = record(a, b);
    await a.start();
    await b.start();
    bothRunningSince = Date.now();
    // Wait for both outcomes: on a loaded machine the other instance may finish the takeover after the stale
    // write is refused, and stopping first would abort it.
    // Any tick will do: on a loaded machine a takeover can lose its own short lease too, and the next tick shows it.
    const pair = () => {
      for (const lost of events) {
        if (lost.type !== 'lease:lost') continue;
        const takeover = events.find((e) => e.type === 'run:success' && e.tickId === lost.tickId);
        if (takeover?.type === 'run:success') return { lost, takeover };
      }
      return undefined;
    };
    const takenOver = () => pair() !== undefined;
    // A safety net, not a budget: on a loaded machine the takeover can take many lease periods.
    await until(() => stale !== undefined && takenOver(), 60_000, 'the stale write and the takeover').catch(
      (error: Error) => {
        // What each scheduler did is the only way to tell why, after the fact.
        const seen = events.map((e) => JSON.stringify(e)).join('\n');
        throw new Error(
          `${error.message}; stalled tick ${stalledTick}, stale write ${stale ? 'refused' : 'not tried'}, sink ${JSON.stringify(sink.writes)}; events:\n${seen}`,
        );
      },
    );
    await Promise.all([a.stop({ grace: 0 }), b.stop({ grace: 0 })]);

    expect(isTickworkError(stale?.error, 'STALE_FENCE')).toBe(true);
    expect(stale?.signal.aborted).toBe(true);
    expect(isTickworkError(stale?.signal.reason, 'LEASE_LOST')).toBe(true);
    expect(events.some((e) => e.type === 'lease:lost' && e.name === name)).toBe(true);
    // A tick whose first holder stalled was finished by the other instance with a higher fence.
    const found = pair();
    expect(found).toBeDefined();
    expect(found && found.takeover.fence > found.lost.fence).toBe(true);
  }, 90_000);

  // With overlap 'skip' the dead holder's running slot outlives its lease by the takeover grace, and the
  // replacement's own ticks meet it too.
  for (const overlap of ['allow', 'skip'] as const)
    it(`an instance started after the holder of a tick froze and was stopped takes that tick over (overlap '${overlap}')`, async () => {
      const lock = await makeLock();
      const name = `late-start-${Math.random().toString(36).slice(2, 8)}`;
      const a = createScheduler({ lock, instanceId: 'a', lateness: 10_000 });
      const b = createScheduler({ lock, instanceId: 'b', lateness: 10_000 });
      let stalled: JobContext | undefined;
      let aStopped: Promise<void> | undefined;
      let bStarted: Promise<void> | undefined;
      const run = async (ctx: JobContext) => {
        if (stalled !== undefined) return;
        stalled = ctx;
        // The only holder freezes past its 1 s lease, and is then stopped, as an orchestrator replaces a process
        // that stopped answering; its replacement starts only now, with the tick claimed and the lock's cursor on
        // it. Nobody was left to take the tick over when the lease expired.
        blockFor(2500);
        aStopped = a.stop({ grace: 0 });
        bStarted = b.start();
        await new Promise<void>((resolve) => {
          if (ctx.signal.aborted) resolve();
          else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
        });
      };
      // Catch-up 'none': the tick was claimed, not missed; taking over a dead holder's tick is delivery, not catch-up.
      for (const s of [a, b]) s.add({ name, every: 1000, leaseTtl: 1000, overlap, catchUp: 'none', run });
      const events = record(a, b);
      await a.start();
      const takeover = () =>
        events.find((e) => e.type === 'run:success' && e.instanceId === 'b' && e.tickId === stalled?.tickId);
      // A safety net, not a budget.
      await until(() => takeover() !== undefined, 60_000, 'the takeover by the instance started later').catch(
        (error: Error) => {
          const seen = events.map((e) => JSON.stringify(e)).join('\n');
          throw new Error(`${error.message}; stalled tick ${stalled?.tickId}; events:\n${seen}`);
        },
      );
      await Promise.all([aStopped, bStarted]);
      await b.stop({ grace: 0 });
      const found = takeover();
      expect(found?.type === 'run:success' && found.fence > (stalled?.fence ?? Number.POSITIVE_INFINITY)).toBe(true);
      // A late tick to its handler, as a caught-up one is.
      const started = events.find(
        (e) => e.type === 'run:start' && e.instanceId === 'b' && e.tickId === stalled?.tickId,
      );
      expect(started?.type === 'run:start' && started.catchUp).toBe(true);
      // The tick ran once more, by the replacement only: the frozen holder's run did not finish it.
      const tick = String(+(stalled?.tick ?? 0));
      expect((await lock.state(await keyOf(b, name), tick)).tick).toMatchObject({ status: 'done' });
    }, 90_000);

  it('stop() and remove() leave the membership at once: the fleet no longer ranks the instance', async () => {
    const lock = await makeLock();
    const name = `leave-${Math.random().toString(36).slice(2, 8)}`;
    const other = `${name}-other`;
    const a = createScheduler({ lock, instanceId: 'a' });
    const b = createScheduler({ lock, instanceId: 'b' });
    for (const s of [a, b]) s.add({ name, every: 1000, run: () => {} });
    b.add({ name: other, every: 1000, run: () => {} });
    await a.start();
    await b.start();
    const key = await keyOf(a, name);
    const otherKey = await keyOf(b, other);
    // A zero-TTL heartbeat of an onlooker reads the live members without staying one (a lock may list the
    // onlooker itself in that one answer).
    const live = async (job = key) =>
      ((await lock.members?.({ job, instanceId: 'onlooker', ttlMs: 0 }))?.members ?? []).filter(
        (m) => m !== 'onlooker',
      );
    const eventually = async (job: string, expected: string) => {
      for (const since = Date.now(); (await live(job)).sort().join() !== expected; await sleep(20)) {
        if (Date.now() - since > 30_000) throw new Error(`members of ${job}: ${await live(job)}, not ${expected}`);
      }
    };
    await eventually(key, 'a,b');
    await eventually(otherKey, 'b');
    // remove() does not wait for the lock; its leaving follows at once.
    b.remove(other);
    await eventually(otherKey, '');
    await a.stop();
    // Without leaving, a stopped instance stays a member for the heartbeat TTL (30 s): a tick whose candidates
    // have all stopped then waits for the second wave.
    expect(await live()).toEqual(['b']);
    await b.stop();
    expect(await live()).toEqual([]);
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
    await until(() => tickKey !== undefined, 15_000, 'the first run');
    await s.stop({ grace: 5000 });
    expect(events.filter((e) => e.type === 'run:success')).toHaveLength(1);
    expect((await lock.state(await keyOf(s, name), tickKey)).tick?.status).toBe('done');
  });

  it('stop(): past the grace the signal aborts, and the lease is held until the handler settles, then given back', async () => {
    const lock = await makeLock();
    const name = `halt-${Math.random().toString(36).slice(2, 8)}`;
    const s = createScheduler({ lock });
    let tickKey: string | undefined;
    let whileSettling: string | undefined;
    let settled = false;
    s.add({
      name,
      every: 1000,
      // Long enough for renewals on a loaded machine; the handler's clean-up outlasts it.
      leaseTtl: 4000,
      abandonAfter: 60_000,
      run: (ctx) =>
        new Promise<void>((_, reject) => {
          tickKey = String(+ctx.tick);
          ctx.signal.addEventListener('abort', () => {
            // A handler that takes its time to clean up, longer than its lease: nobody else may start the tick.
            setTimeout(async () => {
              whileSettling = (await lock.state(await keyOf(s, name), tickKey)).tick?.status;
              settled = true;
              reject(ctx.signal.reason);
            }, 4500);
          });
        }),
    });
    const events = record(s);
    await s.start();
    await until(() => tickKey !== undefined, 15_000, 'the first run');
    await s.stop({ grace: 100 });
    expect(settled).toBe(true);
    expect(whileSettling).toBe('leased');
    const failure = events.find((e) => e.type === 'run:failure');
    expect(failure?.type === 'run:failure' && isTickworkError(failure.error, 'ABORTED')).toBe(true);
    const state = await lock.state(await keyOf(s, name), tickKey);
    // Given back, not done: another instance may take the tick over at once.
    expect(state.tick).toEqual({ status: 'claimed' });
    expect(state.highWaterMark).toBeNull();
    const again = await lock.acquire({
      job: await keyOf(s, name),
      tick: tickKey ?? '',
      tickMs: Number(tickKey),
      token: 'other',
      ttlMs: 1000,
      earlyToleranceMs: null,
      maxLateMs: null,
      kind: 'scheduled',
      exclusive: true,
      atMostOnce: false,
      retentionMs: 60_000,
    });
    expect(again).toMatchObject({ acquired: true, takeover: true });
  });

  it('a handler that ignores its signal is abandoned after timeout + abandonAfter: tick failed, never re-run, later ticks go on', async () => {
    const lock = await makeLock();
    const name = `stubborn-${Math.random().toString(36).slice(2, 8)}`;
    const a = createScheduler({ lock, instanceId: 'a' });
    const b = createScheduler({ lock, instanceId: 'b' });
    let stubborn: string | undefined;
    const runs: string[] = [];
    for (const s of [a, b]) {
      s.add({
        name,
        every: 1000,
        // A lease long enough that renewals survive a loaded machine: the run must end abandoned, not lost.
        leaseTtl: 3000,
        timeout: 300,
        abandonAfter: 300,
        run: (ctx) => {
          runs.push(ctx.tickId);
          if (stubborn === undefined) {
            stubborn = ctx.tickId;
            // Never settles and never looks at its signal.
            return new Promise(() => {});
          }
          return undefined;
        },
      });
    }
    const events = record(a, b);
    await a.start();
    await b.start();
    const laterSuccesses = () => events.filter((e) => e.type === 'run:success' && e.tickId !== stubborn).length;
    await until(() => laterSuccesses() >= 3, 30_000, 'later ticks after the abandoned one');
    await Promise.all([a.stop({ grace: 0 }), b.stop({ grace: 0 })]);
    const abandoned = events.filter((e) => e.type === 'run:abandoned');
    expect(abandoned).toHaveLength(1);
    expect(abandoned[0]?.tickId).toBe(stubborn);
    expect(isTickworkError(abandoned[0]?.type === 'run:abandoned' && abandoned[0].error, 'TIMEOUT')).toBe(true);
    // The abandoned tick never ran again, on either instance; no tick ran twice.
    expect(runs.filter((id) => id === stubborn)).toHaveLength(1);
    expect(new Set(runs).size).toBe(runs.length);
    const tick = abandoned[0] ? String(+abandoned[0].tick) : '';
    const state = await lock.state(await keyOf(a, name), tick);
    expect(state.tick).toMatchObject({ status: 'done', outcome: { status: 'abandoned' } });
  });
}
