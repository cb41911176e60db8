import { memoryRepositories } from '../../../adapters/memory/repositories.js';
import { repositorySuites } from '../../conformance/repositories.js';

repositorySuites('memory', async () => ({ repositories: memoryRepositories(), close: async () => {} }));
