/**
 * Pending changesets parse: `changeset version` stops the release at the first file whose front matter is not
 * a list of `"package": bump` lines between `---` fences.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = resolve(import.meta.dirname, '../../.changeset');
const files = readdirSync(dir).filter((name) => name.endsWith('.md') && name !== 'README.md');

describe('changesets', () => {
  it.each(files)('%s names tickwork (quoted) and a bump in its front matter, then says something', (name) => {
    const text = readFileSync(join(dir, name), 'utf8');
    expect(text).toMatch(/^---\n(["'])tickwork\1: (patch|minor|major)\n---\n\n\S/);
  });
});
