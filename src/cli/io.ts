/** Where a command reads and writes; real streams in the binary, buffers in tests. */
export interface CliIo {
  /** Standard output. */
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  /** Standard error; progress and retries are drawn here when it is a terminal. */
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Standard input, read by commands given `-`. */
  readonly stdin: NodeJS.ReadableStream;
  /** Environment variables. */
  readonly env: NodeJS.ProcessEnv;
}

/** A subcommand: takes its own arguments, returns the process exit code. */
export interface CliCommand {
  /** One line for `tickwork --help`. */
  readonly summary: string;
  /** Full usage text for `tickwork <command> --help`. */
  readonly usage: string;
  /** Usage text of each sub-subcommand (`tickwork isin validate --help`), by name. */
  readonly subcommands?: Readonly<Record<string, string>>;
  /** Runs the command. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** Exit codes shared by every command. */
export const EXIT = {
  ok: 0,
  /** The command ran and found a problem in the data (an invalid ISIN, a rejected list). */
  failed: 1,
  /** The command line itself was wrong. */
  usage: 2,
  /** Input could not be read (missing file, network failure). */
  io: 3,
} as const;

/**
 * Reports a wrong command line the way common tools do: one line that says what is wrong, one that says where
 * the help is; never the whole help text, which would bury the error. `command` is e.g. `isin validate`.
 */
export function usageError(io: CliIo, command: string, message: string): number {
  const name = command === '' ? 'tickwork' : `tickwork ${command}`;
  io.stderr.write(`${name}: ${message}\nTry '${name} --help'.\n`);
  return EXIT.usage;
}

/** Reads a whole stream (standard input for `-`) as UTF-8 text. */
export async function readText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
