/**
 * One contender of test/bench/isin.bench.ts, run by plain `node` in a process of its own so its peak RSS is
 * its own and includes no TypeScript loader: tickwork from the built package (`dist/`), as users run it.
 *
 *   node test/bench/isin-child.mjs <kind> <list.csv> <previous.bin> <previous.txt>
 *
 * Kinds: `tickwork` (parseIsinList on the file read into two alternating buffers), `tickwork-stream` (the same on
 * `createReadStream`), `tickwork-gzip` (fetchIsinList on the .gz), `csv-parse`, `papaparse`, `prepare`, `idle`.
 * Prints one JSON line: { ms, diffMs, size, rows, maxRssMB, added, removed }. `ms` covers parse + validate +
 * snapshot + diff; the previous snapshot is loaded before the clock starts, for every contender alike.
 */
import { createReadStream } from 'node:fs';
import { open, readFile, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { fetchIsinList, IsinSet, isIsin, parseIsinList } from '../../dist/index.js';

const [kind, file, previousBin, previousText] = process.argv.slice(2);
const rssMB = () => process.resourceUsage().maxRSS / 1024;
const read = () => createReadStream(file, { highWaterMark: 1 << 20 });

/**
 * The file in 1 MiB chunks read into two buffers in turn: the read of the next chunk starts before this one is
 * handed over, so the disk read (on libuv's threads) overlaps the parse, and parseIsinList, which takes each
 * chunk before it asks for the next, is done with a buffer by the time it is refilled. Nothing is allocated
 * per read, so no garbage buffers wait for a collection.
 */
async function* readAlternating() {
  const handle = await open(file);
  const buffers = [Buffer.allocUnsafe(1 << 20), Buffer.allocUnsafe(1 << 20)];
  let pending = handle.read(buffers[0], 0, 1 << 20, null);
  try {
    for (let k = 0; ; k++) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) return;
      pending = handle.read(buffers[(k + 1) & 1], 0, 1 << 20, null);
      yield buffers[k & 1].subarray(0, bytesRead);
    }
  } finally {
    // A read still in flight (the consumer stopped early) must end before the handle closes.
    await pending.catch(() => {});
    await handle.close();
  }
}

/** Sorted unique array of strings: what a string pipeline naturally produces. */
function sortUnique(values) {
  values.sort();
  let n = 0;
  for (let i = 0; i < values.length; i++) if (i === 0 || values[i] !== values[i - 1]) values[n++] = values[i];
  values.length = n;
  return values;
}

/** The string pipeline's diff: a `Set` of each side, each array filtered by the other's. */
function setDiff(previous, current) {
  const before = new Set(previous);
  const after = new Set(current);
  return { added: current.filter((v) => !before.has(v)), removed: previous.filter((v) => !after.has(v)) };
}

async function run() {
  if (kind === 'idle') return { ms: 0, size: 0, rows: 0, maxRssMB: rssMB() };
  if (kind === 'prepare') {
    // The previous list, as each side keeps its snapshot: tickwork's bytes, and one ISIN per line.
    const list = await parseIsinList(read());
    await writeFile(previousBin, list.set.toBytes());
    await writeFile(previousText, `${[...list.set].join('\n')}\n`);
    return { ms: 0, size: list.set.size, rows: list.rows, maxRssMB: rssMB() };
  }
  if (kind.startsWith('tickwork')) {
    const before = IsinSet.fromBytes(await readFile(previousBin));
    const t0 = performance.now();
    let set;
    let rows;
    if (kind !== 'tickwork-gzip') {
      const list = await parseIsinList(kind === 'tickwork' ? readAlternating() : read());
      set = list.set;
      rows = list.rows;
    } else {
      const r = await fetchIsinList(`${file}.gz`);
      if (r.status !== 'fetched') throw new Error('expected a list');
      set = r.list.set;
      rows = r.list.rows;
    }
    const t1 = performance.now();
    const d = before.diff(set);
    const t2 = performance.now();
    return {
      ms: t2 - t0,
      diffMs: t2 - t1,
      size: set.size,
      rows,
      maxRssMB: rssMB(),
      added: d.added.size,
      removed: d.removed.size,
    };
  }
  const previous = (await readFile(previousText, 'latin1')).split('\n');
  previous.pop();
  const valid = [];
  let rows = 0;
  const t0 = performance.now();
  if (kind === 'csv-parse') {
    const { parse } = await import('csv-parse');
    for await (const record of read().pipe(parse({ from_line: 2, bom: true }))) {
      rows++;
      const v = record[1];
      if (v !== undefined && isIsin(v)) valid.push(v);
    }
  } else {
    const Papa = (await import('papaparse')).default;
    await new Promise((resolve, reject) => {
      let first = true;
      Papa.parse(read(), {
        step: (r) => {
          if (first) {
            first = false;
            return;
          }
          rows++;
          const v = r.data[1];
          if (v !== undefined && isIsin(v)) valid.push(v);
        },
        complete: () => resolve(),
        error: (e) => reject(e),
      });
    });
  }
  const unique = sortUnique(valid);
  const t1 = performance.now();
  const d = setDiff(previous, unique);
  const t2 = performance.now();
  return {
    ms: t2 - t0,
    diffMs: t2 - t1,
    size: unique.length,
    rows,
    maxRssMB: rssMB(),
    added: d.added.length,
    removed: d.removed.length,
  };
}

run().then((r) => process.stdout.write(`${JSON.stringify(r)}\n`));
