/**
 * The PostgreSQL lock's schema: two tables and one plpgsql function per lock operation, so every operation is
 * one round trip and one transaction. Each function first takes the job's row lock (`FOR UPDATE`), so the
 * operations of one job run one after another, and only then reads `clock_timestamp()` (the server's clock at
 * that moment, not the transaction start), so leases and ticks are judged on one clock: the database's.
 *
 * Per job (`tickwork_lock_jobs`): the fence, the cursor (newest claimed scheduled tick), the high-water mark
 * (newest completed scheduled tick) and the exclusive running slot. Per tick (`tickwork_lock_ticks`): the lease
 * (token, expiry) and the marker (`claimed`, `started` or `done` with its outcome, and its expiry). An expired
 * lease or marker counts as absent, exactly like an expired Redis key; expired tick rows are deleted a few at a
 * time by `acquire`. The state machine is the memory adapter's (`adapters/memory/lock.ts`).
 */
import type { Migration } from './migration.js';

/** Milliseconds as an interval. */
export const ms = (x: string) => `((${x}) * interval '1 millisecond')`;
/** A timestamptz as whole UTC milliseconds, rounded down (like Redis `TIME` in the Redis lock). */
export const epochMs = (x: string) => `floor(extract(epoch FROM ${x}) * 1000)::bigint`;
/** Milliseconds from `now_ts` until `x`, rounded up and never negative (a `retryInMs` or a `ttlMs`). */
export const msUntil = (x: string) => `greatest(0, ceil(extract(epoch FROM (${x} - now_ts)) * 1000))::bigint`;

/** The signatures `postgresLock` calls; `prepare()` checks that each exists. */
export const LOCK_FUNCTIONS = [
  'tickwork_lock_acquire(text, text, bigint, text, bigint, bigint, bigint, text, boolean, boolean, bigint, bigint, boolean, text)',
  'tickwork_lock_record(text, text, bigint, jsonb, integer, bigint)',
  'tickwork_lock_renew(text, text, text, bigint, bigint, boolean)',
  'tickwork_lock_complete(text, text, text, bigint, jsonb, bigint, boolean, boolean)',
  'tickwork_lock_release(text, text, text, boolean)',
  'tickwork_lock_state(text, text)',
] as const;

/**
 * `p_async`: this transaction commits without waiting for its WAL flush (`synchronous_commit = off` for this
 * transaction only; the function's `SET` clause does not restrict it, as it names another setting).
 */
const ASYNC_COMMIT = `
  IF p_async THEN PERFORM set_config('synchronous_commit', 'off', true); END IF;`;

/** Locks the job's row, or returns `false` when the job has none (nothing can be held then). */
const LOCK_JOB_OR_FALSE = `${ASYNC_COMMIT}
  PERFORM 1 FROM tickwork_lock_jobs j WHERE j.job = p_job FOR UPDATE;
  IF NOT FOUND THEN RETURN false; END IF;
  now_ts := clock_timestamp();`;

// `SET search_path FROM CURRENT` pins the functions to the schema they were created in, so a caller's
// search_path can neither redirect their tables nor shadow them.
export const FUNCTION = 'LANGUAGE plpgsql SET search_path FROM CURRENT AS $$';

/**
 * A paused job (scheduler-002): its scheduled and catch-up ticks are refused; a scheduled tick nobody claimed
 * moves the cursor, and the one caller that moved it is told `first` (it records the skip in the history).
 */
const PAUSED_REFUSAL = `
  IF scheduled AND j.paused THEN
    refusal := 'paused';
    IF p_kind = 'scheduled' AND mark IS NULL AND (j.cursor_ms IS NULL OR p_tick_ms > j.cursor_ms) THEN
      UPDATE tickwork_lock_jobs x SET cursor_ms = p_tick_ms WHERE x.job = p_job;
      first := true;
    END IF;
    RETURN NEXT; RETURN;
  END IF;`;

/**
 * The acquire function. `control` is its scheduler-002 form: a `p_instance` argument kept as the lease's
 * holder, the paused refusal and a `first` column; without it, the text of scheduler-001 (released: unchanged).
 */
