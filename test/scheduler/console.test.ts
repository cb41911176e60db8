/**
 * The fleet console in one process, on the memory lock shared by two schedulers: the history is written
 * without ever holding up or failing a run, metrics go through `node:diagnostics_channel` with the documented
 * names and shapes, pause and trigger act across schedulers, `remove()` and `Symbol.asyncDispose` stop work.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryLock } from '../../adapters/memory/lock.js';
import { TickworkError } from '../../src/errors.js';
import { createScheduler, type Scheduler, schedulerChannels } from '../../src/scheduler/index.js';
import type { Logger } from '../../src/types.js';
import { record, until } from './helpers.js';

const started: Scheduler[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop({ grace: 0 })));
});

/** Every message of every scheduler channel while `body` runs, with its channel name. */
async function listen<T>(body: (messages: { name: string; message: unknown }[]) => Promise<T>): Promise<T> {
  const messages: { name: string; message: unknown }[] = [];
  const listeners = Object.values(schedulerChannels).map((name) => {
    const listener = (message: unknown) => void messages.push({ name, message });
    subscribe(name, listener);
    return [name, listener] as const;
  });
  try {
    return await body(messages);
  } finally {
    for (const [name, listener] of listeners) unsubscribe(name, listener);
  }
}

function warnings() {
  const lines: string[] = [];
  const noop = () => {};
  const logger: Logger = { debug: noop, info: noop, warn: (_f, m) => void lines.push(m), error: noop };
  return { lines, logger };
}

