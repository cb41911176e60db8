/**
 * Immutable stored rows for the memory repositories. A row is copied once when it is written and frozen all
 * the way down, so reads can hand out the stored row itself: no per-read copy, and still no caller can change
 * what is stored. `Object.freeze` does not stop `date.setTime()` (a Date keeps its time in an internal slot),
 * so Dates are stored as {@link FrozenDate}s, whose setters throw.
 */

const frozenDateSetter = (name: string) =>
  function refused(): never {
    throw new TypeError(`Cannot call ${name} on a stored row's date: rows read from a repository are read-only`);
  };

/**
 * A Date whose setters throw. It is a `Date` in every other way (`instanceof Date`, `toISOString`, JSON,
 * `structuredClone` gives a plain Date), so callers typed against `Date` keep working.
 */
export class FrozenDate extends Date {}

for (const name of Object.getOwnPropertyNames(Date.prototype)) {
  if (name.startsWith('set')) {
    Object.defineProperty(FrozenDate.prototype, name, { value: frozenDateSetter(name), writable: false });
  }
}
Object.freeze(FrozenDate.prototype);

function frozenCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return Object.freeze(new FrozenDate(value.getTime()));
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy));
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) out[key] = frozenCopy(field);
  return Object.freeze(out);
}

/**
 * A deep copy of `row` (plain objects, arrays, Dates and primitives, which is all a domain row holds), frozen
 * at every level. Writing it is the only copy the memory repositories make; reads return it as it is.
 */
export function freezeRow<T>(row: T): T {
  return frozenCopy(row) as T;
}
