import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fsIsinSnapshotStore } from 'tickwork/fs';
import { memoryIsinSnapshotStore } from 'tickwork/memory';
import { isTickworkError } from '../errors.js';
import { createIsinSync } from '../isin/sync.js';
import { validateIsin } from '../isin/validate.js';
import { fetchReporter } from './fetch-reporter.js';
import type { CliCommand, CliIo } from './io.js';
import { EXIT, readText, usageError } from './io.js';
import { summary } from './isin-summary.js';

const validateUsage = `Usage: tickwork isin validate [--lenient] [--json] <ISIN…|->

Checks each ISIN; exits 1 if any is invalid. With -, reads ISINs from standard input (separated by spaces or
new lines; lines starting with # are skipped).

Options:
  --lenient   trim and upper-case values before validating
  --json      print the results as JSON
`;

const fetchUsage = `Usage: tickwork isin fetch <url|file|-> [--store <dir>] [--name <name>] [--json] [options]

Downloads (or reads; - is standard input) a list, validates it and, with --store, compares it with the stored
snapshot and replaces that snapshot if every gate passes. Exits 1 if the list was rejected, 3 if it could
not be read. On a terminal, progress and retries are shown on stderr (never with --json).

Options:
  --store <dir>               keep snapshots in this directory (without it nothing is saved)
  --name <name>               snapshot name (default: isin)
  --json                      print the result as JSON, and nothing on stderr
  --min-rows <n>              gate: fewest unique ISINs (default 1)
  --max-removed-ratio <r>     gate: largest share of the previous list that may vanish (default 0.1)
  --max-invalid-ratio <r>     gate: largest share of invalid rows (default 0.01)
  --column <name|index>       the ISIN column (default: found by header name or by content)
  --encoding <utf-8|latin1>   text encoding (default utf-8)
  --lenient                   trim and upper-case values before validating
  --timeout <ms>              time limit per attempt (default 300000)
  --retries <n>               retries after a network error, a 5xx or a 429 (default 3)
`;

const usage = `Usage:
  tickwork isin validate [--lenient] [--json] <ISIN…|->
  tickwork isin fetch <url|file|-> [--store <dir>] [--name <name>] [--json] [options]

Run \`tickwork isin validate --help\` or \`tickwork isin fetch --help\` for the options of each.
`;

const ioCodes = new Set(['UPSTREAM', 'TIMEOUT', 'NOT_FOUND', 'UNAVAILABLE', 'RATE_LIMITED']);

/** A bad flag value: reported as a usage error. */
class FlagError extends Error {}

async function validate(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { lenient: { type: 'boolean' }, json: { type: 'boolean' } },
  });
  if (positionals.length === 0) return usageError(io, 'isin validate', 'give at least one ISIN, or - for stdin');
  const inputs: string[] = [];
  for (const positional of positionals) {
    if (positional !== '-') inputs.push(positional);
    else {
      for (const line of (await readText(io.stdin)).split(/\r?\n/)) {
        if (!line.trimStart().startsWith('#')) inputs.push(...line.split(/[\s,;]+/).filter(Boolean));
      }
    }
  }
  const mode = values.lenient ? 'lenient' : 'strict';
  const results = inputs.map((input) => ({ input, ...validateIsin(input, { mode }) }));
  if (values.json) io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else {
    for (const r of results) {
      if (r.ok) {
        const notes = r.warnings.length > 0 ? ` (${r.warnings.join(', ')})` : '';
        io.stdout.write(`${r.isin}  valid${notes}\n`);
      } else io.stdout.write(`${r.input}  invalid ${r.code}: ${r.message}\n`);
    }
  }
  return results.every((r) => r.ok) ? EXIT.ok : EXIT.failed;
}

const number = (flag: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    throw new FlagError(`--${flag} expects a number, got ${JSON.stringify(value)}`);
  }
  return n;
};

