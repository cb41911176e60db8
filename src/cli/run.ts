import { extractCommand } from './extract-command.js';
import type { CliCommand, CliIo } from './io.js';
import { EXIT } from './io.js';
import { isinCommand } from './isin-command.js';

/** Subcommands by name. Each module registers its command here. */
export const commands: Record<string, CliCommand> = {
  isin: isinCommand,
  extract: extractCommand,
};

function help(): string {
  const width = Math.max(0, ...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: tickwork <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `tickwork <command> --help` for details.',
    '',
  ].join('\n');
}

/**
 * Runs the `tickwork` command line and resolves to the exit code. Never throws: unexpected errors are printed
 * to stderr with exit code 1.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(help());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = commands[name];
  if (command === undefined) {
    io.stderr.write(`tickwork: unknown command '${name}'\n\n${help()}`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage.trimEnd()}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    io.stderr.write(`tickwork ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}
