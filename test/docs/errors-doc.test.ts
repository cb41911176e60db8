import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { ERROR_STATUS } from '../../src/errors.js';

it('docs/errors.md lists every error code with its status, and no other', () => {
  const text = readFileSync(resolve(import.meta.dirname, '../../docs/errors.md'), 'utf8');
  const rows = [...text.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
  expect(Object.fromEntries(rows)).toEqual(ERROR_STATUS);
  expect(rows.length).toBe(Object.keys(ERROR_STATUS).length);
});
