/**
 * Wall-clock arithmetic in an IANA time zone, for the DST rules of cron ticks: the UTC offset at an
 * instant, and the instant a zone changes its offset.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** The zone's UTC offset at `ms`, in minutes (Berlin in summer: 120). */
export function offsetMinutes(timezone: string, ms: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timezone).formatToParts(ms)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const wall = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
}

/**
 * The first whole second in `(fromMs, toMs]` at which the zone's offset differs from its offset at `fromMs`
 * (binary search: offsets change at most once in the windows it is asked about).
 */
export function offsetChange(timezone: string, fromMs: number, toMs: number): number {
  const before = offsetMinutes(timezone, fromMs);
  let lo = Math.floor(fromMs / 1000);
  let hi = Math.ceil(toMs / 1000);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetMinutes(timezone, mid * 1000) === before) lo = mid;
    else hi = mid;
  }
  return hi * 1000;
}
