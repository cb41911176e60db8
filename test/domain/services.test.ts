import { memoryRepositories } from '../../adapters/memory/repositories.js';
import { servicesSuite } from './services.suite.js';

servicesSuite('memory', async () => ({ repositories: memoryRepositories(), close: async () => {} }));
