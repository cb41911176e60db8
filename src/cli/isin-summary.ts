import type { IsinSyncResult } from '../isin/sync.js';

/** The human-readable report of one `tickwork isin fetch` run; `saved` is whether a store was given. */
export function summary(r: IsinSyncResult, saved: boolean): string {
  const lines = [`${r.status}  ${r.name}${r.source ? ` from ${r.source.source}` : ''}`];
  if (r.reason && r.status !== 'updated') lines.push(`  ${r.code ?? ''} ${r.reason}`.trimEnd());
  if (r.counts) {
    const c = r.counts;
    lines.push(
      `  rows ${c.rows} · valid ${c.valid} · invalid ${c.invalid} · empty ${c.empty} · duplicates ${c.duplicates}`,
      `  unique ISINs ${c.size} (stored before: ${c.previousSize})`,
    );
  }
  if (r.diff) {
    const d = r.diff;
    lines.push(`  diff +${d.added} −${d.removed} (unchanged ${d.unchanged})`);
    if (d.addedSample.length > 0)
      lines.push(`  added:   ${d.addedSample.slice(0, 10).join(' ')}${d.added > 10 ? ' …' : ''}`);
    if (d.removedSample.length > 0) {
      lines.push(`  removed: ${d.removedSample.slice(0, 10).join(' ')}${d.removed > 10 ? ' …' : ''}`);
    }
  }
  if (r.invalidByCode && Object.keys(r.invalidByCode).length > 0) {
    lines.push(
      `  invalid by code: ${Object.entries(r.invalidByCode)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    for (const i of (r.issues ?? []).slice(0, 5))
      lines.push(`    line ${i.line}: ${i.code} ${JSON.stringify(i.value)}`);
  }
  if (r.status === 'updated' && !saved) lines.push('  (no --store: nothing saved)');
  lines.push(`  took ${(r.timings.totalMs / 1000).toFixed(2)} s`);
  return `${lines.join('\n')}\n`;
}
