/**
 * The test side of the real-process tests: workers are TypeScript files run under tsx, each prints `ready` on
 * stdout once its scheduler started. One place starts them, waits for them, stops them and makes sure none
 * outlives its test.
 */
import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { afterEach } from 'vitest';

/** How long a worker may take to print `ready` on a loaded machine. */
const READY_WITHIN_MS = 60_000;

/** Options of {@link startWorker}. */
export interface StartWorkerOptions {
  /** Added to this process's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** `true`: an IPC channel for `process.send` (the console workers), besides stdout. */
  readonly ipc?: boolean;
}

/**
 * Spawns `script` under tsx and resolves once it printed `ready`; rejects if it exits or stays silent for a
 * minute. `track` gets the child at once, so a caller's cleanup kills it even if it never gets ready.
 */
export function startWorker(
  script: string,
  options: StartWorkerOptions,
  track: (child: ChildProcess) => void = () => {},
): Promise<ChildProcess> {
  const stdio: StdioOptions = options.ipc ? ['ignore', 'pipe', 'inherit', 'ipc'] : ['ignore', 'pipe', 'inherit'];
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...options.env },
    stdio,
  });
  track(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => fail(new Error(`${script} printed no ready line within ${READY_WITHIN_MS} ms`)),
      READY_WITHIN_MS,
    );
    const onExit = (code: number | null, signal: string | null) =>
      fail(new Error(`${script} exited before it was ready (code ${code}, signal ${signal})`));
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (!out.includes('ready')) return;
      done();
      resolve(child);
    };
    const done = () => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout?.off('data', onData);
    };
    function fail(error: Error) {
      done();
      reject(error);
    }
    child.once('exit', onExit);
    child.stdout?.on('data', onData);
  });
}

/** Whether a child is still running (neither exited nor killed by a signal). */
export const isLive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** Sends SIGTERM to each live child and resolves once all of them exited (their graceful stop). */
export async function stopWorkers(children: readonly ChildProcess[]): Promise<void> {
  const live = children.filter(isLive);
  const exits = live.map((c) => new Promise((r) => c.once('exit', r)));
  for (const c of live) c.kill('SIGTERM');
  await Promise.all(exits);
}

/**
 * Workers started through the returned function are SIGKILLed after each test of the calling `describe`,
 * so a failing test never leaves a fleet running into the next one.
 */
export function useWorkers(): (script: string, options: StartWorkerOptions) => Promise<ChildProcess> {
  let children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children) if (isLive(c)) c.kill('SIGKILL');
    children = [];
  });
  return (script, options) => startWorker(script, options, (child) => children.push(child));
}
