/**
 * The job console over a real scheduler (memory lock): what a failed run's error shows to an admin (a
 * tickwork error's message, redacted; never a driver's or a library's own text), and that only admins get
 * anything.
 */

import { createScheduler, isTickworkError, type PublicUser, type Scheduler, TickworkError } from 'tickwork';
import { memoryLock } from 'tickwork/memory';
import { afterEach, describe, expect, it } from 'vitest';
import { createJobConsole } from '../shared/job-console.js';

const SOURCE = 'https://bot:s3cret@lists.example/isin.csv?token=abc';
const person = (role: 'admin' | 'user'): PublicUser => ({
  id: `${role}-1`,
  email: `${role}@example.com`,
  name: role,
  role,
  createdAt: new Date(),
  updatedAt: new Date(),
  version: 1,
});

let scheduler: Scheduler | undefined;
afterEach(async () => {
  await scheduler?.stop({ grace: 1000 });
  scheduler = undefined;
});

describe('createJobConsole', () => {
  it('shows a tickwork error redacted, and no message at all for an error without a tickwork code', async () => {
    scheduler = createScheduler({ lock: memoryLock() });
    const failures: Record<string, () => Error> = {
      'tickwork-error': () => new TickworkError('UNAVAILABLE', `Cannot reach ${SOURCE}: refused`),
      'driver-error': () =>
        Object.assign(new Error(`connect ECONNREFUSED password=${'hunter2'}`), { code: 'ECONNREFUSED' }),
      'plain-error': () => new Error('library internals: password=hunter2'),
    };
    for (const [name, failure] of Object.entries(failures)) {
      scheduler.add({
        name,
        cron: '0 0 1 1 *',
        run: async () => {
          throw failure();
        },
      });
    }
    await scheduler.start();
    const jobs = createJobConsole({ scheduler, redact: (message) => message.split(SOURCE).join('lists.example') });
    const admin = person('admin');
    const errorOf = async (name: string) => {
      expect((await scheduler?.trigger(name, { here: true }))?.outcome).toBe('failed');
      const { items } = await jobs.history(admin, name, { limit: 5 });
      expect(items[0]).toMatchObject({ outcome: 'failed', manual: true });
      return items[0]?.error;
    };
    expect(await errorOf('tickwork-error')).toEqual({
      code: 'UNAVAILABLE',
      message: 'Cannot reach lists.example: refused',
    });
    expect(await errorOf('driver-error')).toEqual({
      code: 'ECONNREFUSED',
      message: 'See the server log for the details.',
    });
    expect(await errorOf('plain-error')).toEqual({ code: 'INTERNAL', message: 'See the server log for the details.' });
    const listed = JSON.stringify(await jobs.list(admin));
    expect(listed).not.toContain('hunter2');
    expect(listed).not.toContain('s3cret');
  });

  it('refuses every operation to a user and answers NOT_FOUND for an unknown job', async () => {
    scheduler = createScheduler({ lock: memoryLock() });
    scheduler.add({ name: 'quiet', cron: '0 0 1 1 *', run: async () => undefined });
    await scheduler.start();
    const jobs = createJobConsole({ scheduler, redact: (message) => message });
    const user = person('user');
    for (const attempt of [
      () => jobs.list(user),
      () => jobs.history(user, 'quiet', { limit: 1 }),
      () => jobs.pause(user, 'quiet'),
      () => jobs.resume(user, 'quiet'),
      () => jobs.trigger(user, 'quiet'),
    ]) {
      await expect(attempt()).rejects.toSatisfy((error: unknown) => isTickworkError(error, 'FORBIDDEN'));
    }
    expect((await jobs.list(person('admin'))).items.map((j) => [j.name, j.paused])).toEqual([['quiet', false]]);
    await expect(jobs.pause(person('admin'), 'missing')).rejects.toSatisfy((error: unknown) =>
      isTickworkError(error, 'NOT_FOUND'),
    );
  });
});
