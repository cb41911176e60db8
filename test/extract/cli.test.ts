import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';
import { memoryIo } from '../cli/memory-io.js';
import { expectUsageError } from '../cli/usage-error.js';
import { SAMPLE, SAMPLE_IDS, SAMPLE_WITH_WARNING } from './sample.js';

const dir = mkdtempSync(join(tmpdir(), 'tickwork-extract-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('tickwork extract', () => {
  it('prints the ids one per line from a file', async () => {
    const io = memoryIo();
    expect(await runCli(['extract', file('sample.txt', SAMPLE_WITH_WARNING)], io)).toBe(EXIT.ok);
    expect(io.out()).toBe(`${SAMPLE_IDS.join('\n')}\n`);
  });

  it('reads standard input for -', async () => {
    const io = memoryIo('{"id":1}\n{"code":2}\n');
    expect(await runCli(['extract', '-'], io)).toBe(EXIT.ok);
    expect(io.out()).toBe('1\n2\n');
  });

  it('prints one JSON document with --json, honouring --keys', async () => {
    const io = memoryIo('{"id":1,"n":2,"user_id":-3,"n":1.5}');
    expect(await runCli(['extract', '-', '--json', '--keys', 'n,user_id'], io)).toBe(EXIT.ok);
    const out = JSON.parse(io.out());
    expect(out.matches).toEqual([
      { key: 'n', value: 2, start: 12, end: 13 },
      { key: 'user_id', value: -3, start: 24, end: 26 },
    ]);
    expect(out.diagnostics).toMatchObject([{ kind: 'non-integer', raw: '1.5' }]);
    expect(out.complete).toBe(true);
  });

  it('prints exact big integers with --bigint, and stops with exit 1 without it', async () => {
    const big = '{"id":123456789012345678901234567890}';
    const exact = memoryIo(big);
    expect(await runCli(['extract', '-', '--bigint'], exact)).toBe(EXIT.ok);
    expect(exact.out()).toBe('123456789012345678901234567890\n');
    const json = memoryIo(big);
    expect(await runCli(['extract', '-', '--bigint', '--json'], json)).toBe(EXIT.ok);
    expect(json.out()).toContain('"value":123456789012345678901234567890');
    const refused = memoryIo(big);
    expect(await runCli(['extract', '-'], refused)).toBe(EXIT.failed);
    expect(refused.err()).toContain('--bigint');
  });

  it('warns on stderr about skipped values and exits 1 for truncated input', async () => {
    const io = memoryIo('{"id":1,"code":2.5,"id":3');
    expect(await runCli(['extract', '-'], io)).toBe(EXIT.failed);
    expect(io.out()).toBe('1\n');
    expect(io.err()).toMatch(/non-integer: .*2\.5/);
    expect(io.err()).toMatch(/truncated: .*not returned/);
  });

  it('says clearly that a missing file or a directory cannot be read, with exit code 3', async () => {
    const missing = memoryIo();
    expect(await runCli(['extract', join(dir, 'nope.json')], missing)).toBe(EXIT.io);
    expect(missing.err()).toMatch(/cannot read '.*nope\.json': ENOENT/);
    const directory = memoryIo();
    expect(await runCli(['extract', dir], directory)).toBe(EXIT.io);
    expect(directory.err()).toMatch(/cannot read .*EISDIR/);
    expect(missing.out()).toBe('');
  });

  it('rejects a bad command line with exit code 2: one line and a hint, not the whole help', async () => {
    const cases: [string[], RegExp][] = [
      [[], /missing <file\|-> argument/],
      [['a', 'b'], /unexpected argument 'b'/],
      [['-', '--frob'], /unknown option '--frob'/],
      [['-', '--keys', ','], /--keys needs a comma-separated list/],
    ];
    for (const [args, message] of cases) {
      const io = memoryIo();
      expect(await runCli(['extract', ...args], io)).toBe(EXIT.usage);
      expectUsageError(io.err(), 'tickwork extract', message);
    }
  });

  it('runs as the built binary (dist/cli.js, made by `npm run build`)', () => {
    const cli = resolve(import.meta.dirname, '../../dist/cli.js');
    const path = file('bin.json', SAMPLE);
    const out = execFileSync(process.execPath, [cli, 'extract', path], { encoding: 'utf8' });
    expect(out).toBe(`${SAMPLE_IDS.join('\n')}\n`);
    const piped = spawnSync(process.execPath, [cli, 'extract', '-', '--json'], { input: SAMPLE, encoding: 'utf8' });
    expect(piped.status).toBe(0);
    expect(JSON.parse(piped.stdout).matches).toHaveLength(SAMPLE_IDS.length);
    const missing = spawnSync(process.execPath, [cli, 'extract', join(dir, 'missing')], { encoding: 'utf8' });
    expect(missing.status).toBe(EXIT.io);
    expect(missing.stderr).toContain('ENOENT');
  });
});
