import { repositoriesConformance } from 'tickwork/testing';
import { memoryRepositories } from '../../../adapters/memory/repositories.js';

repositoriesConformance('memory', async () => ({ repositories: memoryRepositories(), close: async () => {} }));
