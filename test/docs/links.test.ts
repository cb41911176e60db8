/**
 * A newcomer can follow the guides: every link to a section of a guide or the README lands on a heading,
 * every section named in prose ("the README's "X" section") exists, and every package a code block imports
 * (other than tickwork and Node's own) is named in an `npm install` of the same page.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blocksOf, docFiles } from './doc-blocks.js';

const root = resolve(import.meta.dirname, '../..');
const pages = docFiles(root).map((path) => ({ path, file: relative(root, path), text: readFileSync(path, 'utf8') }));

/** GitHub's (and typedoc's) anchor for a heading. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');

/** Text outside fenced code blocks, where links and prose live. */
const prose = (text: string) => text.replace(/^(```+|~~~+)[\s\S]*?^\1/gm, '');

const headings = (text: string) =>
  new Set([...prose(text).matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1] as string)));

describe('links and references between the guides', () => {
  it('every link to a section of a page lands on one of its headings', () => {
    const broken: string[] = [];
    for (const page of pages) {
      for (const [, target = '', anchor = ''] of prose(page.text).matchAll(/\]\(([^)#\s]*\.md|)#([^)\s]+)\)/g)) {
        const path = target === '' ? page.path : join(dirname(page.path), target);
        const other = pages.find((p) => p.path === path);
        if (!other || !headings(other.text).has(anchor)) broken.push(`${page.file}: ${target}#${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("every section named in prose as the README's exists there", () => {
    const readme = headings(pages.find((p) => p.file === 'README.md')?.text ?? '');
    const missing = pages.flatMap((page) =>
      [...prose(page.text).matchAll(/README's\s+"([^"]+)"\s+section/g)]
        .map((m) => m[1] as string)
        .filter((name) => !readme.has(slug(name)))
        .map((name) => `${page.file}: "${name}"`),
    );
    expect(missing).toEqual([]);
  });

  it('says how to install every package a code block imports', () => {
    const unexplained: string[] = [];
    for (const page of pages) {
      const installed = new Set(
        [...page.text.matchAll(/npm install ([^`\n]+)/g)].flatMap((m) => (m[1] as string).split(/\s+/)),
      );
      const imported = blocksOf(page.file, page.text)
        .filter((b) => ['ts', 'typescript', 'js'].includes(b.lang))
        .flatMap((b) => [...b.code.matchAll(/from '([^'.][^']*)'/g)].map((m) => m[1] as string))
        .filter((spec) => !spec.startsWith('node:') && spec !== 'tickwork' && !spec.startsWith('tickwork/'))
        .map((spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string)));
      for (const name of new Set(imported)) if (!installed.has(name)) unexplained.push(`${page.file}: ${name}`);
    }
    expect(unexplained).toEqual([]);
  });
});
