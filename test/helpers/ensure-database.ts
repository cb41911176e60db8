/**
 * Creates the database named in a PostgreSQL URL when the server lacks it, so the tests run on a fresh server
 * (whose only databases are `postgres` and the templates) without a set-up step.
 */
import pg from 'pg';

/** SQLSTATEs that mean "the database is there now": another run created it between our check and our CREATE. */
const ALREADY_THERE = new Set([
  '42P04', // duplicate_database
  '23505', // unique_violation on pg_database, when two CREATE DATABASE race
]);

/** The same server and credentials, on the maintenance database `postgres`. */
export function maintenanceUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.href;
}

/** The database a URL names (libpq's default: the user name). */
export function databaseName(url: string): string {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ''));
  return name || decodeURIComponent(u.username) || 'postgres';
}

/** Double-quotes an identifier for SQL (CREATE DATABASE takes no parameters). */
function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Creates the database of `url` unless it exists; a concurrent creator winning the race is not an error. */
export async function createDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  const admin = new pg.Client({ connectionString: maintenanceUrl(url) });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return;
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
  } catch (error) {
    if (!ALREADY_THERE.has((error as { code?: string }).code ?? '')) throw error;
  } finally {
    await admin.end();
  }
}

const ensured = new Map<string, Promise<void>>();

/** Makes sure the database of `url` exists, creating it once per process; safe when several runs race. */
export function ensureDatabase(url: string): Promise<void> {
  const key = maintenanceUrl(url) + databaseName(url);
  let pending = ensured.get(key);
  if (!pending) {
    pending = createDatabase(url);
    // A failure is reported to every caller of this attempt, then forgotten, so a later call tries again.
    pending.catch(() => ensured.delete(key));
    ensured.set(key, pending);
  }
  return pending;
}
