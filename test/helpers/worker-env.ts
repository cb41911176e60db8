/**
 * The worker side of the real-process tests: settings come from the environment the test set, and SIGTERM
 * stops the scheduler gracefully before the process exits.
 */

/** An environment variable the worker needs; with a fallback, one it may go without. */
export function requiredEnv(name: string, fallback?: string): string {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
}

/**
 * On SIGTERM: stops `scheduler` with `grace`, then runs `close` (connections; a recorder's last writes go out
 * before it quits) and exits with 0.
 */
export function exitOnSigterm(
  scheduler: { stop(options: { grace: number }): Promise<void> },
  grace: number,
  close: () => unknown,
): void {
  process.once('SIGTERM', () => {
    void scheduler
      .stop({ grace })
      .then(close)
      .then(() => process.exit(0));
  });
}
