import { open } from 'node:fs/promises';
import { isTickworkError, TickworkError } from '../errors.js';
import type { ExtractDiagnostic, ExtractMatch } from '../extract/index.js';
import { createExtractor, DEFAULT_KEYS } from '../extract/index.js';
import type { CliCommand, CliIo } from './io.js';
import { EXIT, usageError } from './io.js';

const usage = `Usage: tickwork extract <file|-> [--keys id,code] [--bigint] [--json]

Prints the integer values of the chosen keys found in a JSON or almost-JSON file (or standard input for -),
one per line, in document order. Numbers inside strings are never printed; fractions, exponents and
leading zeros are skipped with a warning on stderr. The file is streamed, so any size works.

Options:
  --keys <a,b>  keys to extract (default: ${DEFAULT_KEYS.join(',')})
  --bigint      print integers beyond 2^53 exactly (without it they stop the command with exit code 1)
  --json        print one JSON document: { matches: [{ key, value, start, end }], diagnostics, complete }
                (offsets are byte offsets)

Exit codes: 0 done; 1 the input was truncated or held an unsafe integer; 2 bad command line; 3 unreadable input.
`;

interface Args {
  readonly path: string;
  readonly keys: readonly string[];
  readonly bigint: boolean;
  readonly json: boolean;
}

function parseArgs(args: readonly string[]): Args | string {
  let path: string | undefined;
  let keys: readonly string[] = DEFAULT_KEYS;
  let bigint = false;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--json') json = true;
    else if (arg === '--bigint') bigint = true;
    else if (arg === '--keys' || arg.startsWith('--keys=')) {
      const value = arg === '--keys' ? args[++i] : arg.slice('--keys='.length);
      const list = (value ?? '').split(',').map((k) => k.trim());
      if (list.some((k) => k === '')) return '--keys needs a comma-separated list of key names';
      keys = list;
    } else if (arg.startsWith('-') && arg !== '-') return `unknown option '${arg}'`;
    else if (path === undefined) path = arg;
    else return `unexpected argument '${arg}'`;
  }
  if (path === undefined) return 'missing <file|-> argument';
  return { path, keys, bigint, json };
}

/** Writes and waits for `drain` when the destination's buffer is full, so a huge output streams too. */
async function put(io: CliIo, text: string): Promise<void> {
  if (text !== '' && !io.stdout.write(text)) {
    await new Promise<void>((resolve) => io.stdout.once('drain', resolve));
  }
}

async function source(path: string, io: CliIo): Promise<AsyncIterable<Uint8Array | string>> {
  if (path === '-') return io.stdin as AsyncIterable<Uint8Array | string>;
  // Open first, so a missing file or a directory is reported before anything is printed.
  const handle = await open(path, 'r');
  const info = await handle.stat();
  if (info.isDirectory()) {
    await handle.close();
    throw Object.assign(new Error(`EISDIR: '${path}' is a directory`), { code: 'EISDIR' });
  }
  return handle.createReadStream({ highWaterMark: 64 * 1024 });
}

function matchJson(m: ExtractMatch<number | bigint>): string {
  return `{"key":${JSON.stringify(m.key)},"value":${String(m.value)},"start":${m.start},"end":${m.end}}`;
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') return usageError(io, 'extract', parsed);
  const { path, keys, bigint, json } = parsed;
  const extractor = createExtractor({
    keys,
    bigint,
    onDiagnostic(d: ExtractDiagnostic) {
      if (d.kind === 'unsafe-integer') {
        throw new TickworkError('UNPROCESSABLE', `${d.message.replace('{ bigint: true }', '--bigint')}`);
      }
      if (!json) io.stderr.write(`tickwork extract: ${d.kind}: ${d.message}\n`);
    },
  });
  let first = true;
  const format = json
    ? (m: ExtractMatch<number | bigint>) => {
        const line = `${first ? '' : ',\n'}${matchJson(m)}`;
        first = false;
        return line;
      }
    : (m: ExtractMatch<number | bigint>) => `${String(m.value)}\n`;
  try {
    const input = await source(path, io);
    if (json) await put(io, '{"matches":[\n');
    for await (const chunk of input) {
      const matches = extractor.write(chunk);
      if (matches.length > 0) await put(io, matches.map(format).join(''));
    }
  } catch (error) {
    if (isTickworkError(error, 'UNPROCESSABLE')) {
      io.stderr.write(`tickwork extract: ${error.message}\n`);
      return EXIT.failed;
    }
    if (isTickworkError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    io.stderr.write(`tickwork extract: cannot read ${path === '-' ? 'standard input' : `'${path}'`}: ${reason}\n`);
    return EXIT.io;
  }
  const summary = extractor.end();
  if (json) {
    await put(
      io,
      `\n],"diagnostics":${JSON.stringify(summary.diagnostics)},"droppedDiagnostics":${summary.droppedDiagnostics},` +
        `"complete":${summary.complete}}\n`,
    );
  }
  return summary.complete ? EXIT.ok : EXIT.failed;
}

/** `tickwork extract <file|->`: prints the ids (or JSON) found in a file or standard input, streaming. */
export const extractCommand: CliCommand = {
  summary: 'print the integer values of id/code keys in JSON or almost-JSON text',
  usage,
  run,
};
