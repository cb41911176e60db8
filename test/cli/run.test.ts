import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { memoryIo } from './memory-io.js';
import { expectUsageError } from './usage-error.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('tickwork command line', () => {
  it('without a command, says so on one line with a hint and exits 2', async () => {
    const io = memoryIo();
    expect(await runCli([], io)).toBe(2);
    expectUsageError(io.err(), 'tickwork', /missing command \(one of: extract, isin\)/);
    expect(io.out()).toBe('');
  });

  it('prints the help on stdout and exits 0 for --help, -h and help', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const io = memoryIo();
      expect(await runCli([flag], io)).toBe(0);
      expect(io.out()).toMatch(/^Usage: tickwork <command>/);
      expect(io.out()).toContain('--version');
    }
  });

  it('prints the package version for --version and -v', async () => {
    for (const flag of ['--version', '-v']) {
      const io = memoryIo();
      expect(await runCli([flag], io)).toBe(0);
      expect(io.out()).toBe(`${version}\n`);
    }
  });

  it('names an unknown command on one line with a hint, not the whole help, and exits 2', async () => {
    const io = memoryIo();
    expect(await runCli(['frobnicate'], io)).toBe(2);
    expectUsageError(io.err(), 'tickwork', /unknown command 'frobnicate'/);
    // A command name that is an Object.prototype key is still unknown.
    const proto = memoryIo();
    expect(await runCli(['toString'], proto)).toBe(2);
    expectUsageError(proto.err(), 'tickwork', /unknown command 'toString'/);
  });

  it('gives each command and subcommand its own help for -h and --help', async () => {
    const cases: [string[], RegExp][] = [
      [['extract', '--help'], /^Usage: tickwork extract <file\|->/],
      [['isin', '-h'], /^Usage:\n {2}tickwork isin validate/],
      [['isin', 'validate', '--help'], /^Usage: tickwork isin validate .*<ISIN…\|->/],
      [['isin', 'fetch', '-h'], /^Usage: tickwork isin fetch <url\|file\|->/],
    ];
    for (const [argv, usage] of cases) {
      const io = memoryIo();
      expect(await runCli(argv, io), argv.join(' ')).toBe(0);
      expect(io.out()).toMatch(usage);
    }
    // After `--`, -h is data.
    const data = memoryIo();
    expect(await runCli(['isin', 'validate', '--', '-h'], data)).toBe(1);
    expect(data.out()).toContain('-h  invalid');
  });
});