export const acquireFunction = (control: boolean) => `CREATE FUNCTION tickwork_lock_acquire(
  p_job text, p_tick text, p_tick_ms bigint, p_token text, p_ttl_ms bigint, p_early_ms bigint,
  p_max_late_ms bigint, p_kind text, p_exclusive boolean, p_at_most_once boolean, p_retention_ms bigint,
  p_grace_ms bigint, p_async boolean${control ? ', p_instance text' : ''}
) RETURNS TABLE (acquired boolean, refusal text, new_fence bigint, server_ms bigint, retry_ms bigint, takeover boolean${control ? ', first boolean' : ''})
${FUNCTION}
DECLARE
  j tickwork_lock_jobs%ROWTYPE;
  t tickwork_lock_ticks%ROWTYPE;
  now_ts timestamptz;
  now_ms bigint;
  mark text;
  lease_expires timestamptz;
  scheduled boolean := p_kind IS DISTINCT FROM 'manual';
BEGIN${ASYNC_COMMIT}
  SELECT * INTO j FROM tickwork_lock_jobs x WHERE x.job = p_job FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO tickwork_lock_jobs (job) VALUES (p_job) ON CONFLICT DO NOTHING;
    SELECT * INTO j FROM tickwork_lock_jobs x WHERE x.job = p_job FOR UPDATE;
  END IF;
  now_ts := clock_timestamp();
  now_ms := ${epochMs('now_ts')};
  server_ms := now_ms;
  retry_ms := 0;
  new_fence := 0;
  acquired := false;
  takeover := false;${control ? '\n  first := false;' : ''}

  -- Expired rows of this job go a few at a time, so the table never grows with the number of ticks run.
  DELETE FROM tickwork_lock_ticks d WHERE d.ctid = ANY (ARRAY(
    SELECT x.ctid FROM tickwork_lock_ticks x
    WHERE x.job = p_job AND x.marker_expires_at <= now_ts AND (x.lease_expires_at IS NULL OR x.lease_expires_at <= now_ts)
    LIMIT 16));

  SELECT * INTO t FROM tickwork_lock_ticks x WHERE x.job = p_job AND x.tick = p_tick;
  IF FOUND AND t.marker_expires_at > now_ts THEN mark := t.marker; END IF;

  IF mark = 'done' OR mark = 'started' THEN
    refusal := mark; RETURN NEXT; RETURN;
  END IF;
  IF p_early_ms IS NOT NULL AND p_tick_ms > now_ms + p_early_ms THEN
    refusal := 'early'; retry_ms := p_tick_ms - now_ms; RETURN NEXT; RETURN;
  END IF;${control ? PAUSED_REFUSAL : ''}
  IF t.lease_expires_at > now_ts THEN
    refusal := 'held'; retry_ms := ${msUntil('t.lease_expires_at')}; RETURN NEXT; RETURN;
  END IF;
  takeover := mark IS NOT DISTINCT FROM 'claimed';
  IF scheduled THEN
    IF takeover THEN
      -- An exclusive job has moved on once a newer tick was claimed: the older one is superseded.
      IF p_exclusive AND j.cursor_ms IS NOT NULL AND p_tick_ms < j.cursor_ms THEN
        refusal := 'stale'; takeover := false; RETURN NEXT; RETURN;
      END IF;
    ELSIF (CASE WHEN j.cursor_ms IS NULL THEN p_kind = 'catch-up' ELSE p_tick_ms <= j.cursor_ms END)
       OR (p_max_late_ms IS NOT NULL AND p_tick_ms < now_ms - p_max_late_ms) THEN
      refusal := 'stale'; RETURN NEXT; RETURN;
    END IF;
  END IF;

  lease_expires := now_ts + ${ms('p_ttl_ms')};
  IF p_exclusive THEN
    IF j.running_expires_at > now_ts AND j.running_token <> p_token AND j.running_tick <> p_tick THEN
      refusal := 'overlap'; takeover := false; retry_ms := ${msUntil('j.running_expires_at')}; RETURN NEXT; RETURN;
    END IF;
    j.running_token := p_token;
    j.running_tick := p_tick;
    -- The slot outlives the lease by the takeover grace, so a dead holder's tick is taken over before newer ones.
    j.running_expires_at := lease_expires + ${ms('CASE WHEN p_at_most_once THEN 0 ELSE p_grace_ms END')};
  END IF;

  INSERT INTO tickwork_lock_ticks AS x (job, tick, lease_token, lease_expires_at, marker, marker_expires_at, outcome${control ? ', lease_holder' : ''})
  VALUES (p_job, p_tick, p_token, lease_expires, CASE WHEN p_at_most_once THEN 'started' ELSE 'claimed' END,
          now_ts + ${ms('greatest(p_retention_ms, p_ttl_ms)')}, NULL${control ? ', p_instance' : ''})
  ON CONFLICT (job, tick) DO UPDATE SET lease_token = EXCLUDED.lease_token, lease_expires_at = EXCLUDED.lease_expires_at,
    marker = EXCLUDED.marker, marker_expires_at = EXCLUDED.marker_expires_at, outcome = NULL${control ? ', lease_holder = EXCLUDED.lease_holder' : ''};

  IF scheduled AND (j.cursor_ms IS NULL OR p_tick_ms > j.cursor_ms) THEN j.cursor_ms := p_tick_ms; END IF;
  j.fence := greatest(j.fence + 1, now_ms * 1000);
  UPDATE tickwork_lock_jobs x SET fence = j.fence, cursor_ms = j.cursor_ms, running_token = j.running_token,
    running_tick = j.running_tick, running_expires_at = j.running_expires_at
  WHERE x.job = p_job;
  acquired := true;
  new_fence := j.fence;
  RETURN NEXT;
END $$`;

