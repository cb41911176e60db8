/**
 * The API reference shows what users may rely on, not how it works inside: TickworkError's brand symbol
 * (`[BRAND]`, read only by isTickworkError) is marked `@internal`, which typedoc's `excludeInternal` drops.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureSite, siteDir } from './site-server.js';

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return htmlFiles(path);
    return entry.name.endsWith('.html') ? [path] : [];
  });
}

describe('API reference', () => {
  beforeAll(() => ensureSite(), 300_000);

  it('documents TickworkError without its internal brand', () => {
    const page = htmlFiles(join(siteDir, 'classes')).find((path) => path.endsWith('TickworkError.html'));
    expect(page).toBeDefined();
    const html = readFileSync(page as string, 'utf8');
    expect(html).toContain('toJSON');
    expect(html).not.toMatch(/BRAND/);
    expect(htmlFiles(siteDir).filter((path) => readFileSync(path, 'utf8').includes('[BRAND]'))).toEqual([]);
  });
});
