import { parseArgs } from 'node:util';
import { fsIsinSnapshotStore } from '../../adapters/fs/isin-snapshot-store.js';
import { memoryIsinSnapshotStore } from '../../adapters/memory/isin-snapshot-store.js';
import { isTickworkError } from '../errors.js';
import type { IsinSyncResult } from '../isin/sync.js';
import { createIsinSync } from '../isin/sync.js';
import { validateIsin } from '../isin/validate.js';
import type { CliCommand, CliIo } from './io.js';
import { EXIT } from './io.js';

const usage = `Usage:
  tickwork isin validate [--lenient] [--json] <ISIN…>
  tickwork isin fetch <url|file> [--store <dir>] [--name <name>] [--json] [options]

validate  Checks each ISIN; exits 1 if any is invalid.
fetch     Downloads (or reads) a list, validates it and, with --store, compares it with the stored
          snapshot and replaces that snapshot if every gate passes. Exits 1 if the list was rejected,
          3 if it could not be read.

Options of fetch:
  --store <dir>               keep snapshots in this directory (without it nothing is saved)
  --name <name>               snapshot name (default: isin)
  --json                      print the result as JSON
  --min-rows <n>              gate: fewest unique ISINs (default 1)
  --max-removed-ratio <r>     gate: largest share of the previous list that may vanish (default 0.1)
  --max-invalid-ratio <r>     gate: largest share of invalid rows (default 0.01)
  --column <name|index>       the ISIN column (default: found by header name or by content)
  --encoding <utf-8|latin1>   text encoding (default utf-8)
  --lenient                   trim and upper-case values before validating
  --timeout <ms>              time limit per attempt (default 300000)
`;

const ioCodes = new Set(['UPSTREAM', 'TIMEOUT', 'NOT_FOUND', 'UNAVAILABLE', 'RATE_LIMITED']);

function validate(args: readonly string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { lenient: { type: 'boolean' }, json: { type: 'boolean' } },
  });
  if (positionals.length === 0) {
    io.stderr.write(`tickwork isin validate: give at least one ISIN\n\n${usage}`);
    return EXIT.usage;
  }
  const mode = values.lenient ? 'lenient' : 'strict';
  const results = positionals.map((input) => ({ input, ...validateIsin(input, { mode }) }));
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

function summary(r: IsinSyncResult, saved: boolean): string {
  const lines = [`${r.status}  ${r.name}${r.source ? ` from ${r.source.source}` : ''}`];
  if (r.reason && r.status !== 'updated') lines.push(`  ${r.code ?? ''} ${r.reason}`.trimEnd());
  if (r.counts) {
    const c = r.counts;
    lines.push(
      `  rows ${c.rows} · valid ${c.valid} · invalid ${c.invalid} · empty ${c.empty} · duplicates ${c.duplicates}`,
      `  unique ISINs ${c.size} (stored before: ${c.previousSize})`,
    );
  }
  if (r.diff) {
    const d = r.diff;
    lines.push(`  diff +${d.added} −${d.removed} (unchanged ${d.unchanged})`);
    if (d.addedSample.length > 0)
      lines.push(`  added:   ${d.addedSample.slice(0, 10).join(' ')}${d.added > 10 ? ' …' : ''}`);
    if (d.removedSample.length > 0) {
      lines.push(`  removed: ${d.removedSample.slice(0, 10).join(' ')}${d.removed > 10 ? ' …' : ''}`);
    }
  }
  if (r.invalidByCode && Object.keys(r.invalidByCode).length > 0) {
    lines.push(
      `  invalid by code: ${Object.entries(r.invalidByCode)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    for (const i of (r.issues ?? []).slice(0, 5))
      lines.push(`    line ${i.line}: ${i.code} ${JSON.stringify(i.value)}`);
  }
  if (r.status === 'updated' && !saved) lines.push('  (no --store: nothing saved)');
  lines.push(`  took ${(r.timings.totalMs / 1000).toFixed(2)} s`);
  return `${lines.join('\n')}\n`;
}

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
    },
  });
  if (positionals.length !== 1) {
    io.stderr.write(`tickwork isin fetch: give exactly one URL or file\n\n${usage}`);
    return EXIT.usage;
  }
  const number = (flag: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n)) throw new Error(`--${flag} expects a number, got ${JSON.stringify(value)}`);
    return n;
  };
  const column =
    values.column === undefined ? undefined : /^\d+$/.test(values.column) ? Number(values.column) : values.column;
  const store = values.store === undefined ? memoryIsinSnapshotStore() : fsIsinSnapshotStore({ dir: values.store });
  const progress = io.stdout.isTTY === true && !values.json;
  let lastDraw = 0;
  const minRows = number('min-rows', values['min-rows']);
  const maxRemovedRatio = number('max-removed-ratio', values['max-removed-ratio']);
  const maxInvalidRatio = number('max-invalid-ratio', values['max-invalid-ratio']);
  const timeout = number('timeout', values.timeout);
  let sync: ReturnType<typeof createIsinSync>;
  try {
    sync = createIsinSync({
      name: values.name ?? 'isin',
      source: positionals[0]!,
      store,
      gates: {
        ...(minRows === undefined ? {} : { minRows }),
        ...(maxRemovedRatio === undefined ? {} : { maxRemovedRatio }),
        ...(maxInvalidRatio === undefined ? {} : { maxInvalidRatio }),
      },
      ...(column === undefined ? {} : { column }),
      ...(values.encoding === undefined ? {} : { encoding: values.encoding as 'utf-8' | 'latin1' }),
      ...(values.lenient ? { mode: 'lenient' as const } : {}),
      ...(timeout === undefined ? {} : { timeout }),
      ...(progress
        ? {
            onProgress: (p: { bytes: number; totalBytes?: number; rows: number }) => {
              const now = Date.now();
              if (now - lastDraw < 200) return;
              lastDraw = now;
              const mb = (p.bytes / 1e6).toFixed(1);
              const of = p.totalBytes ? ` of ${(p.totalBytes / 1e6).toFixed(1)}` : '';
              io.stderr.write(`\r  ${mb}${of} MB · ${p.rows} rows`);
            },
          }
        : {}),
    });
  } catch (error) {
    if (isTickworkError(error, 'INVALID_OPTION') || isTickworkError(error, 'VALIDATION')) {
      io.stderr.write(`tickwork isin fetch: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
  const result = await sync();
  if (progress) io.stderr.write('\r\x1b[K');
  io.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : summary(result, values.store !== undefined));
  if (result.status === 'updated' || result.status === 'not-modified') return EXIT.ok;
  if (result.status === 'failed' && ioCodes.has(result.code ?? '')) return EXIT.io;
  return EXIT.failed;
}

/** `tickwork isin validate|fetch`. */
export const isinCommand: CliCommand = {
  summary: 'Validate ISINs, or fetch, check and snapshot an ISIN list',
  usage,
  async run(args, io) {
    const [sub, ...rest] = args;
    try {
      if (sub === 'validate') return validate(rest, io);
      if (sub === 'fetch') return await fetchCommand(rest, io);
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') || /^--/.test((error as Error).message)) {
        io.stderr.write(`tickwork isin ${sub}: ${(error as Error).message}\n`);
        return EXIT.usage;
      }
      throw error;
    }
    io.stderr.write(`tickwork isin: unknown subcommand ${JSON.stringify(sub ?? '')}\n\n${usage}`);
    return EXIT.usage;
  },
};
