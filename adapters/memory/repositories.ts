import { TickworkError } from '../../src/adapter-kit.js';
import type {
  App,
  AppRepository,
  LedgerEntry,
  LedgerRepository,
  Repositories,
  RepositorySet,
  Session,
  SessionRepository,
  Task,
  TaskRepository,
  TaskStatus,
  TaskWithParties,
  User,
  UserRepository,
} from '../../src/index.js';
import { freezeRow } from './frozen.js';

/** Code-unit order, as PostgreSQL's `COLLATE "C"` sorts (for the text the domain stores). */
const byBytes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const conflict = (what: string) =>
  new TickworkError('CONFLICT', `Duplicate ${what}`, { details: { constraint: what } });

/**
 * Every table, as maps of rows frozen at every level ({@link freezeRow}): rows are replaced, never changed in
 * place, so reads return them without copying and no caller can change what is stored.
 */
interface State {
  users: Map<string, User>;
  sessions: Map<string, Session>;
  apps: Map<string, App>;
  tasks: Map<string, Task>;
  ledger: LedgerEntry[];
  ledgerKeys: Map<string, LedgerEntry>;
  /** Entry ids, so a duplicate id is found without scanning the ledger. */
  ledgerIds: Set<string>;
}

/** A FIFO mutex: one writer or transaction at a time, in arrival order. */
function mutex() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => {});
    return run;
  };
}

/** Makes a repository's every method wait for the mutex, so it never runs inside someone's transaction. */
function locked<T extends object>(repo: T, lock: ReturnType<typeof mutex>): T {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(repo)) {
    out[name] = (...args: unknown[]) => lock(() => (fn as (...a: unknown[]) => Promise<unknown>)(...args));
  }
  return out as T;
}

