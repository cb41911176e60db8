/**
 * `npm start`: the Fastify example, configured from the environment (see examples/README.md). Prints its
 * URL and how to sign in, runs the ISIN sync job, and shuts down gracefully on SIGTERM.
 */
import { printBanner } from '../shared/banner.js';
import { loadConfig } from '../shared/config.js';
import { createContainer } from '../shared/container.js';
import { createLogger } from '../shared/logger.js';
import { closeOnSignals } from '../shared/shutdown.js';
import { startFastifyServer } from './server.js';

const config = loadConfig();
const logger = createLogger(config);
const container = await createContainer(config, logger);
const server = await startFastifyServer(container, config.host, config.port);
await container.start();
printBanner('Fastify', server.url, container);
closeOnSignals(() => server.close(), logger, config.shutdownGraceMs + 5_000);
