import type { PageRequest } from './ledger-entry.js';
import type { Task, TaskChange, TaskStatus } from './task.js';

/** Storage of tasks. The unique pair (user, app) is what makes "one claim per user and app" hold. */
export interface TaskRepository {
  /** Stores a new task; `CONFLICT` when the id or the (user, app) pair is taken. */
  insert(task: Task): Promise<void>;
  /** The task with this id. */
  findById(id: string): Promise<Task | undefined>;
  /**
   * Compare-and-set: applies `change` (and `version + 1`) only if the task is still at `expected.version` and in
   * one of `expected.statuses`. Resolves the updated task, or `undefined` when nothing matched — a lost race.
   */
  transition(
    id: string,
    expected: { readonly statuses: readonly TaskStatus[]; readonly version: number },
    change: TaskChange,
  ): Promise<Task | undefined>;
  /** A user's tasks, newest claim first. */
  listByUser(userId: string): Promise<Task[]>;
  /** Tasks in `status`, oldest submission (then claim) first. */
  listByStatus(status: TaskStatus, page: PageRequest): Promise<Task[]>;
  /** Tasks whose proof has this SHA-256. */
  listByProof(sha256: string): Promise<Task[]>;
  /** How many tasks the user has in each status (missing statuses count 0). */
  countByStatus(userId: string): Promise<Partial<Record<TaskStatus, number>>>;
}
