/**
 * The scheduler's promise under real faults, with real processes on the Redis lock: a holder SIGKILLed
 * mid-run with the default options, a lone holder SIGKILLed and replaced by a process started afterwards, a
 * process whose clock is 70 s behind, an idle process frozen with SIGSTOP while done markers expire, and a
 * holder frozen mid-run whose side effect must then be refused.
 * Periods and leases are short so each scenario takes seconds; `npm run soak` runs the same scenarios longer
 * and with more processes (`SOAK=<factor>`).
 */
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, expect, it } from 'vitest';
import { deletePrefix, ioredisClient } from '../adapters/redis/redis-clients.js';
import { describeWithRedis, REDIS_URL, randomSuffix } from '../helpers/services.js';
import { stopWorkers, useWorkers } from '../helpers/spawn-worker.js';
import { until } from './helpers.js';

const worker = resolve(import.meta.dirname, 'fault-worker.ts');
/** `npm run soak` sets SOAK (e.g. 8): every observation window grows by that factor, fleets by half of it. */
const SOAK = Math.max(1, Number(process.env.SOAK ?? 1));
const observe = (ms: number) => sleep(ms * SOAK);
const more = (n: number) => Array.from({ length: Math.round(n * Math.max(1, SOAK / 2)) }, () => ({}));
const TIMEOUT = 120_000 * SOAK;

interface RunRecord {
  tick: number;
  fence: number;
  pid: number;
  phase: 'start' | 'aborted' | 'write' | 'refused' | 'end' | 'done' | 'lost';
  at: number;
  catchUp?: boolean;
  freeze?: boolean;
  code?: string;
}