const RENEW = `CREATE FUNCTION tickwork_lock_renew(
  p_job text, p_tick text, p_token text, p_ttl_ms bigint, p_grace_ms bigint, p_async boolean
) RETURNS boolean ${FUNCTION}
DECLARE now_ts timestamptz;
BEGIN${LOCK_JOB_OR_FALSE}
  -- A long run keeps its claim alive too, so the tick can still be taken over if the holder dies.
  UPDATE tickwork_lock_ticks x SET lease_expires_at = now_ts + ${ms('p_ttl_ms')},
    marker_expires_at = CASE WHEN x.marker <> 'done' AND x.marker_expires_at > now_ts
      THEN greatest(x.marker_expires_at, now_ts + ${ms('2 * p_ttl_ms')}) ELSE x.marker_expires_at END
  WHERE x.job = p_job AND x.tick = p_tick AND x.lease_token = p_token AND x.lease_expires_at > now_ts;
  IF NOT FOUND THEN RETURN false; END IF;
  UPDATE tickwork_lock_jobs x SET running_expires_at = now_ts + ${ms('p_ttl_ms + p_grace_ms')}
  WHERE x.job = p_job AND x.running_token = p_token AND x.running_expires_at > now_ts;
  RETURN true;
END $$`;

/** Frees the running slot if this token holds it (live or not, as the memory adapter does). */
const DROP_RUNNING = `running_token = CASE WHEN x.running_token = p_token THEN NULL ELSE x.running_token END,
    running_tick = CASE WHEN x.running_token = p_token THEN NULL ELSE x.running_tick END,
    running_expires_at = CASE WHEN x.running_token = p_token THEN NULL ELSE x.running_expires_at END`;

const COMPLETE = `CREATE FUNCTION tickwork_lock_complete(
  p_job text, p_tick text, p_token text, p_tick_ms bigint, p_outcome jsonb, p_retention_ms bigint, p_advance boolean,
  p_async boolean
) RETURNS boolean ${FUNCTION}
DECLARE now_ts timestamptz;
BEGIN${LOCK_JOB_OR_FALSE}
  UPDATE tickwork_lock_ticks x SET lease_token = NULL, lease_expires_at = NULL, marker = 'done', outcome = p_outcome,
    marker_expires_at = now_ts + ${ms('p_retention_ms')}
  WHERE x.job = p_job AND x.tick = p_tick AND x.lease_token = p_token AND x.lease_expires_at > now_ts;
  IF NOT FOUND THEN RETURN false; END IF;
  UPDATE tickwork_lock_jobs x SET ${DROP_RUNNING},
    high_water_mark = CASE WHEN p_advance AND (x.high_water_mark IS NULL OR p_tick_ms > x.high_water_mark)
      THEN p_tick_ms ELSE x.high_water_mark END
  WHERE x.job = p_job;
  RETURN true;
END $$`;

