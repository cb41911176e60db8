/**
 * `npm start`: the Fastify example, configured from the environment (see docs/examples.md). Prints its URL
 * and how to sign in, runs the ISIN sync job, and shuts down gracefully on SIGTERM.
 */
import { runServer } from '../shared/run-server.js';
import { startFastifyServer } from './server.js';

await runServer('Fastify', startFastifyServer);
