import { expect } from 'vitest';

/** Checks a usage error: exactly one line saying what is wrong, then one pointing at the help. */
export function expectUsageError(stderr: string, command: string, message: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(2);
  expect(lines[0]?.startsWith(`${command}: `), lines[0]).toBe(true);
  expect(lines[0]).toMatch(message);
  expect(lines[1]).toBe(`Try '${command} --help'.`);
}