// The tick's claimed (or at-most-once started) marker stays: the tick may be taken over, never claimed anew.
// The running slot goes at once: a stopped holder gives its tick back, no grace needed.
const RELEASE = `CREATE FUNCTION tickwork_lock_release(p_job text, p_tick text, p_token text, p_async boolean)
RETURNS boolean ${FUNCTION}
DECLARE now_ts timestamptz;
BEGIN${LOCK_JOB_OR_FALSE}
  UPDATE tickwork_lock_ticks x SET lease_token = NULL, lease_expires_at = NULL
  WHERE x.job = p_job AND x.tick = p_tick AND x.lease_token = p_token AND x.lease_expires_at > now_ts;
  IF NOT FOUND THEN RETURN false; END IF;
  UPDATE tickwork_lock_jobs x SET ${DROP_RUNNING} WHERE x.job = p_job AND x.running_token = p_token;
  RETURN true;
END $$`;

// One read, no locks: a snapshot of the job row and the tick row at one instant of the server's clock.
const STATE = `CREATE FUNCTION tickwork_lock_state(p_job text, p_tick text)
RETURNS TABLE (cursor_ms bigint, high_water_mark bigint, fence bigint, server_ms bigint, status text, ttl_ms bigint,
  outcome jsonb) ${FUNCTION}
DECLARE now_ts timestamptz := clock_timestamp();
BEGIN
  RETURN QUERY SELECT j.cursor_ms, j.high_water_mark, coalesce(j.fence, 0::bigint), ${epochMs('now_ts')},
    CASE WHEN p_tick IS NULL THEN NULL
      WHEN t.marker = 'done' AND t.marker_expires_at > now_ts THEN 'done'
      WHEN t.lease_expires_at > now_ts THEN 'leased'
      WHEN t.marker_expires_at > now_ts THEN t.marker
      ELSE 'free' END,
    CASE WHEN t.lease_expires_at > now_ts THEN ${msUntil('t.lease_expires_at')} END,
    CASE WHEN t.marker = 'done' THEN t.outcome END
  FROM (SELECT 1) one
  LEFT JOIN tickwork_lock_jobs j ON j.job = p_job
  LEFT JOIN tickwork_lock_ticks t ON t.job = p_job AND t.tick = p_tick;
END $$`;

/** The lock's tables and functions: `scheduler-001-lock`, applied by `migrate(db)`. */
export const lockMigration: Migration = {
  id: 'scheduler-001-lock',
  statements: [
    `CREATE TABLE tickwork_lock_jobs (
      job text PRIMARY KEY,
      fence bigint NOT NULL DEFAULT 0,
      cursor_ms bigint,
      high_water_mark bigint,
      running_token text,
      running_tick text,
      running_expires_at timestamptz
    )`,
    `CREATE TABLE tickwork_lock_ticks (
      job text NOT NULL,
      tick text NOT NULL,
      lease_token text,
      lease_expires_at timestamptz,
      marker text NOT NULL CHECK (marker IN ('claimed', 'started', 'done')),
      marker_expires_at timestamptz NOT NULL,
      outcome jsonb,
      PRIMARY KEY (job, tick)
    )`,
    // Finds a job's expired rows without reading its live ones (a marker always outlives its lease).
    'CREATE INDEX tickwork_lock_ticks_expiry ON tickwork_lock_ticks (job, marker_expires_at)',
    acquireFunction(false),
    RENEW,
    COMPLETE,
    RELEASE,
    STATE,
  ],
};
