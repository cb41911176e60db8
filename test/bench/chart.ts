/**
 * Turns benchmark results (a small JSON file) into the SVG bar chart shown in docs/benchmarks.md.
 *
 *   npx tsx test/bench/chart.ts [results.json] [chart.svg]
 *
 * Defaults: `test/bench/results.json` → `docs/assets/benchmarks.svg`. The output depends only on the input, so
 * `test/docs/benchmarks.test.ts` can check that the committed chart was generated from the committed results.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One bar: a contender and its measured figure. */
export interface Bar {
  /** Contender, as printed by the benchmark. */
  readonly label: string;
  /** The figure, in the panel's unit. */
  readonly value: number;
  /** Whether this bar is tickwork (drawn in colour) or a peer (drawn in grey). */
  readonly ours?: boolean;
}

/** One benchmark: a titled group of bars sharing a unit and a scale. */
export interface Panel {
  /** What was measured. */
  readonly title: string;
  /** Unit of every bar, such as `ops/s` or `ms`. */
  readonly unit: string;
  /** Whether a higher figure is better (throughput) or a lower one (latency). */
  readonly better: 'higher' | 'lower';
  /** The guide the figures were copied from, such as `docs/domain.md`; the chart test checks they are in it. */
  readonly source: string;
  /** The command that produced them. */
  readonly command: string;
  /** Label of the bar the others are compared with, if any: every other bar shows its ratio to it. */
  readonly baseline?: string;
  /** The bars, top to bottom. */
  readonly bars: readonly Bar[];
}

/** The whole input file. */
export interface Results {
  /** The machine the figures come from. */
  readonly machine: string;
  /** The benchmarks. */
  readonly panels: readonly Panel[];
}

const WIDTH = 860;
const LABEL_WIDTH = 330;
const VALUE_WIDTH = 170;
const BAR_HEIGHT = 20;
const BAR_GAP = 8;
const PANEL_HEAD = 46;
const PANEL_GAP = 26;
const MARGIN = 20;

const xml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const number = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: value < 100 ? 2 : 0 });

function ratioText(panel: Panel, bar: Bar): string {
  const base = panel.bars.find((b) => b.label === panel.baseline);
  if (!base || base === bar || base.value <= 0) return '';
  // For latency, "2×" should still mean "twice as good", so the ratio is inverted.
  const ratio = panel.better === 'higher' ? bar.value / base.value : base.value / bar.value;
  return ` (${ratio.toFixed(2)}×)`;
}

/** Checks the parsed JSON has the shape the chart needs; throws a message naming the bad field. */
export function checkResults(data: unknown): Results {
  const fail = (what: string): never => {
    throw new Error(`benchmark results: ${what}`);
  };
  const r = data as Results;
  if (typeof r?.machine !== 'string') fail('`machine` must be a string');
  if (!Array.isArray(r.panels) || r.panels.length === 0) fail('`panels` must be a non-empty array');
  r.panels.forEach((p, i) => {
    for (const key of ['title', 'unit', 'source', 'command'] as const) {
      if (typeof p[key] !== 'string' || p[key] === '') fail(`panels[${i}].${key} must be a non-empty string`);
    }
    if (p.better !== 'higher' && p.better !== 'lower') fail(`panels[${i}].better must be "higher" or "lower"`);
    if (!Array.isArray(p.bars) || p.bars.length === 0) fail(`panels[${i}].bars must be a non-empty array`);
    p.bars.forEach((b, j) => {
      if (typeof b.label !== 'string' || !Number.isFinite(b.value) || b.value < 0) {
        fail(`panels[${i}].bars[${j}] needs a label and a non-negative value`);
      }
    });
    if (p.baseline !== undefined && !p.bars.some((b) => b.label === p.baseline)) {
      fail(`panels[${i}].baseline names no bar`);
    }
  });
  return r;
}

/** Renders the results as one SVG document: a panel per benchmark, each bar scaled to its panel's largest. */
export function renderChart(results: Results): string {
  const out: string[] = [];
  let y = MARGIN + 22;
  const barSpace = WIDTH - 2 * MARGIN - LABEL_WIDTH - VALUE_WIDTH;
  for (const panel of results.panels) {
    const max = Math.max(...panel.bars.map((b) => b.value)) || 1;
    const note = panel.better === 'higher' ? 'higher is better' : 'lower is better';
    out.push(
      `<text x="${MARGIN}" y="${y + 16}" class="title">${xml(panel.title)} (${xml(panel.unit)}, ${note})</text>`,
    );
    out.push(`<text x="${MARGIN}" y="${y + 34}" class="note">${xml(panel.command)}</text>`);
    y += PANEL_HEAD;
    for (const bar of panel.bars) {
      const w = Math.max(1, Math.round((bar.value / max) * barSpace));
      const x = MARGIN + LABEL_WIDTH;
      out.push(
        `<text x="${x - 8}" y="${y + 15}" class="label" text-anchor="end">${xml(bar.label)}</text>`,
        `<rect x="${x}" y="${y}" width="${w}" height="${BAR_HEIGHT}" rx="3" class="${bar.ours ? 'ours' : 'peer'}"/>`,
        `<text x="${x + w + 6}" y="${y + 15}" class="value">${number(bar.value)} ${xml(panel.unit)}${ratioText(panel, bar)}</text>`,
      );
      y += BAR_HEIGHT + BAR_GAP;
    }
    y += PANEL_GAP;
  }
  const height = y + MARGIN - PANEL_GAP + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="chart-title">`,
    `<title id="chart-title">tickwork benchmarks: ${xml(results.machine)}</title>`,
    '<style>',
    'text{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;fill:#1f2328}',
    '.heading{font-size:15px;font-weight:600}.title{font-size:14px;font-weight:600}',
    '.note{font-size:11px;fill:#59636e;font-family:ui-monospace,monospace}',
    '.label,.value{font-size:12px}.ours{fill:#2f81f7}.peer{fill:#9aa4ae}',
    '</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${MARGIN}" y="${MARGIN + 8}" class="heading">${xml(results.machine)}</text>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}

/** Paths used when run without arguments. */
export const DEFAULT_INPUT = fileURLToPath(new URL('./results.json', import.meta.url));
/** Where the chart goes by default, so typedoc ships it with docs/benchmarks.md. */
export const DEFAULT_OUTPUT = fileURLToPath(new URL('../../docs/assets/benchmarks.svg', import.meta.url));

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [input = DEFAULT_INPUT, output = DEFAULT_OUTPUT] = process.argv.slice(2);
  const results = checkResults(JSON.parse(readFileSync(input, 'utf8')));
  writeFileSync(output, renderChart(results));
  console.log(`wrote ${output} (${results.panels.length} panels)`);
}
