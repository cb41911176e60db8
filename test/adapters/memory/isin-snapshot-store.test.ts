import { memoryIsinSnapshotStore } from '../../../adapters/memory/isin-snapshot-store.js';
import { isinSnapshotStoreSuite } from '../../conformance/isin-snapshot-store.suite.js';

isinSnapshotStoreSuite('memory', async () => ({ store: memoryIsinSnapshotStore(), close: async () => {} }));
