/**
 * One job's run history in memory: newest first, deduplicated by entry id, trimmed to the lock's bounds
 * (count on every write, age on every write and read). The reference for the Redis and PostgreSQL histories.
 */
import type { HistoryQuery, RunRecord } from '../../src/index.js';

/** A bounded history. */
export interface RunHistory {
  /** Adds `entry` unless its id is kept already; drops what falls outside the bounds. */
  add(entry: RunRecord, now: number): void;
  /** Entries newest first, `query.before` excluded. */
  list(query: HistoryQuery, now: number): RunRecord[];
}

/** A bounded history keeping `limit` entries for at most `maxAgeMs`. */
export function runHistory(bounds: { readonly limit: number; readonly maxAgeMs: number }): RunHistory {
  // Newest first by `endedAt`; of entries ending at the same instant, the one recorded last comes first.
  let entries: RunRecord[] = [];
  const expire = (now: number) => {
    const oldest = now - bounds.maxAgeMs;
    if (entries.some((e) => e.endedAt < oldest)) entries = entries.filter((e) => e.endedAt >= oldest);
  };
  return {
    add(entry, now) {
      if (entries.some((e) => e.id === entry.id)) return;
      const at = entries.findIndex((e) => e.endedAt <= entry.endedAt);
      entries.splice(at === -1 ? entries.length : at, 0, { ...entry });
      if (entries.length > bounds.limit) entries.length = bounds.limit;
      expire(now);
    },
    list(query, now) {
      expire(now);
      const from = query.before === undefined ? entries : entries.filter((e) => e.endedAt < (query.before ?? 0));
      return from.slice(0, query.limit).map((e) => ({ ...e }));
    },
  };
}
