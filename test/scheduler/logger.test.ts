/** The logger port fits pino and console as they are; nothing is printed without a logger. */
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { memoryLock } from '../../adapters/memory/lock.js';
import { createScheduler } from '../../src/scheduler/index.js';
import type { Logger } from '../../src/types.js';

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

async function failingRun(logger: Logger | undefined): Promise<void> {
  const s = createScheduler(logger ? { lock: memoryLock(), logger } : { lock: memoryLock() });
  s.add({
    name: 'noisy',
    cron: '0 0 1 1 *',
    retry: { retries: 1, minTimeout: 5 },
    run: () => {
      throw new Error('handler failed');
    },
  });
  expect((await s.trigger('noisy', { here: true })).outcome).toBe('failed');
}

describe('logger port', () => {
  it('writes structured lines through pino with the job and tick id', async () => {
    const out = sink();
    await failingRun(pino({ level: 'debug' }, out.stream));
    const lines = out
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; job?: string; tickId?: string; attempt?: number });
    const attempt = lines.find((l) => l.msg === 'attempt failed');
    expect(attempt).toMatchObject({ job: 'noisy', attempt: 1 });
    expect(attempt?.tickId).toMatch(/^noisy@manual:/);
  });

  it('prints nothing without a logger', async () => {
    const spies = [
      vi.spyOn(process.stdout, 'write'),
      vi.spyOn(process.stderr, 'write'),
      ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m)),
    ];
    try {
      await failingRun(undefined);
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('writes through console', async () => {
    const out = sink();
    await failingRun(new Console({ stdout: out.stream, stderr: out.stream }));
    expect(out.text()).toContain('attempt failed');
    expect(out.text()).toContain("job: 'noisy'");
  });
});
