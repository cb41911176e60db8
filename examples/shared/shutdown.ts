/** Graceful shutdown on SIGTERM and SIGINT, shared by both servers' entry points. */
import type { ExampleLogger } from './logger.js';
import { onParentExit } from './parent-watch.js';

/**
 * Calls `close` once on the first SIGTERM or SIGINT, or when the `npm start` that ran the process has gone (see
 * {@link onParentExit}), then exits. A second signal, or `close` taking longer
 * than `hardLimitMs`, exits at once with status 1 so an orchestrator is never left waiting.
 */
export function closeOnSignals(close: () => Promise<void>, logger: ExampleLogger, hardLimitMs: number): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals | 'parent exited') => {
    if (closing) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    closing = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ hardLimitMs }, 'shutdown took too long: exiting');
      process.exit(1);
    }, hardLimitMs);
    timer.unref();
    close().then(
      () => {
        logger.info({}, 'shut down cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  onParentExit(() => onSignal('parent exited'));
}
