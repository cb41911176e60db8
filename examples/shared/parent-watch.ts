/**
 * Shutting down when the parent process goes away. `npm start` runs the server under `sh -c`; when npm gets
 * SIGTERM it passes the signal to that shell only, the shell dies, and the server would live on as an orphan
 * holding its port. Re-parenting is the one sign every platform gives: the parent process id changes.
 */

/** How often the parent is checked, in milliseconds. */
export const PARENT_CHECK_MS = 1_000;

/**
 * Calls `onOrphaned` once when this process's parent changes (the parent exited). Only for processes started
 * by a package manager's script (`npm_lifecycle_event` set), so a server run directly by a supervisor keeps the
 * supervisor's own rules. Returns a function that stops watching.
 */
export function onParentExit(onOrphaned: () => void, env: NodeJS.ProcessEnv = process.env): () => void {
  if (!env.npm_lifecycle_event) return () => {};
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onOrphaned();
  }, PARENT_CHECK_MS);
  // Never the reason the process stays alive.
  timer.unref();
  return () => clearInterval(timer);
}
