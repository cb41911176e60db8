import { TickworkError } from '../../src/adapter-kit.js';
import type {
  AppFields,
  AppRepository,
  LedgerRepository,
  Repositories,
  RepositorySet,
  SessionRepository,
  TaskChange,
  TaskRepository,
  TaskStatus,
  UserRepository,
} from '../../src/index.js';
import { toApp, toLedgerEntry, toSession, toTask, toUser } from './domain-rows.js';
import { translatePgError } from './pg-errors.js';
import { affectedRows, type SqlClient, withTransaction } from './sql-client.js';

/** Options of {@link postgresRepositories}. */
export interface PostgresRepositoriesOptions {
  /**
   * A `pg.Pool`, `pg.Client`, PGlite, or anything with `query(text, params)`. Never closed by the adapter.
   * Tables come from `migrate(db)`; they live in the client's `search_path`.
   */
  readonly db: SqlClient;
}

type Row = Record<string, unknown>;

async function run(db: SqlClient, context: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  try {
    return (await db.query(sql, params)).rows as Row[];
  } catch (error) {
    throw translatePgError(error, context);
  }
}

// Byte order for ids and names, so PostgreSQL sorts exactly like the reference adapter whatever the collation.
const C = 'COLLATE "C"';

/** Columns an app change may set; the keys are the only names ever put into SQL. */
const APP_COLUMNS = {
  name: 'name',
  packageName: 'package_name',
  storeUrl: 'store_url',
  iconUrl: 'icon_url',
  category: 'category',
  subCategory: 'sub_category',
  points: 'points',
  active: 'active',
} as const satisfies Record<keyof AppFields, string>;

/** Columns a task transition may set; the keys are the only names ever put into SQL. */
const TASK_COLUMNS = {
  status: 'status',
  submissions: 'submissions',
  reviewerId: 'reviewer_id',
  reason: 'reason',
  submittedAt: 'submitted_at',
  reviewedAt: 'reviewed_at',
  updatedAt: 'updated_at',
} as const;

