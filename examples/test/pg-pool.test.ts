/** The examples' PostgreSQL pool carries the configured server-side bounds on every connection. */
import { expect, it } from 'vitest';
import { DATABASE_URL, describeWithPostgres } from '../../test/helpers/services.js';
import { loadConfig } from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import { createPgPool } from '../shared/pg-pool.js';

describeWithPostgres('createPgPool', () => {
  it('sets statement_timeout and idle_in_transaction_session_timeout from the environment', async () => {
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      PG_STATEMENT_TIMEOUT_MS: '1234',
      PG_IDLE_IN_TRANSACTION_TIMEOUT_MS: '2345',
    });
    const pool = createPgPool(DATABASE_URL, config.timeouts, createLogger(config));
    try {
      const { rows } = await pool.query(
        "SELECT current_setting('statement_timeout') AS statement, current_setting('idle_in_transaction_session_timeout') AS idle",
      );
      expect(rows[0]).toEqual({ statement: '1234ms', idle: '2345ms' });
      // Past the statement bound PostgreSQL cancels the statement itself (SQLSTATE 57014).
      await expect(pool.query('SELECT pg_sleep(5)')).rejects.toMatchObject({ code: '57014' });
    } finally {
      await pool.end();
    }
  });
});
