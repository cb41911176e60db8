/**
 * The guides of the documentation site, in navigation order, and where typedoc reads and writes them. Shared
 * by the navigation test and the browser test of the built site.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Repository root. */
export const root = resolve(import.meta.dirname, '../..');

/** Every guide of `docs/`, in the order the site's navigation shows them. A new guide must be placed here. */
export const GUIDE_ORDER = [
  'getting-started',
  'extract',
  'isin',
  'scheduler',
  'domain',
  'adapters',
  'writing-an-adapter',
  'errors',
  'examples',
  'benchmarks',
  'architecture',
  'testing',
  'security',
  'releasing',
] as const;

/** The parts of typedoc.json the tests read. */
export interface TypedocConfig {
  /** Output directory of the site. */
  out: string;
  /** Markdown documents added to the site, in navigation order. */
  projectDocuments: string[];
  /** Whether warnings fail the build. */
  treatWarningsAsErrors?: boolean;
  /** Validation switches. */
  validation?: Record<string, boolean>;
}

/** typedoc.json, parsed. */
export function typedocConfig(): TypedocConfig {
  return JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')) as TypedocConfig;
}

/** The markdown files directly under docs/, without extension. */
export function guideFiles(): string[] {
  return readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => f.slice(0, -3))
    .sort();
}

/** The guides that exist, in navigation order, as `docs/<name>.md`. */
export function expectedProjectDocuments(): string[] {
  return GUIDE_ORDER.filter((name) => existsSync(join(root, 'docs', `${name}.md`))).map((n) => `docs/${n}.md`);
}

/** The `title` of a guide's front matter (typedoc's page and navigation name), or undefined. */
export function guideTitle(path: string): string | undefined {
  const text = readFileSync(join(root, path), 'utf8');
  const front = /^---\n([\s\S]*?)\n---\n/.exec(text)?.[1];
  return front ? /^title:\s*(.+)$/m.exec(front)?.[1]?.trim() : undefined;
}
