/**
 * An example server in a child process, started the way `npm start` starts it (`node --import tsx`), with its
 * log lines collected. Fault tests need a real process: a crash must show as an exit, not as a failed test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root, the children's working directory. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Entry points of the two examples. */
export const ENTRIES = {
  fastify: 'examples/fastify/main.ts',
  express: 'examples/express/main.ts',
} as const;

/** A running child server. */
export interface Child {
  /** The process. */
  readonly process: ChildProcess;
  /** Every stdout line so far. */
  readonly lines: string[];
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves the server's URL once it listens; rejects if the process exits first. */
  readonly listening: Promise<string>;
  /** Resolves the exit code (or the signal's name) once the process has exited. */
  readonly exited: Promise<number | string>;
}

/** Starts `entry` (a path relative to the repository root) with `env` on top of this process's environment. */
export function startChild(entry: string, env: Record<string, string>, args: readonly string[] = []): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args, entry], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buffered = '';
  let stderr = '';
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        const url = /listening on (http:\/\/\S+)/.exec(line)?.[1];
        if (url) resolve(url);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    void exited.then((code) => reject(new Error(`${entry} exited with ${code} before listening:\n${stderr}`)));
  });
  // A test that gives up on a child must not leave an unhandled rejection behind.
  listening.catch(() => {});
  return { process: child, lines, stderr: () => stderr, listening, exited };
}

/** The JSON log lines of a child, parsed. */
export function logEntries(child: Child): Record<string, unknown>[] {
  return child.lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Kills `child` with SIGKILL if it still runs (test clean-up). */
export function killChild(child: Child): void {
  if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
}
