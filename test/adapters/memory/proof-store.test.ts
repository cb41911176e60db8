import { memoryProofStore } from '../../../adapters/memory/proof-store.js';
import { proofStoreSuite } from '../../conformance/proof-store.suite.js';

proofStoreSuite('memory', async () => ({ store: memoryProofStore(), close: async () => {} }));
