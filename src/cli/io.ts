/** Where a command reads and writes; real streams in the binary, buffers in tests. */
export interface CliIo {
  /** Standard output. */
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  /** Standard error. */
  readonly stderr: NodeJS.WritableStream;
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
