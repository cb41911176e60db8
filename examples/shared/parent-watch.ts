/**
 * Shutting down when the `npm start` that ran the server has gone. npm runs a script under `sh -c` and, on
 * SIGTERM, passes the signal to that shell only: the shell dies and the server is re-parented. A package
 * manager that dies without passing a signal on (SIGKILL, a crash) leaves the shell alive instead, and the
 * server's parent never changes. So the server watches both its parent and, when that parent is the script's
 * shell, the package manager above it.
 *
 * Both are recorded when this module loads, at start-up: recorded once the server listens (as before), a
 * parent that died while the server started would be taken for the original one, and nothing would ever
 * change. That race lost the shutdown on a loaded machine.
 */
import { readFileSync, readlinkSync } from 'node:fs';

/** How often the parent is checked, in milliseconds. */
export const PARENT_CHECK_MS = 1_000;

/** A process as recorded at start-up: its id, and its start time so a reused id is not taken for it. */
export interface RecordedProcess {
  /** Process id. */
  readonly pid: number;
  /** Start time in clock ticks since boot (`/proc/<pid>/stat`, field 22). */
  readonly start: string;
}

/** Who started this process: its parent, and the package manager above the script's shell when there is one. */
export interface Ancestry {
  /** The parent's process id. */
  readonly parent: number;
  /** The package manager, when the parent is a shell it runs (not a Node process itself); Linux only. */
  readonly manager?: RecordedProcess;
}

interface ProcStat {
  readonly state: string;
  readonly ppid: number;
  readonly start: string;
}

/** A process's state, parent and start time from `/proc` (Linux); `undefined` when it is gone or elsewhere. */
function procStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', ppid: Number(fields[1]), start: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

/** Whether `pid` runs the same executable as this process (then it is the package manager, not a shell). */
function runsNode(pid: number): boolean | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`) === readlinkSync('/proc/self/exe');
  } catch {
    return undefined;
  }
}

/** Records this process's ancestry now (see the module comment for why at start-up). */
export function recordAncestry(): Ancestry {
  const parent = process.ppid;
  // A shell that execs the command (bash -c does) makes npm the parent: then the grandparent is the user's
  // shell or a supervisor, whose end is not the end of `npm start`.
  if (runsNode(parent) !== false) return { parent };
  const shell = procStat(parent);
  const manager = shell && procStat(shell.ppid);
  return shell && manager ? { parent, manager: { pid: shell.ppid, start: manager.start } } : { parent };
}

const STARTED_BY = recordAncestry();

/** Whether the recorded parent or package manager has gone. */
export function hasBeenOrphaned(ancestry: Ancestry): boolean {
  if (process.ppid !== ancestry.parent) return true;
  const { manager } = ancestry;
  if (!manager) return false;
  const now = procStat(manager.pid);
  // Gone, a zombie nobody reaped yet, or its id taken by a newer process.
  return now === undefined || now.state === 'Z' || now.start !== manager.start;
}

/**
 * Calls `onOrphaned` once when the parent or the package manager recorded at start-up has gone. Only for
 * processes started by a package manager's script (`npm_lifecycle_event` set), so a server run directly by a
 * supervisor keeps the supervisor's own rules. Returns a function that stops watching.
 */
export function onParentExit(
  onOrphaned: () => void,
  env: NodeJS.ProcessEnv = process.env,
  ancestry: Ancestry = STARTED_BY,
): () => void {
  if (!env.npm_lifecycle_event) return () => {};
  const timer = setInterval(() => {
    if (!hasBeenOrphaned(ancestry)) return;
    clearInterval(timer);
    onOrphaned();
  }, PARENT_CHECK_MS);
  // Never the reason the process stays alive.
  timer.unref();
  return () => clearInterval(timer);
}
