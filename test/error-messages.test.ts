/**
 * One style for error messages: every `new TickworkError(code, '…')` written in src/ and adapters/ ends
 * without a period, as the domain's always have. Messages are joined into longer lines ("Not a valid ISIN:
 * …", "Cannot read the list: …") and shown after a colon by the CLI, where a period in the middle reads wrong.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The end (exclusive) of the string or template literal that starts at `i`, `${…}` nesting included. */
function literalEnd(s: string, i: number): number {
  const quote = s[i];
  let j = i + 1;
  while (j < s.length) {
    const c = s[j];
    if (c === '\\') j += 2;
    else if (c === quote) return j + 1;
    else if (quote === '`' && c === '$' && s[j + 1] === '{') {
      let depth = 1;
      j += 2;
      while (j < s.length && depth > 0) {
        const d = s[j]!;
        if (`'"\``.includes(d)) j = literalEnd(s, j);
        else {
          if (d === '{') depth++;
          else if (d === '}') depth--;
          j++;
        }
      }
    } else j++;
  }
  return j;
}

const OPEN = 'new TickworkError(';

/** The literal messages of `new TickworkError(…)` in `text`: the second argument, when it is a literal. */
function literalMessages(text: string): { line: number; message: string }[] {
  const found: { line: number; message: string }[] = [];
  for (let at = text.indexOf(OPEN); at >= 0; at = text.indexOf(OPEN, at + 1)) {
    // Skip the first argument (the code, maybe an expression) to the comma at depth 0.
    let i = at + OPEN.length;
    let depth = 0;
    while (i < text.length) {
      const c = text[i]!;
      if (`'"\``.includes(c)) {
        i = literalEnd(text, i);
        continue;
      }
      if ('([{'.includes(c)) depth++;
      else if (')]}'.includes(c)) {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) break;
      i++;
    }
    if (text[i] !== ',') continue;
    i++;
    while (/\s/.test(text[i] ?? '')) i++;
    if (!`'"\``.includes(text[i] ?? '')) continue; // a variable: its literal is checked where it is written
    const end = literalEnd(text, i);
    found.push({ line: text.slice(0, at).split('\n').length, message: text.slice(i + 1, end - 1) });
  }
  return found;
}

describe('error messages', () => {
  it('finds literal messages, templates included, and reads past nested quotes', () => {
    const sample = [
      "new TickworkError('A', 'Plain.')",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the sample is source text holding a template literal
      'new TickworkError(x ? "B" : "C", `At ${where} (${`n ${1}`}) it broke.`, { cause })',
      "new TickworkError('D', message, {})",
      "new TickworkError(\n  'E',\n  'No period here',\n)",
    ].join('\n');
    expect(literalMessages(sample).map((m) => [m.line, m.message])).toEqual([
      [1, 'Plain.'],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the message as written in the source
      [2, 'At ${where} (${`n ${1}`}) it broke.'],
      [4, 'No period here'],
    ]);
  });

  it('end without a period in src/ and adapters/', () => {
    const files = ['src', 'adapters'].flatMap((d) => sourceFiles(join(root, d)));
    const messages = files.flatMap((file) =>
      literalMessages(readFileSync(file, 'utf8')).map((m) => ({ at: `${relative(root, file)}:${m.line}`, ...m })),
    );
    // The scan reads every module: a broken scan finds nothing and would pass.
    expect(messages.length).toBeGreaterThan(100);
    expect(messages.filter((m) => m.message.endsWith('.')).map((m) => `${m.at} ${m.message}`)).toEqual([]);
  });
});
