/**
 * `npm run start:express`: the Express example, configured from the environment (see docs/examples.md).
 * Prints its URL and how to sign in, runs the ISIN sync job, and shuts down gracefully on SIGTERM.
 */
import { runServer } from '../shared/run-server.js';
import { startExpressServer } from './server.js';

await runServer('Express', startExpressServer);
