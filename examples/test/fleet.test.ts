/**
 * Two processes of the same example, one PostgreSQL schema and one Redis prefix, the ISIN job every second:
 * each tick runs in exactly one of them. Real child processes started the way `npm start` starts them.
 */
import { afterAll, expect, it } from 'vitest';
import { isolatedPool } from '../../test/helpers/postgres.js';
import {
  DATABASE_URL,
  describeWithPostgres,
  describeWithRedis,
  REDIS_URL,
  randomSuffix,
} from '../../test/helpers/services.js';
import { type Child, ENTRIES, killChild, logEntries, startChild } from './child.js';
import { withSearchPath } from './harness.js';

const RUN_MS = 6_000;

/** The `isin sync finished` log lines of a child: one per run. */
function runsOf(child: Child): { tickId: string; fence: number; status: string; code?: string }[] {
  return logEntries(child)
    .filter((entry) => entry.msg === 'isin sync finished')
    .map((entry) => entry as unknown as { tickId: string; fence: number; status: string; code?: string });
}

describeWithPostgres('a fleet of two example processes', () => {
  describeWithRedis('sharing PostgreSQL and Redis', () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const cleanup of cleanups) await cleanup();
    });

    for (const [framework, entry] of Object.entries(ENTRIES)) {
      it(`${framework}: runs the every-second ISIN job once per tick and stops cleanly on SIGTERM`, async () => {
        const schema = await isolatedPool(1);
        cleanups.push(() => schema.close());
        const env = {
          HOST: '127.0.0.1',
          PORT: '0',
          LOG_LEVEL: 'info',
          DATABASE_URL: withSearchPath(DATABASE_URL, schema.schema),
          REDIS_URL,
          REDIS_PREFIX: `tw-fleet-${randomSuffix()}:`,
          ISIN_CRON: '* * * * * *',
          ADMIN_PASSWORD: 'fleet-admin-password',
          SHUTDOWN_GRACE_MS: '2000',
        };
        const children = [startChild(entry, env), startChild(entry, env)];
        cleanups.push(async () => children.forEach(killChild));
        await Promise.all(children.map((c) => c.listening));
        await new Promise((resolve) => setTimeout(resolve, RUN_MS));
        for (const c of children) c.process.kill('SIGTERM');
        const codes = await Promise.all(children.map((c) => c.exited));
        expect(codes).toEqual([0, 0]);

        // Scheduled ticks only: a start-up sync (`isin-sync@manual:<uuid>`) is not a tick of the schedule.
        const runs = children.flatMap(runsOf).filter((r) => !r.tickId.includes('@manual:'));
        const ticks = runs.map((r) => r.tickId);
        // Once per tick: no tick id twice across the two processes.
        expect(new Set(ticks).size).toBe(ticks.length);
        expect(ticks.length).toBeGreaterThanOrEqual(3);
        // Fences grow with the ticks, whichever process ran them.
        const byTick = [...runs].sort((a, b) => a.tickId.localeCompare(b.tickId));
        for (let i = 1; i < byTick.length; i++) expect(byTick[i]!.fence).toBeGreaterThan(byTick[i - 1]!.fence);
        // A run may lose to a newer fence (the start-up sync racing the first tick): the store refuses it, as
        // designed. Anything else must have succeeded.
        const refused = runs.filter((r) => r.status !== 'updated' && r.status !== 'not-modified');
        expect(refused.every((r) => r.status === 'failed' && r.code === 'STALE_FENCE')).toBe(true);
      });
    }
  });
});
