import { extractCommand } from './extract-command.js';
import type { CliCommand, CliIo } from './io.js';
import { EXIT, usageError } from './io.js';
import { isinCommand } from './isin-command.js';
import { packageVersion } from './version.js';

/** Subcommands by name. Each module registers its command here. */
export const commands: Record<string, CliCommand> = {
  extract: extractCommand,
  isin: isinCommand,
};

const names = () => Object.keys(commands).join(', ');

function help(): string {
  const width = Math.max(0, ...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: tickwork <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Options:',
    '  -h, --help     show this help (also after any command: `tickwork isin validate --help`)',
    '  -v, --version  print the version',
    '',
    'Run `tickwork <command> --help` for details. A file argument of `-` reads standard input.',
    '',
  ].join('\n');
}

const wantsHelp = (args: readonly string[]) => {
  // Anything after `--` is data, never an option.
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
};

/**
 * Runs the `tickwork` command line and resolves to the exit code. Never throws: unexpected errors are printed
 * to stderr with exit code 1.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) return usageError(io, '', `missing command (one of: ${names()})`);
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(help());
    return EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (command === undefined) return usageError(io, '', `unknown command '${name}' (one of: ${names()})`);
  if (wantsHelp(rest)) {
    const sub = rest[0] !== undefined ? command.subcommands?.[rest[0]] : undefined;
    io.stdout.write(`${(sub ?? command.usage).trimEnd()}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    io.stderr.write(`tickwork ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}
