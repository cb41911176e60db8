/**
 * Tries every way a caller could change a row it read: assigning, deleting and adding fields, mutating nested
 * objects and arrays, and calling a Date's setters. Refusals (a frozen row throws `TypeError`) are expected
 * and swallowed; the suites then read the row again and check that nothing stored changed.
 */
function attempt(change: () => void): void {
  try {
    change();
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
  }
}

/** Attempts to change `value` at every level; a repository passes when a fresh read is still equal. */
export function tamper(value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  if (value instanceof Date) {
    attempt(() => value.setTime(0));
    attempt(() => value.setUTCFullYear(1999));
    return;
  }
  const record = value as Record<string, unknown>;
  for (const [key, field] of Object.entries(record)) {
    tamper(field);
    attempt(() => {
      record[key] = typeof field === 'number' ? field + 1 : 'tampered';
    });
    attempt(() => delete record[key]);
  }
  attempt(() => {
    record.tampered = true;
  });
  if (Array.isArray(value)) attempt(() => value.push('tampered'));
}
