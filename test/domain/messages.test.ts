/** Error messages of the task lifecycle read as English: "An approved task", "A claimed task". */
import { describe, expect, it } from 'vitest';
import { memoryRepositories } from '../../adapters/memory/repositories.js';
import { shot, world } from './fixture.js';

const messageOf = (promise: Promise<unknown>) =>
  promise.then(
    () => '',
    (e: Error) => e.message,
  );

describe('task transition messages', () => {
  it('use the right article for the status', async () => {
    const w = world(memoryRepositories());
    const admin = await w.admin();
    const u = await w.user();
    const task = await w.services.tasks.claim(u, await w.app(admin));
    expect(await messageOf(w.services.tasks.approve(admin, task.id))).toBe('A claimed task cannot become approved');
    await w.services.tasks.submitProof(u, task.id, shot(1));
    await w.services.tasks.approve(admin, task.id);
    expect(await messageOf(w.services.tasks.approve(admin, task.id))).toBe('An approved task cannot become approved');
    expect(await messageOf(w.services.tasks.submitProof(u, task.id, shot(2)))).toBe('An approved task takes no proof');
  });
});
