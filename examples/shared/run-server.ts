/**
 * The entry-point routine both `main.ts` files share: configuration from the environment, the container, the
 * server, the banner, and graceful shutdown on SIGTERM/SIGINT. A failure to start is logged and exits 1.
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
  try {
    const container = await createContainer(config, logger);
    let server: ServerHandle;
    try {
      server = await start(container, config.host, config.port);
    } catch (error) {
      await container.close();
      throw error;
    }
    await container.start();
    printBanner(framework, server.url, container);
    // The server drains its connections first (up to the grace period), then closes the container: the
    // scheduler (up to the grace period again), the pool and Redis.
    closeOnSignals(() => server.close(), logger, 2 * config.shutdownGraceMs + 5_000);
  } catch (error) {
    logger.fatal({ err: error }, 'could not start');
    process.exitCode = 1;
  }
}
