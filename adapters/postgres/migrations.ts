import type { Migration } from './migrate.js';

/** Every migration tickwork ships, in the order they apply. Append only; never edit a released one. */
export const migrations: readonly Migration[] = [
  {
    id: 'isin-001-snapshots',
    statements: [
      `CREATE TABLE IF NOT EXISTS tickwork_isin_snapshots (
        name text PRIMARY KEY,
        fence bigint NOT NULL DEFAULT 0,
        meta jsonb NOT NULL,
        data bytea NOT NULL,
        saved_at timestamptz NOT NULL DEFAULT now()
      )`,
    ],
  },
];
