import type { LedgerEntry, PageRequest } from './ledger-entry.js';
import type { Task, TaskChange, TaskStatus, TaskWithParties } from './task.js';

/** What {@link TaskRepository.approve} is asked to do. */
export interface ApproveRequest {
  /** The task to approve. */
  readonly taskId: string;
  /** The reviewing admin: becomes `reviewerId`, and must not own the task. */
  readonly reviewerId: string;
  /** When given, the task must still be at this version. */
  readonly expectedVersion?: number | undefined;
  /** The statuses a task may be approved from (`TASK_TRANSITIONS.approved`). */
  readonly from: readonly TaskStatus[];
  /** The approval time: `reviewedAt` and `updatedAt` of the task, `createdAt` of the award. */
  readonly now: Date;
  /**
   * The award to append. Its `userId`, `amount` (the task's frozen points) and `reference` (the task id) are
   * taken from the task as the approval finds it, so they always match the task that was approved.
   */
  readonly award: Omit<LedgerEntry, 'userId' | 'amount' | 'reference' | 'createdAt'>;
}

/** What {@link TaskRepository.approve} resolves. */
export type ApproveOutcome =
  | {
      /** The task was approved and awarded. */
      readonly approved: true;
      /** The task, now approved, its version bumped. */
      readonly task: Task;
      /** The award appended. */
      readonly award: LedgerEntry;
    }
  | {
      /** Nothing was written: a condition did not hold. */
      readonly approved: false;
      /**
       * The task as it stood when the approval was refused (`undefined`: no such task), for the caller to say
       * why. When it looks approvable, a concurrent change won the race.
       */
      readonly task: Task | undefined;
    };

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
  /**
   * Approval and award as one atomic step (one call of a SQL function on PostgreSQL): only if the task exists, is in one of
   * `request.from`, is not owned by `request.reviewerId` and is at `request.expectedVersion` (when given), it
   * becomes `approved` (reviewer, `reviewedAt`, `reason: null`, `version + 1`) and the award is appended with
   * the task's owner and points. Otherwise nothing is written and the task is returned as it stands. A concurrent
   * transition of the same task is ordered wholly before the approval (which then judges its result) or wholly
   * after it, never in between. `CONFLICT` when the award's idempotency key exists: nothing is written then
   * either.
   */
  approve(request: ApproveRequest): Promise<ApproveOutcome>;
  /** A user's tasks, newest claim first. */
  listByUser(userId: string): Promise<Task[]>;
  /** Tasks in `status`, oldest submission (then claim) first. */
  listByStatus(status: TaskStatus, page: PageRequest): Promise<Task[]>;
  /**
   * Like {@link TaskRepository.listByStatus}, each task with its submitter (id, name, email) and its app (id,
   * name), read in one query rather than one per task.
   */
  listByStatusWithParties(status: TaskStatus, page: PageRequest): Promise<TaskWithParties[]>;
  /** Tasks whose proof has this SHA-256. */
  listByProof(sha256: string): Promise<Task[]>;
  /** How many tasks the user has in each status (missing statuses count 0). */
  countByStatus(userId: string): Promise<Partial<Record<TaskStatus, number>>>;
}