async function fetchCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      store: { type: 'string' },
      name: { type: 'string' },
      json: { type: 'boolean' },
      'min-rows': { type: 'string' },
      'max-removed-ratio': { type: 'string' },
      'max-invalid-ratio': { type: 'string' },
      column: { type: 'string' },
      encoding: { type: 'string' },
      lenient: { type: 'boolean' },
      timeout: { type: 'string' },
      retries: { type: 'string' },
    },
  });
  if (positionals.length !== 1) return usageError(io, 'isin fetch', 'give exactly one URL, file or -');
  const minRows = number('min-rows', values['min-rows']);
  const maxRemovedRatio = number('max-removed-ratio', values['max-removed-ratio']);
  const maxInvalidRatio = number('max-invalid-ratio', values['max-invalid-ratio']);
  const timeout = number('timeout', values.timeout);
  const retries = number('retries', values.retries);
  const column =
    values.column === undefined ? undefined : /^\d+$/.test(values.column) ? Number(values.column) : values.column;
  const store = values.store === undefined ? memoryIsinSnapshotStore() : fsIsinSnapshotStore({ dir: values.store });
  const given = positionals[0] as string;
  const reporter =
    io.stderr.isTTY === true && !values.json
      ? fetchReporter(io, given === '-' ? 'standard input' : given, (retries ?? 3) + 1)
      : undefined;
  // Standard input is read once into a temporary file: the list reader takes paths and URLs, and a retry
  // must be able to read the list again.
  const stdinDir = given === '-' ? await mkdtemp(join(tmpdir(), 'tickwork-stdin-')) : undefined;
  try {
    const source = stdinDir === undefined ? given : join(stdinDir, 'list');
    if (stdinDir !== undefined) await writeFile(source, io.stdin as AsyncIterable<Uint8Array>);
    let sync: ReturnType<typeof createIsinSync>;
    try {
      sync = createIsinSync({
        name: values.name ?? 'isin',
        source,
        store,
        gates: {
          ...(minRows === undefined ? {} : { minRows }),
          ...(maxRemovedRatio === undefined ? {} : { maxRemovedRatio }),
          ...(maxInvalidRatio === undefined ? {} : { maxInvalidRatio }),
        },
        parse: {
          ...(column === undefined ? {} : { column }),
          ...(values.encoding === undefined ? {} : { encoding: values.encoding as 'utf-8' | 'latin1' }),
          ...(values.lenient ? { mode: 'lenient' as const } : {}),
        },
        ...(timeout === undefined ? {} : { timeout }),
        ...(retries === undefined ? {} : { retry: { retries } }),
        ...(reporter ? { fetch: reporter.fetch, onProgress: reporter.onProgress } : {}),
      });
    } catch (error) {
      if (isTickworkError(error, 'INVALID_OPTION') || isTickworkError(error, 'VALIDATION')) {
        return usageError(io, 'isin fetch', error.message);
      }
      throw error;
    }
    let result = await sync();
    reporter?.done();
    if (stdinDir !== undefined && result.source) result = { ...result, source: { ...result.source, source: '-' } };
    io.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : summary(result, values.store !== undefined));
    if (result.status === 'updated' || result.status === 'not-modified') return EXIT.ok;
    if (result.status === 'failed' && ioCodes.has(result.code ?? '')) return EXIT.io;
    return EXIT.failed;
  } finally {
    if (stdinDir !== undefined) await rm(stdinDir, { recursive: true, force: true });
  }
}

const subcommands = { validate, fetch: fetchCommand };

/** `tickwork isin validate|fetch`. */
export const isinCommand: CliCommand = {
  summary: 'Validate ISINs, or fetch, check and snapshot an ISIN list',
  usage,
  subcommands: { validate: validateUsage, fetch: fetchUsage },
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === undefined) return usageError(io, 'isin', 'missing subcommand (validate or fetch)');
    if (sub !== 'validate' && sub !== 'fetch') {
      return usageError(io, 'isin', `unknown subcommand '${sub}' (validate or fetch)`);
    }
    try {
      return await subcommands[sub](rest, io);
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') || error instanceof FlagError) {
        return usageError(io, `isin ${sub}`, (error as Error).message);
      }
      throw error;
    }
  },
};