function bind(db: SqlClient): RepositorySet {
  const users: UserRepository = {
    async insert(u) {
      await run(
        db,
        'Insert user',
        'INSERT INTO tickwork_users (id, email, name, role, password_hash, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [u.id, u.email, u.name, u.role, u.passwordHash, u.createdAt, u.updatedAt, u.version],
      );
    },
    async findById(id) {
      const [r] = await run(db, 'Read user', 'SELECT * FROM tickwork_users WHERE id = $1', [id]);
      return r && toUser(r);
    },
    async findByEmail(email) {
      const [r] = await run(db, 'Read user', 'SELECT * FROM tickwork_users WHERE email = $1', [email]);
      return r && toUser(r);
    },
    async setRole(id, role, expectedVersion, now) {
      const [r] = await run(
        db,
        'Set role',
        'UPDATE tickwork_users SET role = $2, updated_at = $4, version = version + 1 WHERE id = $1 AND version = $3 RETURNING *',
        [id, role, expectedVersion, now],
      );
      return r && toUser(r);
    },
    async list({ search, limit, offset }) {
      // Every user when the pattern is empty; LIKE's wildcards in the search are escaped, so they match literally.
      const pattern = search ? `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : '%';
      const rows = await run(
        db,
        'List users',
        `SELECT * FROM tickwork_users WHERE email LIKE $1 OR lower(name) LIKE $1
         ORDER BY email ${C}, id ${C} LIMIT $2 OFFSET $3`,
        [pattern, limit, offset],
      );
      return rows.map(toUser);
    },
    async lockAdmins() {
      // FOR UPDATE holds the admins' rows to the end of the transaction; a concurrent demotion waits, then
      // re-reads, so it counts the admins the first one left.
      const rows = await run(db, 'Count admins', "SELECT id FROM tickwork_users WHERE role = 'admin' FOR UPDATE");
      return rows.length;
    },
  };

  const sessions: SessionRepository = {
    async insert(s) {
      await run(
        db,
        'Insert session',
        'INSERT INTO tickwork_sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
        [s.tokenHash, s.userId, s.createdAt, s.expiresAt],
      );
    },
    async findByHash(hash) {
      const [r] = await run(db, 'Read session', 'SELECT * FROM tickwork_sessions WHERE token_hash = $1', [hash]);
      return r && toSession(r);
    },
    async delete(hash) {
      const rows = await run(
        db,
        'Delete session',
        'DELETE FROM tickwork_sessions WHERE token_hash = $1 RETURNING token_hash',
        [hash],
      );
      return rows.length > 0;
    },
    async deleteExpired(now) {
      try {
        return affectedRows(await db.query('DELETE FROM tickwork_sessions WHERE expires_at <= $1', [now]));
      } catch (error) {
        throw translatePgError(error, 'Delete expired sessions');
      }
    },
  };

  const appValues = (a: Parameters<AppRepository['insert']>[0]) => [
    a.id,
    a.name,
    a.packageName,
    a.storeUrl,
    a.iconUrl,
    a.category,
    a.subCategory,
    a.points,
    a.active,
    a.createdAt,
    a.updatedAt,
    a.version,
  ];

  const apps: AppRepository = {
    async insert(a) {
      await run(
        db,
        'Insert app',
        `INSERT INTO tickwork_apps (id, name, package_name, store_url, icon_url, category, sub_category, points, active,
           created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        appValues(a),
      );
    },
    async findById(id) {
      const [r] = await run(db, 'Read app', 'SELECT * FROM tickwork_apps WHERE id = $1', [id]);
      return r && toApp(r);
    },
    async update(id, change, expectedVersion) {
      const params: unknown[] = [id, change.updatedAt];
      const sets = ['updated_at = $2', 'version = version + 1'];
      for (const [key, column] of Object.entries(APP_COLUMNS)) {
        const value = change[key as keyof typeof APP_COLUMNS];
        if (value === undefined) continue;
        params.push(value);
        sets.push(`${column} = $${params.length}`);
      }
      let where = 'id = $1';
      if (expectedVersion !== undefined) {
        params.push(expectedVersion);
        where += ` AND version = $${params.length}`;
      }
      // One statement: the row lock orders concurrent writers, and each sets its fields on the row the one before
      // it left, so without an expected version none is refused.
      const [r] = await run(
        db,
        'Update app',
        `UPDATE tickwork_apps SET ${sets.join(', ')} WHERE ${where} RETURNING *`,
        params,
      );
      return r && toApp(r);
    },
    async list({ activeOnly }) {
      const rows = await run(
        db,
        'List apps',
        `SELECT * FROM tickwork_apps WHERE active OR NOT $1 ORDER BY name ${C}, id ${C}`,
        [activeOnly],
      );
      return rows.map(toApp);
    },
  };

  const tasks: TaskRepository = {
    async insert(t) {
      await run(
        db,
        'Claim app',
        `INSERT INTO tickwork_tasks (id, user_id, app_id, status, points, proof, proof_sha256, submissions, reviewer_id,
           reason, claimed_at, submitted_at, reviewed_at, updated_at, version)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
        [
          t.id,
          t.userId,
          t.appId,
          t.status,
          t.points,
          t.proof && JSON.stringify(t.proof),
          t.proof?.sha256 ?? null,
          t.submissions,
          t.reviewerId,
          t.reason,
          t.claimedAt,
          t.submittedAt,
          t.reviewedAt,
          t.updatedAt,
          t.version,
        ],
      );
    },
    async findById(id) {
      const [r] = await run(db, 'Read task', 'SELECT * FROM tickwork_tasks WHERE id = $1', [id]);
      return r && toTask(r);
    },
    async transition(id, expected, change: TaskChange) {
      if (expected.statuses.length === 0) return undefined;
      const params: unknown[] = [id, expected.version];
      const sets: string[] = [];
      for (const [key, column] of Object.entries(TASK_COLUMNS)) {
        const value = change[key as keyof typeof TASK_COLUMNS];
        if (value === undefined) continue;
        params.push(value);
        sets.push(`${column} = $${params.length}`);
      }
      if (change.proof !== undefined) {
        params.push(change.proof && JSON.stringify(change.proof));
        sets.push(`proof = $${params.length}::jsonb`);
        params.push(change.proof?.sha256 ?? null);
        sets.push(`proof_sha256 = $${params.length}`);
      }
      const statuses = expected.statuses.map((s) => {
        params.push(s);
        return `$${params.length}`;
      });
      // The compare-and-set: a concurrent writer that committed first leaves this row matching nothing.
      const [r] = await run(
        db,
        'Move task',
        `UPDATE tickwork_tasks SET ${[...sets, 'version = version + 1'].join(', ')}
         WHERE id = $1 AND version = $2 AND status IN (${statuses.join(', ')}) RETURNING *`,
        params,
      );
      return r && toTask(r);
    },
    async approve(q) {
      // One call, so one round trip and one atomic unit: tickwork_approve_task (migration domain-003) runs the
      // compare-and-set UPDATE (a concurrent writer holding the row makes it wait, then re-check) and inserts
      // the award only from the row it moved.
      const [r] = await run(
        db,
        'Approve task',
        'SELECT * FROM tickwork_approve_task($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
        [
          q.taskId,
          q.reviewerId,
          q.now,
          [...q.from],
          q.expectedVersion ?? null,
          q.award.id,
          q.award.kind,
          q.award.reason,
          q.award.actorId,
          q.award.idempotencyKey,
        ],
      );
      const json = (v: unknown): Row | undefined =>
        v === null || v === undefined ? undefined : ((typeof v === 'string' ? JSON.parse(v) : v) as Row);
      const task = json(r?.moved_row);
      const award = json(r?.award_row);
      if (task && award) return { approved: true, task: toTask(task), award: toLedgerEntry(award) };
      const found = json(r?.found_row);
      return { approved: false, task: found && toTask(found) };
    },
    async listByUser(userId) {
      const rows = await run(
        db,
        'List tasks',
        `SELECT * FROM tickwork_tasks WHERE user_id = $1 ORDER BY claimed_at DESC, id ${C} DESC`,
        [userId],
      );
      return rows.map(toTask);
    },
    async listByStatus(status: TaskStatus, page) {
      const rows = await run(
        db,
        'List tasks',
        `SELECT * FROM tickwork_tasks WHERE status = $1
         ORDER BY coalesce(submitted_at, claimed_at), claimed_at, id ${C} LIMIT $2 OFFSET $3`,
        [status, page.limit, page.offset],
      );
      return rows.map(toTask);
    },
    async listByStatusWithParties(status: TaskStatus, page) {
      // One join instead of a lookup per task; the foreign keys guarantee both sides exist.
      const rows = await run(
        db,
        'List tasks',
        `SELECT t.*, u.name AS submitter_name, u.email AS submitter_email, a.name AS app_name
         FROM tickwork_tasks t
         JOIN tickwork_users u ON u.id = t.user_id
         JOIN tickwork_apps a ON a.id = t.app_id
         WHERE t.status = $1
         ORDER BY coalesce(t.submitted_at, t.claimed_at), t.claimed_at, t.id ${C} LIMIT $2 OFFSET $3`,
        [status, page.limit, page.offset],
      );
      return rows.map((r) => ({
        ...toTask(r),
        submitter: { id: String(r.user_id), name: String(r.submitter_name), email: String(r.submitter_email) },
        app: { id: String(r.app_id), name: String(r.app_name) },
      }));
    },
    async listByProof(sha256) {
      const rows = await run(
        db,
        'List tasks',
        `SELECT * FROM tickwork_tasks WHERE proof_sha256 = $1
         ORDER BY coalesce(submitted_at, claimed_at), claimed_at, id ${C}`,
        [sha256],
      );
      return rows.map(toTask);
    },
    async countByStatus(userId) {
      const rows = await run(
        db,
        'Count tasks',
        'SELECT status, count(*)::integer AS n FROM tickwork_tasks WHERE user_id = $1 GROUP BY status',
        [userId],
      );
      return Object.fromEntries(rows.map((r) => [String(r.status), Number(r.n)])) as Partial<
        Record<TaskStatus, number>
      >;
    },
  };

  const ledger: LedgerRepository = {
    async append(e) {
      // ON CONFLICT waits for a concurrent insert of the same key to commit, then does nothing: one entry per key.
      const [inserted] = await run(
        db,
        'Append to ledger',
        `INSERT INTO tickwork_ledger (id, user_id, amount, kind, reason, reference, actor_id, idempotency_key, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (idempotency_key) DO NOTHING RETURNING *`,
        [e.id, e.userId, e.amount, e.kind, e.reason, e.reference, e.actorId, e.idempotencyKey, e.createdAt],
      );
      if (inserted) return { entry: toLedgerEntry(inserted), created: true };
      const existing = await ledger.findByKey(e.idempotencyKey);
      if (!existing) throw new TickworkError('CONFLICT', 'Ledger entry vanished while reading it back; try again');
      return { entry: existing, created: false };
    },
    async findByKey(key) {
      const [r] = await run(db, 'Read ledger', 'SELECT * FROM tickwork_ledger WHERE idempotency_key = $1', [key]);
      return r && toLedgerEntry(r);
    },
    async balance(userId) {
      const [r] = await run(
        db,
        'Read balance',
        'SELECT coalesce(sum(amount), 0)::bigint AS balance FROM tickwork_ledger WHERE user_id = $1',
        [userId],
      );
      return Number(r?.balance ?? 0);
    },
    async history(userId, page) {
      const rows = await run(
        db,
        'Read ledger',
        'SELECT * FROM tickwork_ledger WHERE user_id = $1 ORDER BY seq DESC LIMIT $2 OFFSET $3',
        [userId, page.limit, page.offset],
      );
      return rows.map(toLedgerEntry);
    },
    async lockAccount(userId) {
      await run(db, 'Lock account', "SELECT pg_advisory_xact_lock(hashtextextended('tickwork:ledger:' || $1, 0))", [
        userId,
      ]);
    },
  };

  return { users, sessions, apps, tasks, ledger };
}

/**
 * PostgreSQL repositories for the domain services. Parameterised SQL only; unique constraints (email, package
 * name, one claim per user and app, one ledger entry per idempotency key) and conditional updates on
 * `(status, version)` do the real work, so the rules hold across any number of processes. Run `migrate(db)`
 * first. Driver errors become `TickworkError`s (a unique violation is `CONFLICT`).
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createServices } from 'tickwork';
 * import { fsProofStore } from 'tickwork/fs';
 * import { migrate, postgresRepositories } from 'tickwork/postgres';
 *
 * const db = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await migrate(db);
 * const services = createServices({ repositories: postgresRepositories({ db }), proofs: fsProofStore({ dir: './proofs' }) });
 * ```
 */
export function postgresRepositories(options: PostgresRepositoriesOptions): Repositories {
  const db = options?.db;
  if (typeof db?.query !== 'function') {
    throw new TickworkError('INVALID_OPTION', 'Expected `db` to be a client with query(text, params), got none', {
      details: { option: 'db' },
    });
  }
  return {
    ...bind(db),
    async transaction(fn) {
      try {
        // Every statement of the unit runs on the connection the transaction holds, through `tx`.
        return await withTransaction(db, (tx) => fn(bind(tx)));
      } catch (error) {
        throw translatePgError(error, 'Transaction failed');
      }
    },
  };
}
