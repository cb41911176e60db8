import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { memoryIo } from '../cli/memory-io.js';
import { expectUsageError } from '../cli/usage-error.js';
import { distinctIsins } from './generate.js';
import { startServer } from './http-server.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('tickwork isin validate', () => {
  it('exits 0 when all are valid and 1 when one is not, saying why', async () => {
    const ok = memoryIo();
    expect(await runCli(['isin', 'validate', 'US0378331005', 'NGSDCBANCO00'], ok)).toBe(0);
    expect(ok.out()).toContain('US0378331005  valid');
    const bad = memoryIo();
    expect(await runCli(['isin', 'validate', 'US0378331005', 'US0378331004'], bad)).toBe(1);
    expect(bad.out()).toContain('US0378331004  invalid CHECK_MISMATCH');
    expect(bad.out()).toContain('expected 5');
    const lenient = memoryIo();
    expect(await runCli(['isin', 'validate', '--lenient', '--json', ' us0378331005'], lenient)).toBe(0);
    expect(JSON.parse(lenient.out())[0]).toMatchObject({ ok: true, isin: 'US0378331005', warnings: ['NORMALIZED'] });
  });

  it('reads ISINs from standard input for -', async () => {
    const io = memoryIo('US0378331005\n# a comment line\n NGSDCBANCO00  US0378331004\n\n');
    expect(await runCli(['isin', 'validate', '-'], io)).toBe(1);
    expect(io.out()).toBe(
      'US0378331005  valid\nNGSDCBANCO00  valid\nUS0378331004  invalid CHECK_MISMATCH: Check digit 4 does not match; expected 5\n',
    );
  });

  it('exits 2 on usage errors, with one line and a hint, never the whole help', async () => {
    const cases: [string[], string, RegExp][] = [
      [['isin'], 'tickwork isin', /missing subcommand \(validate or fetch\)/],
      [['isin', 'frob'], 'tickwork isin', /unknown subcommand 'frob'/],
      [['isin', 'validate'], 'tickwork isin validate', /give at least one ISIN, or - for stdin/],
      [['isin', 'validate', '--nope', 'x'], 'tickwork isin validate', /Unknown option '--nope'/],
      [['isin', 'fetch'], 'tickwork isin fetch', /give exactly one URL, file or -/],
      [['isin', 'fetch', 'x.csv', '--retries', 'few'], 'tickwork isin fetch', /--retries expects a number/],
    ];
    for (const [argv, command, message] of cases) {
      const io = memoryIo();
      expect(await runCli(argv, io), argv.join(' ')).toBe(2);
      expectUsageError(io.err(), command, message);
    }
    const help = memoryIo();
    expect(await runCli(['isin', '--help'], help)).toBe(0);
    expect(help.out()).toContain('tickwork isin fetch');
  });
});

describe('tickwork isin fetch', () => {
  it('snapshots a file, reports the diff, refuses a list that lost 30 %, and fails clearly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tickwork-isin-cli-'));
    dirs.push(dir);
    const isins = distinctIsins(200, 8);
    const file = join(dir, 'list.csv');
    const write = (list: string[]) => writeFile(file, `ISIN\n${list.join('\n')}\n`);
    const store = join(dir, 'store');
    await write(isins);
    const first = memoryIo();
    expect(await runCli(['isin', 'fetch', file, '--store', store], first)).toBe(0);
    expect(first.out()).toMatch(/^updated {2}isin from /);
    expect(first.out()).toContain('diff +200 −0');

    await write([...isins.slice(1), 'US0378331005']);
    const second = memoryIo();
    expect(await runCli(['isin', 'fetch', file, '--store', store, '--json'], second)).toBe(0);
    expect(JSON.parse(second.out())).toMatchObject({ status: 'updated', diff: { added: 1, removed: 1 } });

    const same = memoryIo();
    expect(await runCli(['isin', 'fetch', file, '--store', store], same)).toBe(0);
    expect(same.out()).toMatch(/^not-modified/);

    await write(isins.slice(60));
    const cut = memoryIo();
    expect(await runCli(['isin', 'fetch', file, '--store', store], cut)).toBe(1);
    expect(cut.out()).toContain('MAX_REMOVED_RATIO');

    const missing = memoryIo();
    expect(await runCli(['isin', 'fetch', join(dir, 'nope.csv'), '--store', store], missing)).toBe(3);
    expect(missing.out()).toContain('NOT_FOUND');

    const badFlag = memoryIo();
    expect(await runCli(['isin', 'fetch', file, '--min-rows', 'many'], badFlag)).toBe(2);
  });

  it('reads the list from standard input for -', async () => {
    const isins = distinctIsins(50, 9);
    const io = memoryIo(`ISIN\n${isins.join('\n')}\n`);
    expect(await runCli(['isin', 'fetch', '-', '--json'], io)).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ status: 'updated', counts: { size: 50 }, source: { source: '-' } });
  });

  it('shows attempts and retries on a terminal when the server is unreachable, and stays quiet with --json', async () => {
    // A port that was just free: nothing listens there, so every attempt is refused.
    const closed = await startServer((_req, res) => res.end());
    const url = closed.url;
    await closed.close();
    const tty = memoryIo('', {}, { tty: true });
    expect(await runCli(['isin', 'fetch', url, '--retries', '1'], tty)).toBe(3);
    const lines = tty.err().split('\n');
    expect(lines[0]).toBe(`fetching ${url}`);
    expect(tty.err()).toMatch(/attempt 1 failed: ECONNREFUSED/);
    expect(tty.err()).toContain('retrying: attempt 2 of 2');
    expect(tty.err()).toMatch(/attempt 2 failed: ECONNREFUSED/);
    expect(tty.out()).toMatch(/^failed/);

    const json = memoryIo('', {}, { tty: true });
    expect(await runCli(['isin', 'fetch', url, '--retries', '1', '--json'], json)).toBe(3);
    expect(json.err()).toBe('');
    expect(JSON.parse(json.out())).toMatchObject({ status: 'failed', code: 'UPSTREAM' });

    const piped = memoryIo();
    expect(await runCli(['isin', 'fetch', url, '--retries', '0'], piped)).toBe(3);
    expect(piped.err()).toBe('');
  });

  it('exits 3 when the server sends an HTML page', async () => {
    const server = await startServer((_req, res) => res.end('<html><body>blocked</body></html>'));
    try {
      const io = memoryIo();
      expect(await runCli(['isin', 'fetch', server.url, '--timeout', '5000'], io)).toBe(3);
      expect(io.out()).toContain('HTML');
    } finally {
      await server.close();
    }
  });
});
