import { proofStoreConformance } from 'tickwork/testing';
import { memoryProofStore } from '../../../adapters/memory/proof-store.js';

proofStoreConformance('memory', async () => ({ store: memoryProofStore(), close: async () => {} }));
