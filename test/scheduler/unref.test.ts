/** `unref: true`: a started scheduler does not keep the process alive on its own. */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

it('lets the process exit while only unref-ed scheduler timers are pending', () => {
  const code = `
    import { createScheduler } from './src/scheduler/index.ts';
    import { memoryLock } from './adapters/memory/index.ts';
    const s = createScheduler({ lock: memoryLock(), unref: true });
    s.add({ name: 'yearly', cron: '0 0 1 1 *', run: () => {} });
    s.add({ name: 'often', every: 1000, run: () => {} });
    await s.start();
    console.log('started', (await s.jobs()).length);
  `;
  // Without unref the timers would keep the process alive and execFileSync would hit its timeout.
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: root,
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(out.trim()).toBe('started 2');
});
