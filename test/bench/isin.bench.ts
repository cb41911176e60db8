/**
 * ISIN list benchmark: a generated 7,000,000-row GLEIF-shaped CSV (`LEI,ISIN`, 34-byte rows, 0.05 % invalid,
 * ~7 M distinct) and a previous list that differs by ~1 %. Each contender runs in a process of its own
 * (test/bench/isin-child.mjs, plain `node` on the built package, so peak RSS is its own and has no TypeScript
 * loader in it) and does the whole job: parse + validate + snapshot + diff against the previous snapshot,
 * which is loaded before the clock starts.
 *   - tickwork parseIsinList → IsinSet, then IsinSet.diff: the file read into two alternating 1 MiB buffers
 *     (the next read overlaps the parse; no garbage per read), and read with createReadStream (1 MiB) as the peers read it; fetchIsinList on the gzip
 *   - csv-parse and papaparse pipelines: the same validation (isIsin), a sorted unique array, a `Set` diff
 * The target: tickwork ≥ 30× the csv-parse pipeline, peak RSS ≤ 200 MB including Node.
 * Run: `npm run bench -- isin` (builds dist/ first). ISIN_BENCH_ROWS overrides the row count; ISIN_BENCH_DIR
 * keeps the generated files there and reuses them.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { prng, randomIsin, randomLei } from '../isin/generate.js';

const ROWS = Number(process.env.ISIN_BENCH_ROWS ?? 7_000_000);
const CHILD = fileURLToPath(new URL('./isin-child.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

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

function runChild(kind: string, file: string, previous: string): ChildReport {
  const out = execFileSync(process.execPath, [CHILD, kind, file, `${previous}.bin`, `${previous}.txt`], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildReport;
}

/** The median; of an even count, the lower middle (for the baseline, the figure least kind to tickwork). */
const median = (values: number[]) => [...values].sort((a, b) => a - b)[(values.length - 1) >> 1]!;

export default async function bench(): Promise<void> {
  const keep = process.env.ISIN_BENCH_DIR;
  const dir = keep ?? (await mkdtemp(join(tmpdir(), 'tickwork-isin-bench-')));
  try {
    await mkdir(dir, { recursive: true });
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    const file = join(dir, `lei-isin-${ROWS}.csv`);
    const prevFile = join(dir, `previous-${ROWS}.csv`);
    const prevSnap = join(dir, `previous-${ROWS}`);
    let t = performance.now();
    if (!existsSync(`${file}.gz`)) {
      await writeList(file, 1, 0);
      await writeList(prevFile, 1, 1);
      await pipeline(createReadStream(file), createGzip({ level: 6 }), createWriteStream(`${file}.gz`));
    }
    const size = (await stat(file)).size;
    const gzSize = (await stat(`${file}.gz`)).size;
    console.log(
      `\n${ROWS.toLocaleString('en')} rows: ${(size / 1e6).toFixed(1)} MB CSV, ${(gzSize / 1e6).toFixed(1)} MB gzip, previous list differs by ~1 % (${((performance.now() - t) / 1000).toFixed(1)} s)`,
    );
    t = performance.now();
    const prepared = runChild('prepare', prevFile, prevSnap);
    console.log(
      `Previous snapshot: ${prepared.size.toLocaleString('en')} ISINs (${((performance.now() - t) / 1000).toFixed(1)} s)`,
    );
    const idle = runChild('idle', file, prevSnap);
    console.log(`A child that only loads the modules (node + tickwork): peak RSS ${idle.maxRssMB.toFixed(0)} MB`);
    // tickwork and csv-parse alternate over the rounds (medians), so a busy neighbour slows both alike; the
    // slower peers run once.
    const rounds = Number(process.env.ISIN_BENCH_ROUNDS ?? 3);
    const runs = new Map<string, ChildReport[]>();
    const record = (kind: string) => {
      const r = runChild(kind, file, prevSnap);
      runs.set(kind, [...(runs.get(kind) ?? []), r]);
    };
    for (let round = 0; round < rounds; round++) {
      record('tickwork');
      if (round === 0) record('csv-parse');
    }
    record('tickwork-stream');
    record('tickwork-gzip');
    record('papaparse');
    if (rounds > 1) record('csv-parse');
    const summary = (kind: string): ChildReport => {
      const all = runs.get(kind)!;
      return {
        ...all[0]!,
        ms: median(all.map((r) => r.ms)),
        diffMs: median(all.map((r) => r.diffMs ?? 0)),
        maxRssMB: Math.max(...all.map((r) => r.maxRssMB)),
      };
    };
    const kinds = ['tickwork', 'tickwork-stream', 'tickwork-gzip', 'papaparse', 'csv-parse'];
    const csvParse = summary('csv-parse');
    console.log('\nparse + validate + sorted unique snapshot + diff (each in its own process; RSS = its peak)');
    for (const kind of kinds) {
      const r = summary(kind);
      const rate = (r.rows / (r.ms / 1000) / 1e6).toFixed(2);
      console.log(
        `  ${kind.padEnd(16)} ${(r.ms / 1000).toFixed(2).padStart(7)} s (diff ${r.diffMs!.toFixed(0).padStart(5)} ms)  ${rate.padStart(6)} M rows/s  peak RSS ${r.maxRssMB.toFixed(0).padStart(5)} MB  ${(csvParse.ms / r.ms).toFixed(2).padStart(6)}× vs csv-parse  unique ${r.size}  +${r.added} −${r.removed}  (${runs.get(kind)!.length} run(s))`,
      );
    }
    const ours = summary('tickwork');
    for (const kind of kinds) {
      const r = summary(kind);
      if (r.size !== ours.size || r.added !== ours.added || r.removed !== ours.removed) {
        console.log(`  !! ${kind} disagrees: ${r.size} +${r.added} −${r.removed}`);
      }
    }
    console.log(
      `\ntarget: tickwork ${(csvParse.ms / ours.ms).toFixed(2)}× the csv-parse pipeline (≥ 30×), peak RSS ${ours.maxRssMB.toFixed(0)} MB (≤ 200 MB)`,
    );
    console.log(
      `machine: ${execFileSync('nproc', { encoding: 'utf8' }).trim()} cores, load ${execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).trim()}`,
    );
  } finally {
    if (!keep) await rm(dir, { recursive: true, force: true });
  }
}