function unlockedSet(state: State, undo: (step: () => void) => void): RepositorySet {
  function put<K, V>(map: Map<K, V>, key: K, value: V): void {
    const before = map.get(key);
    const had = map.has(key);
    map.set(key, value);
    undo(() => (had ? map.set(key, before as V) : map.delete(key)));
  }
  function remove<K, V>(map: Map<K, V>, key: K): boolean {
    if (!map.has(key)) return false;
    const before = map.get(key) as V;
    map.delete(key);
    undo(() => map.set(key, before));
    return true;
  }

  const users: UserRepository = {
    async insert(user) {
      if (state.users.has(user.id)) throw conflict('user id');
      for (const u of state.users.values()) if (u.email === user.email) throw conflict('email');
      put(state.users, user.id, freezeRow(user));
    },
    async findById(id) {
      return state.users.get(id);
    },
    async findByEmail(email) {
      for (const u of state.users.values()) if (u.email === email) return u;
      return undefined;
    },
    async setRole(id, role, expectedVersion, now) {
      const u = state.users.get(id);
      if (!u || u.version !== expectedVersion) return undefined;
      const next = freezeRow({ ...u, role, updatedAt: new Date(now), version: u.version + 1 });
      put(state.users, id, next);
      return next;
    },
    async list({ search, limit, offset }) {
      const needle = search?.toLowerCase();
      return [...state.users.values()]
        .filter((u) => !needle || u.email.includes(needle) || u.name.toLowerCase().includes(needle))
        .sort((a, b) => byBytes(a.email, b.email) || byBytes(a.id, b.id))
        .slice(offset, offset + limit);
    },
    async lockAdmins() {
      // Transactions already run one at a time here.
      let n = 0;
      for (const u of state.users.values()) if (u.role === 'admin') n++;
      return n;
    },
  };

  const sessions: SessionRepository = {
    async insert(session) {
      if (state.sessions.has(session.tokenHash)) throw conflict('session');
      put(state.sessions, session.tokenHash, freezeRow(session));
    },
    async findByHash(hash) {
      return state.sessions.get(hash);
    },
    async delete(hash) {
      return remove(state.sessions, hash);
    },
    async deleteExpired(now) {
      let n = 0;
      for (const [hash, s] of [...state.sessions]) {
        if (s.expiresAt.getTime() <= now.getTime() && remove(state.sessions, hash)) n++;
      }
      return n;
    },
  };

  const apps: AppRepository = {
    async insert(app) {
      if (state.apps.has(app.id)) throw conflict('app id');
      for (const a of state.apps.values()) if (a.packageName === app.packageName) throw conflict('package name');
      put(state.apps, app.id, freezeRow(app));
    },
    async findById(id) {
      return state.apps.get(id);
    },
    async update(id, change, expectedVersion) {
      const current = state.apps.get(id);
      if (!current || (expectedVersion !== undefined && current.version !== expectedVersion)) return undefined;
      const { updatedAt, ...fields } = change;
      const packageName = fields.packageName ?? current.packageName;
      for (const a of state.apps.values()) {
        if (a.id !== id && a.packageName === packageName) throw conflict('package name');
      }
      const next = freezeRow({ ...current, ...fields, updatedAt: new Date(updatedAt), version: current.version + 1 });
      put(state.apps, id, next);
      return next;
    },
    async list({ activeOnly }) {
      return [...state.apps.values()]
        .filter((a) => !activeOnly || a.active)
        .sort((a, b) => byBytes(a.name, b.name) || byBytes(a.id, b.id));
    },
  };

  const newestClaimFirst = (a: Task, b: Task) =>
    b.claimedAt.getTime() - a.claimedAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
  const oldestFirst = (a: Task, b: Task) =>
    (a.submittedAt ?? a.claimedAt).getTime() - (b.submittedAt ?? b.claimedAt).getTime() ||
    a.claimedAt.getTime() - b.claimedAt.getTime() ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

  const tasks: TaskRepository = {
    async insert(task) {
      if (state.tasks.has(task.id)) throw conflict('task id');
      for (const t of state.tasks.values()) {
        if (t.userId === task.userId && t.appId === task.appId) throw conflict('claim of this app by this user');
      }
      put(state.tasks, task.id, freezeRow(task));
    },
    async findById(id) {
      return state.tasks.get(id);
    },
    async transition(id, expected, change) {
      const t = state.tasks.get(id);
      if (!t || t.version !== expected.version || !expected.statuses.includes(t.status)) return undefined;
      const next: Task = freezeRow({ ...t, ...change, version: t.version + 1 });
      put(state.tasks, id, next);
      return next;
    },
    async approve(request) {
      const t = state.tasks.get(request.taskId);
      const approvable =
        t !== undefined &&
        request.from.includes(t.status) &&
        t.userId !== request.reviewerId &&
        (request.expectedVersion === undefined || t.version === request.expectedVersion);
      if (!approvable) return { approved: false, task: t };
      // Checked before anything is written, so a refused award leaves the task as it was.
      if (state.ledgerKeys.has(request.award.idempotencyKey)) throw conflict('ledger idempotency key');
      const now = new Date(request.now);
      const next: Task = freezeRow({
        ...t,
        status: 'approved',
        reviewerId: request.reviewerId,
        reviewedAt: now,
        reason: null,
        updatedAt: now,
        version: t.version + 1,
      });
      const { entry } = await ledger.append({
        ...request.award,
        userId: t.userId,
        amount: t.points,
        reference: t.id,
        createdAt: now,
      });
      put(state.tasks, t.id, next);
      return { approved: true, task: next, award: entry };
    },
    async listByUser(userId) {
      return [...state.tasks.values()].filter((t) => t.userId === userId).sort(newestClaimFirst);
    },
    async listByStatus(status, page) {
      return [...state.tasks.values()]
        .filter((t) => t.status === status)
        .sort(oldestFirst)
        .slice(page.offset, page.offset + page.limit);
    },
    async listByStatusWithParties(status, page) {
      const out: TaskWithParties[] = [];
      for (const t of await tasks.listByStatus(status, page)) {
        const user = state.users.get(t.userId);
        const app = state.apps.get(t.appId);
        // As the inner join on PostgreSQL: a task always has both (foreign keys there).
        if (user && app) {
          out.push({
            ...t,
            submitter: { id: user.id, name: user.name, email: user.email },
            app: { id: app.id, name: app.name },
          });
        }
      }
      return out;
    },
    async listByProof(sha256) {
      return [...state.tasks.values()].filter((t) => t.proof?.sha256 === sha256).sort(oldestFirst);
    },
    async countByStatus(userId) {
      const counts: Partial<Record<TaskStatus, number>> = {};
      for (const t of state.tasks.values()) if (t.userId === userId) counts[t.status] = (counts[t.status] ?? 0) + 1;
      return counts;
    },
  };

  const ledger: LedgerRepository = {
    async append(entry) {
      const existing = state.ledgerKeys.get(entry.idempotencyKey);
      if (existing) return { entry: existing, created: false };
      if (state.ledgerIds.has(entry.id)) throw conflict('ledger entry id');
      const stored = freezeRow(entry);
      state.ledger.push(stored);
      state.ledgerKeys.set(entry.idempotencyKey, stored);
      state.ledgerIds.add(entry.id);
      undo(() => {
        state.ledger.pop();
        state.ledgerKeys.delete(entry.idempotencyKey);
        state.ledgerIds.delete(entry.id);
      });
      return { entry: stored, created: true };
    },
    async findByKey(key) {
      return state.ledgerKeys.get(key);
    },
    async balance(userId) {
      let sum = 0;
      for (const e of state.ledger) if (e.userId === userId) sum += e.amount;
      return sum;
    },
    async history(userId, page) {
      const mine: LedgerEntry[] = [];
      for (let i = state.ledger.length - 1; i >= 0; i--) {
        const e = state.ledger[i] as LedgerEntry;
        if (e.userId === userId) mine.push(e);
      }
      return mine.slice(page.offset, page.offset + page.limit);
    },
    async lockAccount() {
      // Transactions already run one at a time here.
    },
  };

  return { users, sessions, apps, tasks, ledger };
}

/**
 * In-memory repositories: the reference implementation of the domain's storage port, for tests, examples and
 * single-process use. Rows are copied in and frozen; reads return the frozen rows, so callers can read but never
 * change what is stored. Writes and transactions run one at a time (a FIFO mutex);
 * a transaction that throws is undone step by step, so the behaviour matches a serialisable database.
 *
 * @example
 * ```ts
 * import { createServices } from 'tickwork';
 * import { memoryProofStore, memoryRepositories } from 'tickwork/memory';
 *
 * const services = createServices({ repositories: memoryRepositories(), proofs: memoryProofStore() });
 * ```
 */
export function memoryRepositories(): Repositories {
  const state: State = {
    users: new Map(),
    sessions: new Map(),
    apps: new Map(),
    tasks: new Map(),
    ledger: [],
    ledgerKeys: new Map(),
    ledgerIds: new Set(),
  };
  const lock = mutex();
  let journal: (() => void)[] | undefined;
  const inner = unlockedSet(state, (step) => journal?.push(step));
  return {
    users: locked(inner.users, lock),
    sessions: locked(inner.sessions, lock),
    apps: locked(inner.apps, lock),
    tasks: locked(inner.tasks, lock),
    ledger: locked(inner.ledger, lock),
    transaction(fn) {
      return lock(async () => {
        const steps: (() => void)[] = [];
        journal = steps;
        try {
          return await fn(inner);
        } catch (error) {
          for (let i = steps.length - 1; i >= 0; i--) steps[i]?.();
          throw error;
        } finally {
          journal = undefined;
        }
      });
    },
  };
}