describe('run history', () => {
  it('a failing history write is logged and published, never thrown: the run succeeds and the job goes on', async () => {
    const base = memoryLock();
    const lock = { ...base, record: () => Promise.reject(new TickworkError('UNAVAILABLE', 'history down')) };
    const { lines, logger } = warnings();
    const s = createScheduler({ lock, logger });
    let runs = 0;
    s.add({ name: 'h', cron: '0 0 1 1 *', run: () => void runs++ });
    await listen(async (messages) => {
      expect(await s.trigger('h', { here: true })).toMatchObject({ outcome: 'succeeded' });
      expect(await s.trigger('h', { here: true })).toMatchObject({ outcome: 'succeeded' });
      await until(() => messages.filter((m) => m.name === 'tickwork:history:error').length === 2);
      expect(messages.find((m) => m.name === 'tickwork:history:error')?.message).toEqual({
        job: 'h',
        instanceId: s.instanceId,
        errorCode: 'UNAVAILABLE',
      });
    });
    expect(runs).toBe(2);
    expect(lines).toContain('could not write the run history; the run is not affected');
  });

  it('a history write that never answers does not hold up the run, and stop() waits for it only briefly', async () => {
    const lock = { ...memoryLock(), record: () => new Promise<void>(() => {}) };
    const s = createScheduler({ lock });
    s.add({ name: 'h', cron: '0 0 1 1 *', run: () => {} });
    expect(await s.trigger('h', { here: true })).toMatchObject({ outcome: 'succeeded' });
    await s.stop();
  });

  it('records runs with their attempts, error code and a cut message; history() pages newest first', async () => {
    const s = createScheduler({ lock: memoryLock() });
    let n = 0;
    s.add({
      name: 'r',
      cron: '0 0 1 1 *',
      retry: { retries: 1, minTimeout: 1 },
      run: () => {
        n++;
        if (n <= 2) throw new TickworkError('UNAVAILABLE', 'x'.repeat(1000));
      },
    });
    const failed = await s.trigger('r', { here: true });
    const ok = await s.trigger('r', { here: true });
    const history = await s.history('r');
    expect(history.map((h) => [h.tickId, h.outcome, h.attempts])).toEqual([
      [ok.tickId, 'succeeded', 1],
      [failed.tickId, 'failed', 2],
    ]);
    expect(history[1]).toMatchObject({
      errorCode: 'UNAVAILABLE',
      manual: true,
      catchUp: false,
      instanceId: s.instanceId,
    });
    expect(history[1]?.errorMessage?.length).toBeLessThanOrEqual(300);
    expect(history[1]?.fence).toBeGreaterThan(0);
    const older = await s.history('r', { limit: 1, before: new Date(history[0]?.endedAt ?? 0) });
    expect(older.map((h) => h.tickId)).toEqual(history[0]?.endedAt === history[1]?.endedAt ? [] : [failed.tickId]);
    await expect(s.history('r', { limit: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(s.history('r', { limit: 1001 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(s.history('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('metrics channels', () => {
  it('publishes start, end, skipped and lock errors with the documented shapes', async () => {
    const lock = memoryLock();
    const s = createScheduler({ lock, instanceId: 'metrics-1' });
    s.add({ name: 'm', cron: '0 0 1 1 *', run: () => {} });
    s.add({
      name: 'bad',
      cron: '0 0 1 1 *',
      run: () => {
        throw new TickworkError('TIMEOUT', 'slow');
      },
    });
    const down = createScheduler({
      lock: { ...lock, acquire: () => Promise.reject(new TickworkError('UNAVAILABLE', 'down')) },
      instanceId: 'metrics-2',
    });
    // A short period: a manual run retries an unreachable lock until the job's next tick, then skips.
    down.add({ name: 'm', every: 300, run: () => {} });
    const messages = await listen(async (messages) => {
      const { tickId } = await s.trigger('m', { here: true });
      await s.trigger('bad', { here: true });
      expect(await down.trigger('m', { here: true })).toMatchObject({ outcome: 'skipped:lock-error' });
      return { messages, tickId };
    });
    const of = (name: string) => messages.messages.filter((m) => m.name === name).map((m) => m.message);
    const [start] = of('tickwork:run:start') as Record<string, unknown>[];
    expect(start).toMatchObject({
      job: 'm',
      tickId: messages.tickId,
      instanceId: 'metrics-1',
      catchUp: false,
      manual: true,
    });
    expect(start?.tick).toBeInstanceOf(Date);
    expect(typeof start?.delayMs).toBe('number');
    expect(of('tickwork:run:end')).toEqual([
      {
        job: 'm',
        tickId: messages.tickId,
        instanceId: 'metrics-1',
        outcome: 'succeeded',
        durationMs: expect.any(Number),
        attempts: 1,
      },
      expect.objectContaining({ job: 'bad', outcome: 'failed', attempts: 1, errorCode: 'TIMEOUT' }),
    ]);
    expect(of('tickwork:lock:error')).toContainEqual({
      job: 'm',
      operation: 'acquire',
      instanceId: 'metrics-2',
      errorCode: 'UNAVAILABLE',
    });
    expect(of('tickwork:run:skipped')).toContainEqual(
      expect.objectContaining({ job: 'm', instanceId: 'metrics-2', reason: 'lock-error' }),
    );
  });

  it('names exactly the documented channels', () => {
    expect(Object.values(schedulerChannels).sort()).toEqual([
      'tickwork:history:error',
      'tickwork:lease:lost',
      'tickwork:lock:error',
      'tickwork:run:end',
      'tickwork:run:skipped',
      'tickwork:run:start',
      'tickwork:tick:missed',
    ]);
  });
});

describe('fleet control on one shared lock', () => {
  it('pause in one scheduler skips the ticks of both, recorded once per tick; resume runs them again', async () => {
    const lock = memoryLock();
    const a = createScheduler({ lock, instanceId: 'a', controlInterval: 20 });
    const b = createScheduler({ lock, instanceId: 'b', controlInterval: 20 });
    const runs: number[] = [];
    for (const s of [a, b])
      s.add({ name: 'p', every: 100, overlap: 'allow', run: ({ tick }) => void runs.push(+tick) });
    const events = record(a, b);
    started.push(a, b);
    await Promise.all([a.start(), b.start()]);
    await until(() => runs.length > 0, 20_000, 'a first run');
    await a.pause('p');
    const pausedAt = Date.now();
    const pausedSkips = (name: string) =>
      events.filter((e) => e.type === 'run:skipped' && e.reason === 'paused' && e.instanceId === name);
    await until(
      () => pausedSkips('a').length >= 2 && pausedSkips('b').length >= 2,
      20_000,
      'both to skip paused ticks',
    );
    // B's own view of the fleet flag, read from the lock.
    expect((await b.jobs())[0]?.paused).toBe(true);
    await b.resume('p');
    const resumedAt = Date.now();
    await until(() => runs.some((t) => t > resumedAt), 20_000, 'a run after resume');
    expect(runs.filter((t) => t >= pausedAt + 500 && t < resumedAt - 500)).toEqual([]);
    const skips = (await a.history('p', { limit: 1000 })).filter((h) => h.outcome === 'skipped');
    expect(skips.length).toBeGreaterThanOrEqual(2);
    expect(new Set(skips.map((h) => h.tickId)).size).toBe(skips.length);
  });

  it('trigger stores a request that exactly one scheduler of the fleet runs, under its tick id', async () => {
    const lock = memoryLock();
    const a = createScheduler({ lock, instanceId: 'a', controlInterval: 20 });
    const b = createScheduler({ lock, instanceId: 'b', controlInterval: 20 });
    const seen: { id: string; by: string }[] = [];
    for (const s of [a, b]) {
      s.add({ name: 't', cron: '0 0 1 1 *', run: ({ tickId }) => void seen.push({ id: tickId, by: s.instanceId }) });
    }
    started.push(a, b);
    await Promise.all([a.start(), b.start()]);
    const receipts = await Promise.all([a.trigger('t'), b.trigger('t'), a.trigger('t')]);
    await until(() => seen.length >= 3, 20_000, 'three manual runs');
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.map((s) => s.id).sort()).toEqual(receipts.map((r) => r.tickId).sort());
    const history = await b.history('t');
    expect(history.map((h) => h.tickId).sort()).toEqual(receipts.map((r) => r.tickId).sort());
    expect((await a.jobs())[0]).toMatchObject({ pendingTriggers: 0, running: [], lastRun: { manual: true } });
  });

  it('a queued trigger that meets a running tick of the job waits for it, then runs; an awaited one reports the overlap', async () => {
    const lock = memoryLock();
    const a = createScheduler({ lock, instanceId: 'a', controlInterval: 20 });
    const b = createScheduler({ lock, instanceId: 'b', controlInterval: 20 });
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const seen: string[] = [];
    for (const s of [a, b]) {
      s.add({
        name: 'o',
        cron: '0 0 1 1 *',
        run: async ({ tickId }) => {
          seen.push(tickId);
          if (seen.length === 1) await gate;
        },
      });
    }
    started.push(a, b);
    await Promise.all([a.start(), b.start()]);
    const first = a.trigger('o', { here: true });
    await until(() => seen.length === 1, 20_000, 'the first run to start');
    // A run awaited here reports the overlap at once, on the instance running the job and on the other one.
    expect(await a.trigger('o', { here: true })).toMatchObject({ outcome: 'skipped:overlap' });
    expect(await b.trigger('o', { here: true })).toMatchObject({ outcome: 'skipped:overlap' });
    // Both instances poll for a queued request while the first run holds the job: whichever takes it must wait.
    const receipt = await b.trigger('o');
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toHaveLength(1);
    release();
    expect(await first).toMatchObject({ outcome: 'succeeded' });
    await until(() => seen.includes(receipt.tickId), 20_000, 'the requested run after the first');
    // History writes are not awaited by the run: read until both are there.
    let history = await a.history('o');
    for (let i = 0; i < 400 && history.length < 4; i++) {
      await new Promise((r) => setTimeout(r, 50));
      history = await a.history('o');
    }
    expect(history.map((h) => `${h.outcome}${h.reason ? `:${h.reason}` : ''}`).sort()).toEqual([
      'skipped:overlap',
      'skipped:overlap',
      'succeeded',
      'succeeded',
    ]);
  });

  it('jobs() says which instance runs which tick', async () => {
    const lock = memoryLock();
    const a = createScheduler({ lock, instanceId: 'runner' });
    const b = createScheduler({ lock, instanceId: 'watcher' });
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let running = false;
    a.add({
      name: 'w',
      cron: '0 0 1 1 *',
      timezone: 'Europe/Berlin',
      run: async () => {
        running = true;
        await gate;
      },
    });
    b.add({ name: 'w', cron: '0 0 1 1 *', timezone: 'Europe/Berlin', run: () => {} });
    const run = a.trigger('w', { here: true });
    await until(() => running);
    const [status] = await b.jobs();
    expect(status).toMatchObject({
      name: 'w',
      schedule: { cron: '0 0 1 1 *' },
      timezone: 'Europe/Berlin',
      running: [{ instanceId: 'runner', tickId: expect.stringMatching(/^w@manual:/) }],
    });
    expect(status?.nextRuns).toHaveLength(5);
    release();
    await run;
    expect((await b.jobs())[0]?.running).toEqual([]);
  });
});

describe('remove and asyncDispose', () => {
  it('remove() stops the job here; Symbol.asyncDispose stops the scheduler', async () => {
    const s = createScheduler({ lock: memoryLock(), controlInterval: 20 });
    const ticks: string[] = [];
    s.add({ name: 'gone', every: 50, run: () => void ticks.push('gone') });
    s.add({ name: 'stays', every: 50, run: () => void ticks.push('stays') });
    await s.start();
    await until(() => ticks.includes('gone') && ticks.includes('stays'), 20_000, 'both jobs to run');
    s.remove('gone');
    await new Promise((r) => setTimeout(r, 150));
    const cut = ticks.length;
    await until(() => ticks.slice(cut).filter((t) => t === 'stays').length >= 2, 20_000, 'the other job to go on');
    expect(ticks.slice(cut)).not.toContain('gone');
    expect(() => s.remove('gone')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    await s[Symbol.asyncDispose]();
    const after = ticks.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(ticks.length).toBe(after);
  });
});
