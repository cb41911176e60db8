/** Child process for the crash test: saves two alternating large snapshots forever, reporting each save. */
import { fsIsinSnapshotStore } from '../../../adapters/fs/isin-snapshot-store.js';
import { IsinSet } from '../../../src/isin/isin-set.js';
import { distinctIsins } from '../../isin/generate.js';

const dir = process.argv[2]!;
const store = fsIsinSnapshotStore({ dir });
const sets = [IsinSet.from(distinctIsins(150_000, 1)), IsinSet.from(distinctIsins(100_000, 2))];
for (let i = 0; ; i++) {
  await store.save('crash', { set: sets[i % 2]!, meta: { fetchedAt: new Date().toISOString(), rows: i } });
  process.stdout.write(`saved ${i}\n`);
}
