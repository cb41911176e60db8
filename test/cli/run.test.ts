import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { memoryIo } from './memory-io.js';

describe('tickwork command line', () => {
  it('prints usage and exits 2 without a command', async () => {
    const io = memoryIo();
    expect(await runCli([], io)).toBe(2);
    expect(io.out()).toMatch(/^Usage: tickwork <command>/);
  });

  it('exits 0 for --help', async () => {
    const io = memoryIo();
    expect(await runCli(['--help'], io)).toBe(0);
  });

  it('names an unknown command on stderr and exits 2', async () => {
    const io = memoryIo();
    expect(await runCli(['frobnicate'], io)).toBe(2);
    expect(io.err()).toContain("unknown command 'frobnicate'");
  });
});