describeWithRedis('scheduler faults in real processes (Redis lock)', () => {
  const redis = ioredisClient();
  const prefixes: string[] = [];
  const startWorker = useWorkers();
  afterAll(async () => {
    for (const p of prefixes) await deletePrefix(redis, p);
    redis.disconnect();
  });

  /** Starts one worker per env and resolves once all print `ready`. */
  async function fleet(shared: Record<string, string>, each: Record<string, string>[]) {
    const prefix = `test:tickwork:faults:${randomSuffix()}:`;
    prefixes.push(prefix);
    const start = (extra: Record<string, string>) =>
      startWorker(worker, { env: { REDIS_URL, PREFIX: prefix, JOB: 'job', ...shared, ...extra } });
    const started = await Promise.all(each.map(start));
    const runs = async () => (await redis.lrange(`${prefix}runs`, 0, -1)).map((s) => JSON.parse(s) as RunRecord);
    const stop = (except: ChildProcess[] = []) => stopWorkers(started.filter((c) => !except.includes(c)));
    /** Starts one more worker into the same fleet (a replacement), resolved once it is ready. */
    const join = async (extra: Record<string, string> = {}) => {
      const child = await start(extra);
      started.push(child);
      return child;
    };
    return { children: started, runs, stop, join };
  }

  /** Waits until the records show `phase` for `tick`; on timeout the error lists every record. */
  async function untilRecorded(
    f: { runs(): Promise<RunRecord[]> },
    phase: RunRecord['phase'],
    tick: number,
    what: string,
    victim: RunRecord | undefined,
  ): Promise<void> {
    let seen = false;
    await until(
      () => {
        void f.runs().then((all) => {
          if (all.some((r) => r.phase === phase && r.tick === tick)) seen = true;
        });
        return seen;
      },
      60_000,
      what,
    ).catch(async (error: Error) => {
      // What each process did is the only way to tell why, after the fact.
      const records = (await f.runs()).map((r) => JSON.stringify(r)).join('\n');
      throw new Error(`${error.message}; victim ${JSON.stringify(victim)}; records:\n${records}`);
    });
  }

  const countBy = (records: RunRecord[], phase: RunRecord['phase']) => {
    const out = new Map<number, number>();
    for (const r of records) if (r.phase === phase) out.set(r.tick, (out.get(r.tick) ?? 0) + 1);
    return out;
  };

  /**
   * Where the records break the once-per-tick promise. A tick is finished when the lock accepted its completion
   * (`done`), not when its handler returned: a process stalled between the two loses its lease and the tick is
   * rightly taken over. So: a tick completes at most once, never starts after it completed, and starts again
   * only after the run before learned it lost its lease (`lost`, `aborted`, `refused`) or its process was
   * killed.
   */
  const violations = (records: RunRecord[], killed: number[] = []) => {
    const out: string[] = [];
    const ticks = new Map<number, RunRecord[]>();
    for (const r of records) ticks.set(r.tick, [...(ticks.get(r.tick) ?? []), r]);
    for (const [tick, rs] of ticks) {
      const done = rs.filter((r) => r.phase === 'done');
      if (done.length > 1) out.push(`${tick} completed ${done.length} times`);
      const doneAt = done[0]?.at ?? Infinity;
      const starts = rs.filter((r) => r.phase === 'start').sort((a, b) => a.fence - b.fence);
      for (const s of starts) if (s.at > doneAt) out.push(`${tick} started at ${s.at}, after it completed`);
      for (const s of starts.slice(0, -1)) {
        const ended = rs.some((r) => r.fence === s.fence && ['lost', 'aborted', 'refused'].includes(r.phase));
        if (!ended && !killed.includes(s.pid)) out.push(`${tick} started again while fence ${s.fence} held it`);
      }
    }
    // Every record, for the failure message: what each process did is the only way to tell why.
    return out.length === 0 ? [] : [...out, ...records.map((r) => JSON.stringify(r))];
  };

  it(
    'defaults (overlap skip): a holder SIGKILLed mid-run has its tick taken over; no tick runs twice',
    async () => {
      // A lease of whole periods: a dead holder's lease runs out exactly when a later tick falls due.
      const f = await fleet({ LEASE_TTL: '2000', WORK_MS: '900' }, more(4));
      await observe(3000);
      let victim: RunRecord | undefined;
      await until(
        () => {
          void f.runs().then((all) => {
            // A run that was aborted (its lease lost on a loaded machine) is over too: killing its process would
            // kill no run, and its tick may rightly have been superseded.
            const over = new Set(all.filter((r) => r.phase !== 'start').map((r) => `${r.pid}:${r.tick}`));
            const open = all.find((r) => r.phase === 'start' && !over.has(`${r.pid}:${r.tick}`));
            if (open && !victim) {
              victim = open;
              f.children.find((c) => c.pid === open.pid)?.kill('SIGKILL');
            }
          });
          return victim !== undefined;
        },
        30_000,
        'a run in progress to kill',
      );
      const killedTick = victim?.tick ?? 0;
      await untilRecorded(f, 'end', killedTick, 'the killed tick to be taken over', victim);
      await observe(2000);
      await f.stop();
      const all = await f.runs();
      expect(violations(all, [victim?.pid ?? 0])).toEqual([]);
      expect(countBy(all, 'done').get(killedTick)).toBe(1);
      const takeover = all.find((r) => r.phase === 'start' && r.tick === killedTick && r.pid !== victim?.pid);
      expect(takeover?.fence).toBeGreaterThan(victim?.fence ?? Infinity);
    },
    TIMEOUT,
  );

  it(
    'a lone holder SIGKILLed mid-run: the replacement started afterwards takes its tick over (catch-up none)',
    async () => {
      // A rolling restart of a one-process deployment: nobody else is up when the holder dies, so only the
      // process that replaces it can finish the claimed tick. Runs outlast the lease, so the kill hits one.
      const f = await fleet({ LEASE_TTL: '1500', WORK_MS: '3000' }, [{}]);
      const first = f.children[0];
      let victim: RunRecord | undefined;
      await until(
        () => {
          void f.runs().then((all) => {
            victim ??= all.find((r) => r.phase === 'start');
          });
          return victim !== undefined;
        },
        30_000,
        'a run to kill',
      );
      first?.kill('SIGKILL');
      const replacement = await f.join();
      const killedTick = victim?.tick ?? 0;
      await untilRecorded(f, 'done', killedTick, 'the replacement to take the killed tick over', victim);
      await f.stop(first ? [first] : []);
      const all = await f.runs();
      expect(violations(all, [victim?.pid ?? 0])).toEqual([]);
      const takeover = all.find((r) => r.phase === 'start' && r.tick === killedTick && r.pid === replacement.pid);
      expect(takeover?.fence).toBeGreaterThan(victim?.fence ?? Infinity);
      // A late tick to its handler, as a caught-up one is.
      expect(takeover?.catchUp).toBe(true);
      expect(countBy(all, 'done').get(killedTick)).toBe(1);
    },
    TIMEOUT,
  );

  it(
    'a process whose clock is 70 s behind never runs a tick; the others run every tick once',
    async () => {
      const f = await fleet({ LEASE_TTL: '1500', WORK_MS: '100', OVERLAP: 'allow', CATCH_UP: 'all' }, [
        { CLOCK_OFFSET: '-70000' },
        ...more(2),
      ]);
      const skewed = f.children[0]?.pid;
      const from = Math.ceil((Date.now() + 1000) / 1000) * 1000;
      await observe(8000);
      const to = Math.floor((Date.now() - 2000) / 1000) * 1000;
      await f.stop();
      const all = await f.runs();
      expect(all.filter((r) => r.pid === skewed)).toEqual([]);
      const done = countBy(all, 'done');
      const missing: number[] = [];
      for (let t = from; t <= to; t += 1000) if (done.get(t) !== 1) missing.push(t);
      expect(missing).toEqual([]);
      expect(violations(all)).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'an idle process frozen while done markers expire re-runs nothing when it resumes (catch-up all)',
    async () => {
      // Markers live 1 s and the process stays frozen 4 s: only the lock's cursor can tell the resumed process
      // that the fleet moved on.
      const f = await fleet(
        { LEASE_TTL: '1000', DONE_RETENTION: '1000', WORK_MS: '50', OVERLAP: 'allow', CATCH_UP: 'all' },
        more(2),
      );
      await observe(2000);
      const frozen = f.children[1];
      frozen?.kill('SIGSTOP');
      await observe(4000);
      frozen?.kill('SIGCONT');
      await observe(3000);
      await f.stop();
      const all = await f.runs();
      {
        const endedAt = new Map<number, number>();
        for (const r of all) if (r.phase === 'end' && !endedAt.has(r.tick)) endedAt.set(r.tick, r.at);
        const afterEnd = all.filter((r) => r.phase === 'start' && r.at > (endedAt.get(r.tick) ?? Infinity));
        if (afterEnd.length)
          console.log(
            'OLDHIT',
            JSON.stringify(afterEnd),
            '\n',
            all
              .filter((r) => afterEnd.some((a) => a.tick === r.tick))
              .map((r) => JSON.stringify(r))
              .join('\n'),
          );
      }
      // A completed tick never starts again (a takeover of one whose holder stalled, on a loaded machine, may).
      expect(violations(all)).toEqual([]);
      expect(countBy(all, 'done').size).toBeGreaterThan(5);
    },
    TIMEOUT,
  );

  it(
    'a holder frozen mid-run: the tick is taken over, and the resumed holder’s assertLease() refuses its write',
    async () => {
      // The frozen run checks its lease the moment it resumes, before any timer of its process fires (the lease's
      // validity timer included), so the refusal comes from assertLease(), which reads the monotonic deadline.
      // Catch-up 'all': on a loaded machine the other process may wake late for the tick; it still takes it over.
      const f = await fleet({ LEASE_TTL: '1000', WORK_MS: '300', OVERLAP: 'allow', CATCH_UP: 'all' }, [
        { STOP_SELF: '1' },
        ...more(1),
      ]);
      const holder = f.children[0];
      holder?.kill('SIGUSR2');
      let frozenRun: RunRecord | undefined;
      await until(
        () => {
          void f.runs().then((all) => {
            frozenRun ??= all.find((r) => r.phase === 'start' && r.pid === holder?.pid && r.freeze === true);
          });
          return frozenRun !== undefined && holder?.signalCode === null;
        },
        30_000,
        'the holder to freeze itself',
      );
      let takenOver = false;
      await until(
        () => {
          void f.runs().then((all) => {
            takenOver = all.some((r) => r.phase === 'write' && r.tick === frozenRun?.tick && r.pid !== holder?.pid);
          });
          return takenOver;
        },
        60_000,
        'the other process to take the tick over and write',
      );
      holder?.kill('SIGCONT');
      let resumed: RunRecord | undefined;
      await until(
        () => {
          void f.runs().then((all) => {
            resumed = all.find(
              (r) =>
                r.pid === holder?.pid &&
                r.tick === frozenRun?.tick &&
                ['aborted', 'refused', 'write'].includes(r.phase),
            );
          });
          return resumed !== undefined;
        },
        60_000,
        'the resumed holder to reach its side effect',
      );
      await f.stop();
      const all = await f.runs();
      expect(resumed).toMatchObject({ phase: 'refused', code: 'LEASE_LOST' });
      const writes = all.filter((r) => r.phase === 'write' && r.tick === frozenRun?.tick);
      expect(writes).toHaveLength(1);
      expect(writes[0]?.fence).toBeGreaterThan(frozenRun?.fence ?? Infinity);
    },
    TIMEOUT,
  );
});
