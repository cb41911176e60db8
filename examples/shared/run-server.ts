/**
 * The entry-point routine both `main.ts` files share: configuration from the environment, the container, the
 * server, the banner, and graceful shutdown on SIGTERM/SIGINT. A failure to start, or a start-up longer than
 * `STARTUP_TIMEOUT_MS`, is logged with the step it stuck at and exits 1.
 */
import { printBanner } from './banner.js';
import { loadConfig } from './config.js';
import { type Container, createContainer } from './container.js';
import { createLogger } from './logger.js';
import type { ServerHandle } from './server-handle.js';
import { closeOnSignals } from './shutdown.js';

/** Starts a server for `framework` with `start` and keeps it running until a signal. */
export async function runServer(
  framework: string,
  start: (container: Container, host: string, port: number) => Promise<ServerHandle>,
): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
    return;
  }
  const logger = createLogger(config);
  let step = 'reading the configuration';
  // A database or Redis that accepts connections but never answers would otherwise hold start-up forever,
  // silently: past the bound, say where it stuck and exit.
  const bound = setTimeout(() => {
    logger.fatal(
      { timeoutMs: config.timeouts.startupMs, step },
      `could not start within STARTUP_TIMEOUT_MS (${config.timeouts.startupMs} ms): stuck ${step}`,
    );
    process.exit(1);
  }, config.timeouts.startupMs);
  try {
    const container = await createContainer(config, logger, { onStep: (next) => (step = next) });
    let server: ServerHandle;
    try {
      step = 'starting the HTTP server';
      server = await start(container, config.host, config.port);
    } catch (error) {
      await container.close();
      throw error;
    }
    step = 'starting the scheduler (its lock checks)';
    await container.start();
    clearTimeout(bound);
    // Listening is not ready: the scheduler has started too now. One structured line for log collectors.
    logger.info({ framework, url: server.url }, 'ready');
    printBanner(framework, server.url, container);
    // The server drains its connections first (up to the grace period), then closes the container: the
    // scheduler (up to the grace period again), the pool and Redis.
    closeOnSignals(() => server.close(), logger, 2 * config.shutdownGraceMs + 5_000);
  } catch (error) {
    clearTimeout(bound);
    logger.fatal({ err: error, step }, 'could not start');
    process.exitCode = 1;
  }
}
