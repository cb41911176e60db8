/**
 * ISIN list benchmark: a generated 7,000,000-row GLEIF-shaped CSV (`LEI,ISIN`, 34-byte rows, 0.05 % invalid).
 * Each contender runs in its own child process (so peak RSS is its own) on the same file:
 *   - tickwork parseIsinList → IsinSet, then diff against a previous 7 M snapshot loaded from bytes
 *   - tickwork fetchIsinList on the gzip of the same file
 *   - csv-parse and papaparse pipelines: same validation (isIsin), into a sorted, de-duplicated array
 * Run: `npm run bench -- isin` (ISIN_BENCH_ROWS overrides the row count).
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { fetchIsinList } from '../../src/isin/fetch-list.js';
import { IsinSet } from '../../src/isin/isin-set.js';
import { parseIsinList } from '../../src/isin/parse-list.js';
import { isIsin } from '../../src/isin/validate.js';
import { prng, randomIsin, randomLei } from '../isin/generate.js';

const ROWS = Number(process.env.ISIN_BENCH_ROWS ?? 7_000_000);
const CHILD_FLAG = '--isin-bench-child';

interface ChildReport {
  ms: number;
  diffMs?: number;
  size: number;
  rows: number;
  maxRssMB: number;
  added?: number;
  removed?: number;
}

/** Writes the list; `changed` of every 100 rows get another ISIN (the "previous" file differs by ~1 %). */
async function writeList(path: string, seed: number, changed: number): Promise<void> {
  const rows = prng(seed);
  const other = prng(seed + 1000);
  const out = createWriteStream(path);
  out.write('LEI,ISIN\n');
  for (let at = 0; at < ROWS; ) {
    const lines: string[] = [];
    for (let i = 0; i < 100_000 && at < ROWS; i++, at++) {
      const lei = randomLei(rows);
      let isin = randomIsin(rows);
      if (at % 100 < changed) isin = randomIsin(other);
      // 0.05 % invalid rows: a wrong check digit.
      if (at % 2000 === 1999) isin = isin.slice(0, 11) + ((Number(isin[11]) + 1) % 10);
      lines.push(`${lei},${isin}\n`);
    }
    if (!out.write(lines.join(''))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

const rssMB = () => process.resourceUsage().maxRSS / 1024;

/** Sorted unique array of strings: what a string pipeline naturally produces. */
function sortUnique(values: string[]): string[] {
  values.sort();
  let n = 0;
  for (let i = 0; i < values.length; i++) if (i === 0 || values[i] !== values[i - 1]) values[n++] = values[i]!;
  values.length = n;
  return values;
}

async function child(kind: string, file: string, previous: string): Promise<ChildReport> {
  if (kind === 'idle') return { ms: 0, size: 0, rows: 0, maxRssMB: rssMB() };
  if (kind === 'prepare') {
    const list = await parseIsinList(createReadStream(file, { highWaterMark: 1 << 20 }));
    await writeFile(previous, list.set.toBytes());
    return { ms: 0, size: list.set.size, rows: list.rows, maxRssMB: rssMB() };
  }
  if (kind === 'tickwork' || kind === 'tickwork-gzip') {
    const before = IsinSet.fromBytes(await readFile(previous));
    const t0 = performance.now();
    let set: IsinSet;
    let rows: number;
    if (kind === 'tickwork') {
      const list = await parseIsinList(createReadStream(file, { highWaterMark: 1 << 20 }));
      set = list.set;
      rows = list.rows;
    } else {
      const r = await fetchIsinList(`${file}.gz`);
      if (r.status !== 'fetched') throw new Error('expected a list');
      set = r.list.set;
      rows = r.list.rows;
    }
    const ms = performance.now() - t0;
    const t1 = performance.now();
    const d = before.diff(set);
    const diffMs = performance.now() - t1;
    return { ms, diffMs, size: set.size, rows, maxRssMB: rssMB(), added: d.added.size, removed: d.removed.size };
  }
  const valid: string[] = [];
  let rows = 0;
  const t0 = performance.now();
  if (kind === 'csv-parse') {
    const { parse } = await import('csv-parse');
    const parser = createReadStream(file, { highWaterMark: 1 << 20 }).pipe(parse({ from_line: 2, bom: true }));
    for await (const record of parser as AsyncIterable<string[]>) {
      rows++;
      const v = record[1];
      if (v !== undefined && isIsin(v)) valid.push(v);
    }
  } else {
    const Papa = (await import('papaparse')).default;
    await new Promise<void>((resolve, reject) => {
      let first = true;
      Papa.parse(createReadStream(file, { highWaterMark: 1 << 20 }) as never, {
        step: (r: { data: string[] }) => {
          if (first) {
            first = false;
            return;
          }
          rows++;
          const v = r.data[1];
          if (v !== undefined && isIsin(v)) valid.push(v);
        },
        complete: () => resolve(),
        error: (e: Error) => reject(e),
      });
    });
  }
  const unique = sortUnique(valid);
  return { ms: performance.now() - t0, size: unique.length, rows, maxRssMB: rssMB() };
}

function runChild(kind: string, file: string, previous: string): ChildReport {
  const self = fileURLToPath(import.meta.url);
  const out = execFileSync(
    process.execPath,
    ['--max-old-space-size=4096', '--import', 'tsx', self, CHILD_FLAG, kind, file, previous],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as ChildReport;
}

export default async function bench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tickwork-isin-bench-'));
  try {
    const file = join(dir, 'lei-isin.csv');
    const prevFile = join(dir, 'previous.csv');
    const prevSnap = join(dir, 'previous.bin');
    let t = performance.now();
    await writeList(file, 1, 0);
    await writeList(prevFile, 1, 1);
    await pipeline(createReadStream(file), createGzip({ level: 6 }), createWriteStream(`${file}.gz`));
    const size = (await stat(file)).size;
    const gzSize = (await stat(`${file}.gz`)).size;
    console.log(
      `\nGenerated ${ROWS.toLocaleString('en')} rows: ${(size / 1e6).toFixed(1)} MB CSV, ${(gzSize / 1e6).toFixed(1)} MB gzip, previous list differs by ~1 % (${((performance.now() - t) / 1000).toFixed(1)} s)`,
    );
    t = performance.now();
    const prepared = runChild('prepare', prevFile, prevSnap);
    console.log(
      `Previous snapshot: ${prepared.size.toLocaleString('en')} ISINs (${((performance.now() - t) / 1000).toFixed(1)} s)`,
    );
    const idle = runChild('idle', file, prevSnap);
    console.log(`A child that only loads the modules (node + tsx loader): peak RSS ${idle.maxRssMB.toFixed(0)} MB`);
    const kinds = ['tickwork', 'tickwork-gzip', 'papaparse', 'csv-parse'];
    const results = new Map<string, ChildReport>();
    for (const kind of kinds) results.set(kind, runChild(kind, file, prevSnap));
    const csvParse = results.get('csv-parse')!;
    console.log('\nparse + validate + sorted unique snapshot (each in its own process; RSS = that process’s peak)');
    for (const kind of kinds) {
      const r = results.get(kind)!;
      const rate = (r.rows / (r.ms / 1000) / 1e6).toFixed(2);
      console.log(
        `  ${kind.padEnd(16)} ${(r.ms / 1000).toFixed(2).padStart(7)} s  ${rate.padStart(6)} M rows/s  peak RSS ${r.maxRssMB.toFixed(0).padStart(5)} MB  ${(csvParse.ms / r.ms).toFixed(2).padStart(6)}× vs csv-parse  unique ${r.size}`,
      );
    }
    const ours = results.get('tickwork')!;
    console.log(
      `\ndiff of two ${ROWS.toLocaleString('en')}-row sets (merge): ${ours.diffMs!.toFixed(1)} ms  (+${ours.added} −${ours.removed})`,
    );
    for (const r of results.values()) {
      if (r.size !== ours.size) console.log(`  !! unique counts differ: ${r.size} vs ${ours.size}`);
    }
    console.log(
      `machine: ${execFileSync('nproc', { encoding: 'utf8' }).trim()} cores, load ${execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).trim()}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === CHILD_FLAG) {
  const [kind, file, previous] = process.argv.slice(3) as [string, string, string];
  child(kind, file, previous).then((r) => process.stdout.write(`${JSON.stringify(r)}\n`));
}
