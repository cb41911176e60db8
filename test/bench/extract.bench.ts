/**
 * extract against its peers on the same ~100 MB inputs, in one process: the naive key-anchored regex
 * (`/"(?:id|code)":(\d+)/g`, not string-aware), `JSON.parse` + a tree walk, and tickwork's scanner on string
 * input, on bytes (with the WebAssembly fast path, as shipped, and with the JS scanner alone), and streaming in
 * 64 KiB chunks. Then a 1 GB streaming run that reports RSS growth. Rounds interleave the contenders; the
 * figures are medians. The last lines sum up the two targets: bytes vs the naive regex on the flat dense input
 * and on the nested one, and vs `JSON.parse` + walk.
 *
 * `npm run bench -- extract`. Environment: EXTRACT_BENCH_MB (input size, default 100), EXTRACT_STREAM_MB (default
 * 1024), EXTRACT_BENCH_ROUNDS (default 5), EXTRACT_BENCH_ONLY (dense | nested | sparse | escaped).
 */

import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { configureFastScan } from '../../src/extract/fast-scan.js';
import { createExtractor, extractIds, extractStream } from '../../src/extract/index.js';
import type { BenchResult } from './measure.js';
import { medianMs, printTable } from './measure.js';

const MB = 1024 * 1024;
const TARGET = Number(process.env.EXTRACT_BENCH_MB ?? 100) * MB;
const STREAM_TOTAL = Number(process.env.EXTRACT_STREAM_MB ?? 1024) * MB;
const CHUNK = 64 * 1024;
const ROUNDS = Number(process.env.EXTRACT_BENCH_ROUNDS ?? 5);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Builds a JSON document `{"items":[…]}` of about `TARGET` bytes from `item(i)`. */
function document(item: (i: number) => string): string {
  const parts: string[] = ['{"items":['];
  let size = 0;
  for (let i = 0; size < TARGET; i++) {
    const s = (i === 0 ? '' : ',') + item(i);
    parts.push(s);
    size += s.length;
  }
  parts.push('],"errors":[{"code":3,"message":"[PHP Warning #2] count() (153)"}]}');
  return parts.join('');
}

const dense = (i: number) =>
  `{"id":${i},"code":${i % 1000},"qty":${i % 7},"price":${i % 100},"name":"item ${i}","tags":["a","b"],"user":{"id":${i * 3},"ok":true}}`;
/** Ids in nested objects and arrays, and short strings with escaped quotes: the JSON of a typical API. */
const nested = (i: number) =>
  `{"id":${i},"a":{"b":{"id":${i * 3},"s":"x\\"y\\"z","t":"q\\"","code":${i % 9}}},"u":"\\"hi\\" there","v":[1,2,{"id":${i + 5}}]}`;
const lorem = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt. '.repeat(20);
const sparse = (i: number) => `{"id":${i},"description":"${lorem}","note":"line ${i}"}`;
const escaped = (i: number) =>
  `{"id":${i},"payload":"{\\"id\\":${i + 1},\\"code\\":5,\\"path\\":\\"C:\\\\tmp\\\\x\\"}","quote":"\\"id\\":7 \\u0069d \\\\","code":${i % 50}}`;

const naive = /"(?:id|code)":(\d+)/g;
function regexIds(text: string): number[] {
  const out: number[] = [];
  naive.lastIndex = 0;
  for (let m = naive.exec(text); m !== null; m = naive.exec(text)) out.push(Number(m[1]));
  return out;
}

function walk(value: unknown, out: number[]): void {
  if (Array.isArray(value)) {
    for (const v of value) walk(v, out);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if ((k === 'id' || k === 'code') && Number.isInteger(v)) out.push(v as number);
      else walk(v, out);
    }
  }
}
function parseIds(text: string): number[] {
  const out: number[] = [];
  walk(JSON.parse(text), out);
  return out;
}

function chunkedIds(bytes: Uint8Array): number {
  const extractor = createExtractor();
  let count = 0;
  for (let p = 0; p < bytes.length; p += CHUNK) count += extractor.write(bytes.subarray(p, p + CHUNK)).length;
  extractor.end();
  return count;
}

async function* chunksOf(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let p = 0; p < bytes.length; p += CHUNK) yield bytes.subarray(p, p + CHUNK);
}
async function streamedIds(bytes: Uint8Array): Promise<number> {
  let count = 0;
  for await (const _ of extractStream(chunksOf(bytes))) count++;
  return count;
}

function jsScannerIds(bytes: Uint8Array): number[] {
  configureFastScan({ enabled: false });
  try {
    return extractIds(bytes);
  } finally {
    configureFastScan({ enabled: true });
  }
}

/** What one input's comparison found: median CPU ms per contender. */
type Figures = Map<string, number>;

