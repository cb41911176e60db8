/** Timing helpers shared by the benchmarks. */
import { performance } from 'node:perf_hooks';

/** One measured contender. */
export interface BenchResult {
  /** Label printed in the table. */
  name: string;
  /** Median milliseconds per run. */
  ms: number;
  /** Optional throughput figure, in units per second (e.g. MB/s). */
  perSecond?: number;
}

/** Runs `fn` `warmup` times, then `runs` times, and returns the median wall time in ms. */
export async function medianMs(fn: () => unknown, runs = 5, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

/** Prints a table of results with each row's ratio against `baseline` (higher = faster than baseline). */
export function printTable(title: string, results: readonly BenchResult[], unit = 'MB/s'): void {
  const base = results[0];
  console.log(`\n${title}`);
  for (const r of results) {
    const ratio = base ? base.ms / r.ms : 1;
    const tp = r.perSecond === undefined ? '' : `  ${r.perSecond.toFixed(1).padStart(9)} ${unit}`;
    console.log(`  ${r.name.padEnd(44)} ${r.ms.toFixed(1).padStart(9)} ms${tp}  ${ratio.toFixed(2)}× vs ${base?.name}`);
  }
}
