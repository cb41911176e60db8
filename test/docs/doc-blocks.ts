/**
 * Code blocks of the README and the guides, so a test can type-check them against the source. A block is a
 * module: it imports from `tickwork` (or a subpath) like a user would. An HTML comment directly above a block,
 * `<!-- prelude: declare const pool: import('pg').Pool; -->`, adds declarations the snippet assumes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** One fenced block of a markdown file. */
export interface DocBlock {
  /** Path relative to the repository root. */
  file: string;
  /** 1-based line of the first line of code. */
  line: number;
  /** Fence language (`ts`, `js`, `json`, `sh` …). */
  lang: string;
  /** The code. */
  code: string;
  /** Declarations from a `prelude` comment, or ''. */
  prelude: string;
}

const fence = /^(```+|~~~+)\s*([\w-]*)[^\n]*$/;

/** All fenced blocks of one markdown text. */
export function blocksOf(file: string, text: string): DocBlock[] {
  const lines = text.split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = fence.exec(lines[i] ?? '');
    if (!open) continue;
    const marker = open[1] as string;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !(lines[end] ?? '').startsWith(marker)) end++;
    const previous = (lines[i - 1] ?? '').trim();
    const prelude = /^<!--\s*prelude:([\s\S]*)-->$/.exec(previous)?.[1]?.trim() ?? '';
    blocks.push({ file, line: start + 1, lang: open[2] ?? '', code: lines.slice(start, end).join('\n'), prelude });
    i = end;
  }
  return blocks;
}

/** README.md and every markdown file under docs/ (except the generated docs/api). */
export function docFiles(root: string): string[] {
  const files = [join(root, 'README.md')];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && path !== join(root, 'docs', 'api')) walk(path);
      else if (entry.isFile() && entry.name.endsWith('.md')) files.push(path);
    }
  };
  walk(join(root, 'docs'));
  return files;
}

/** Every block of the README and the guides. */
export function allBlocks(root: string): DocBlock[] {
  return docFiles(root).flatMap((path) => blocksOf(relative(root, path), readFileSync(path, 'utf8')));
}
