/** The operator-console rules in memory, on PGlite and on the PostgreSQL server. */
import { memoryRepositories } from '../../adapters/memory/repositories.js';
import { describeWithPostgres } from '../helpers/services.js';
import { consoleSuite } from './console.suite.js';
import { openPglite, serverOpener } from './open-postgres.js';

consoleSuite('memory', async () => ({ repositories: memoryRepositories(), close: async () => {} }));
consoleSuite('PGlite', openPglite);
describeWithPostgres('on the PostgreSQL server', () => {
  consoleSuite('PostgreSQL', serverOpener(4));
});
