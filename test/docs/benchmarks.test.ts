/**
 * The benchmark chart cannot drift from its data, and its data cannot drift from the guides: the committed
 * SVG is what test/bench/chart.ts renders from test/bench/results.json, and every figure in the results is
 * written in the guide it names as its source (figures are copied from measured output, never made up).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkResults, DEFAULT_INPUT, DEFAULT_OUTPUT, renderChart } from '../bench/chart.js';
import { root } from './guides.js';

const results = checkResults(JSON.parse(readFileSync(DEFAULT_INPUT, 'utf8')));

/** The figure as guides write it: `1400`, `1,400` or `1 400`. */
const written = (value: number) => {
  const digits = String(value).split('.');
  const grouped = (digits[0] ?? '').replace(/\B(?=(\d{3})+(?!\d))/g, '[, ]?');
  return new RegExp(`(?<![\\d.])${grouped}${digits[1] ? `\\.${digits[1]}` : ''}(?![\\d])`);
};

describe('benchmark chart', () => {
  it('is the committed rendering of the committed results (run `npx tsx test/bench/chart.ts`)', () => {
    expect(readFileSync(DEFAULT_OUTPUT, 'utf8')).toBe(renderChart(results));
  });

  it('only shows figures that the named guide reports', () => {
    const missing: string[] = [];
    for (const panel of results.panels) {
      const guide = readFileSync(join(root, panel.source), 'utf8');
      for (const bar of panel.bars) {
        if (!written(bar.value).test(guide)) missing.push(`${panel.source}: ${bar.label} ${bar.value}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('is shown on the benchmarks page', () => {
    expect(readFileSync(join(root, 'docs/benchmarks.md'), 'utf8')).toContain('](assets/benchmarks.svg)');
  });

  it('rejects malformed results with a message naming the field', () => {
    expect(() => checkResults({ machine: 'm', panels: [{ title: 't' }] })).toThrow(/panels\[0\]\.unit/);
    const bad = { title: 't', unit: 'u', better: 'higher', source: 's', command: 'c', baseline: 'x' };
    expect(() => checkResults({ machine: 'm', panels: [{ ...bad, bars: [{ label: 'a', value: 1 }] }] })).toThrow(
      /baseline names no bar/,
    );
  });

  it('escapes text and shows ratios against the baseline, inverted for latency', () => {
    const svg = renderChart({
      machine: 'a <b> & "c"',
      panels: [
        {
          title: 'latency',
          unit: 'ms',
          better: 'lower',
          source: 's',
          command: 'c',
          baseline: 'peer',
          bars: [
            { label: 'peer', value: 40 },
            { label: 'ours', value: 10, ours: true },
          ],
        },
      ],
    });
    expect(svg).toContain('a &lt;b&gt; &amp; &quot;c&quot;');
    expect(svg).toContain('10 ms (4.00×)');
    expect(svg).toContain('class="ours"');
  });
});
