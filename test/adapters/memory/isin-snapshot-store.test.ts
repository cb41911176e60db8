import { isinSnapshotStoreConformance } from 'tickwork/testing';
import { memoryIsinSnapshotStore } from '../../../adapters/memory/isin-snapshot-store.js';

isinSnapshotStoreConformance('memory', async () => ({ store: memoryIsinSnapshotStore(), close: async () => {} }));
