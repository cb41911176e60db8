/**
 * `npm run bench [name…]`: runs every `test/bench/*.bench.ts` (or those whose name contains one of the
 * arguments). Each benchmark runs its peers in the same process on the same input and prints ratios.
 */
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = (await readdir(here))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

if (files.length === 0) {
  console.error(`No benchmark matches ${filters.join(', ') || '(none found)'}.`);
  process.exitCode = 1;
}
for (const file of files) {
  console.log(`\n=== ${file} (node ${process.version}, ${process.platform}/${process.arch})`);
  const mod = (await import(join(here, file))) as { default: () => Promise<void> };
  await mod.default();
}