async function compare(name: string, text: string): Promise<Figures> {
  const bytes = Buffer.from(text, 'utf8');
  const mb = bytes.length / MB;
  // Every contender must agree before any is timed (the regex only on inputs where it is right).
  const expected = extractIds(bytes).length;
  const checks: [string, number][] = [
    ['string', extractIds(text).length],
    ['JS scanner', jsScannerIds(bytes).length],
    ['chunks', chunkedIds(bytes)],
    ['JSON.parse', parseIds(text).length],
  ];
  for (const [what, n] of checks) if (n !== expected) throw new Error(`${name}: ${what} found ${n}, bytes ${expected}`);
  const regexCount = regexIds(text).length;
  const rows: [string, () => unknown][] = [
    ['naive regex on a string', () => regexIds(text)],
    ['naive regex incl. decoding the bytes', () => regexIds(bytes.toString('utf8'))],
    ['JSON.parse + walk on a string', () => parseIds(text)],
    ['tickwork extractIds(bytes)', () => extractIds(bytes)],
    ['tickwork extractIds(bytes), JS scanner only', () => jsScannerIds(bytes)],
    ['tickwork extractIds(string)', () => extractIds(text)],
    ['tickwork createExtractor, 64 KiB chunks', () => chunkedIds(bytes)],
    ['tickwork extractStream, 64 KiB chunks', () => streamedIds(bytes)],
  ];
  // Rounds interleave the contenders, so a busy neighbour on this shared machine slows them all alike.
  const cpu = rows.map(() => [] as number[]);
  const wall = rows.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, [label, fn]] of rows.entries()) {
      if (label.startsWith('JSON') && round >= 3) continue; // slow and steady: three runs are enough
      const t0 = process.cpuUsage();
      wall[index]!.push(await medianMs(fn, 1, 0));
      const t = process.cpuUsage(t0);
      cpu[index]!.push((t.user + t.system) / 1000);
    }
  }
  const table = (times: number[][]): BenchResult[] =>
    rows.map(([label], index) => {
      const ms = median(times[index]!);
      return { name: label, ms, perSecond: mb / (ms / 1000) };
    });
  const results = table(cpu);
  printTable(
    `${name}: ${mb.toFixed(0)} MB, ${expected} matches (naive regex finds ${regexCount}); median CPU time of ${ROUNDS} rounds`,
    results,
  );
  printTable('  same, median wall time', table(wall));
  const byName = new Map(results.map((r) => [r.name, r.ms]));
  const ours = byName.get('tickwork extractIds(bytes)')!;
  const regex = byName.get('naive regex on a string')!;
  console.log(
    `  ratios: bytes vs naive regex ${(regex / ours).toFixed(2)}×` +
      ` (vs regex incl. decoding ${(byName.get('naive regex incl. decoding the bytes')! / ours).toFixed(2)}×),` +
      ` string vs naive regex ${(regex / byName.get('tickwork extractIds(string)')!).toFixed(2)}×,` +
      ` bytes vs JSON.parse + walk ${(byName.get('JSON.parse + walk on a string')! / ours).toFixed(2)}×,` +
      ` JS scanner only vs naive regex ${(regex / byName.get('tickwork extractIds(bytes), JS scanner only')!).toFixed(2)}×`,
  );
  return byName;
}

/** Streams `STREAM_TOTAL` bytes of dense JSON made on the fly, and reports RSS before, at peak, and after. */
async function streamGigabyte(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const block = Buffer.from(Array.from({ length: 100 }, (_, i) => `${dense(i)},`).join(''), 'utf8');
  async function* generate(): AsyncGenerator<Uint8Array> {
    yield Buffer.from('{"items":[');
    const copies = Math.max(1, Math.floor(CHUNK / block.length));
    for (let sent = 0; sent < STREAM_TOTAL; ) {
      // A fresh buffer per chunk, as a file or socket stream delivers them; whole items, so the JSON stays valid.
      const chunk = Buffer.allocUnsafe(copies * block.length);
      for (let c = 0; c < copies; c++) block.copy(chunk, c * block.length);
      sent += chunk.length;
      yield chunk;
    }
    yield Buffer.from('{"id":0}]}');
  }
  gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  let count = 0;
  let chunks = 0;
  const extractor = createExtractor();
  const t0 = performance.now();
  for await (const chunk of generate()) {
    count += extractor.write(chunk).length;
    if (++chunks % 16 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  const summary = extractor.end();
  const ms = performance.now() - t0;
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(
    `\nstreaming ${(STREAM_TOTAL / MB).toFixed(0)} MB of generated dense JSON in 64 KiB chunks: ${count} matches, ` +
      `${(STREAM_TOTAL / MB / (ms / 1000)).toFixed(1)} MB/s, complete=${summary.complete}, ` +
      `RSS before ${(before / MB).toFixed(1)} MB, peak ${(peak / MB).toFixed(1)} MB, growth ${((peak - before) / MB).toFixed(1)} MB`,
  );
}

export default async function main(): Promise<void> {
  // The stream runs first, before the 100 MB documents inflate the heap it is measured against.
  await streamGigabyte();
  const only = process.env.EXTRACT_BENCH_ONLY;
  const summary: [string, Figures][] = [];
  if (!only || only === 'dense')
    summary.push(['flat dense', await compare('dense JSON (short keys and numbers)', document(dense))]);
  if (!only || only === 'nested')
    summary.push([
      'nested dense',
      await compare('dense nested JSON (ids in nested objects, short strings with escaped quotes)', document(nested)),
    ]);
  if (!only || only === 'sparse') await compare('sparse JSON (long strings between keys)', document(sparse));
  if (!only || only === 'escaped') await compare('escape-heavy JSON (escaped JSON inside strings)', document(escaped));
  console.log(
    '\ntargets (median CPU time, same run): extractIds(bytes) vs the naive regex on the decoded string ≥ 1.0×,',
  );
  console.log('vs JSON.parse + walk ≥ 6×');
  for (const [label, figures] of summary) {
    const ours = figures.get('tickwork extractIds(bytes)')!;
    const regex = figures.get('naive regex on a string')!;
    const parse = figures.get('JSON.parse + walk on a string')!;
    console.log(
      `  ${label.padEnd(13)} regex ${regex.toFixed(1)} ms, ours ${ours.toFixed(1)} ms: ${(regex / ours).toFixed(2)}× the regex,` +
        ` ${(parse / ours).toFixed(2)}× JSON.parse + walk`,
    );
  }
  console.log(`load average: ${execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).trim()}`);
}
