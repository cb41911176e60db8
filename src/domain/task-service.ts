import { TickworkError } from '../errors.js';
import { type Actor, requireActor, requireAdmin } from './actor.js';
import { rethrowConflict } from './conflict.js';
import type { ServiceContext } from './context.js';
import { inspectImage } from './image.js';
import type { LedgerEntry, Page } from './ledger-entry.js';
import { proofKey } from './proof-store.js';
import type { RepositorySet } from './repositories.js';
import { type ReviewTask, TASK_TRANSITIONS, type Task, type TaskChange, type TaskStatus } from './task.js';
import {
  type ApproveInput,
  ApproveInputSchema,
  type MyTasksQuery,
  MyTasksQuerySchema,
  type RejectInput,
  RejectInputSchema,
  type ReviewQuery,
  ReviewQuerySchema,
} from './task-inputs.js';
import { IdSchema, parseInput } from './validation.js';

/** What {@link TaskService.approve} answers: the approved task and its award in the ledger. */
export interface Approval {
  /** The task, now `approved`. */
  readonly task: Task;
  /** The ledger entry that paid the task's points, key `task:<id>:award`. */
  readonly award: LedgerEntry;
}

/** A proof image read back, with the type detected when it was submitted. */
export interface ProofFile {
  /** The image bytes. */
  readonly bytes: Uint8Array;
  /** `image/png`, `image/jpeg` or `image/webp`. */
  readonly mime: string;
  /** Hex SHA-256 of the bytes. */
  readonly sha256: string;
}

/** Claims, proofs and reviews. */
export interface TaskService {
  /**
   * Claims an active app for the actor, freezing its current points on the task. One claim per user and app:
   * a second one (even a concurrent one) is `CONFLICT`.
   *
   * @example
   * ```ts
   * const task = await services.tasks.claim(actor, appId);
   * ```
   */
  claim(actor: Actor, appId: string): Promise<Task>;
  /**
   * The owner submits a screenshot for a `claimed` or `rejected` task. The bytes must be PNG, JPEG or WebP by
   * their magic bytes (`UNSUPPORTED_MEDIA_TYPE`), within the size and pixel caps (`PAYLOAD_TOO_LARGE`); they
   * are stored under their SHA-256.
   *
   * @example
   * ```ts
   * const submitted = await services.tasks.submitProof(actor, task.id, await readFile('shot.png'));
   * ```
   */
  submitProof(actor: Actor, taskId: string, bytes: Uint8Array): Promise<Task>;
  /**
   * An admin approves a `submitted` task of another user and awards its points, as one atomic step. Approving
   * twice, or from many places at once, awards once: every call but one is `CONFLICT`; an approval racing a
   * rejection either wins (and awards) or is `CONFLICT` (and awards nothing).
   *
   * @example
   * ```ts
   * const { task, award } = await services.tasks.approve(admin, taskId);
   * ```
   */
  approve(actor: Actor, taskId: string, options?: ApproveInput): Promise<Approval>;
  /**
   * An admin rejects a `submitted` task of another user, saying why; the owner may submit a new proof.
   *
   * @example
   * ```ts
   * await services.tasks.reject(admin, taskId, { reason: 'The screenshot shows another app' });
   * ```
   */
  reject(actor: Actor, taskId: string, input: RejectInput): Promise<Task>;
  /** One task, for its owner or an admin (`FORBIDDEN` for others). */
  get(actor: Actor, taskId: string): Promise<Task>;
  /** The actor's own tasks, newest claim first, optionally of one status. */
  listMine(actor: Actor, options?: MyTasksQuery): Promise<Task[]>;
  /**
   * The review queue for admins (default status `submitted`, oldest first), each task with its submitter
   * (id, name, email), its app (id, name; inactive apps too) and the other users' tasks whose proof is the same
   * image.
   */
  listForReview(actor: Actor, options?: ReviewQuery): Promise<Page<ReviewTask>>;
  /** The proof image of a task, for its owner or an admin; `NOT_FOUND` when none was submitted. */
  readProof(actor: Actor, taskId: string): Promise<ProofFile>;
}

const ID = IdSchema;

/** "A claimed task", "An approved task": the subject of a sentence about a task in `status`. */
const aTask = (status: TaskStatus): string => `${/^[aeiou]/.test(status) ? 'An' : 'A'} ${status} task`;

/**
 * The ledger key that makes an award happen once per task, whatever the concurrency.
 *
 * @example
 * ```ts
 * import { awardKey } from 'tickwork';
 *
 * awardKey('7f3c…'); // 'task:7f3c…:award', the idempotency key of the approval's ledger entry
 * ```
 */
export const awardKey = (taskId: string): string => `task:${taskId}:award`;

/** @internal */
export function createTaskService(ctx: ServiceContext): TaskService {
  const { repositories: repos } = ctx;

  const notFound = (id: string) => new TickworkError('NOT_FOUND', 'Task not found', { details: { id } });

  async function load(r: RepositorySet, taskId: string): Promise<Task> {
    const id = parseInput(ID, taskId, 'task id');
    const task = await r.tasks.findById(id);
    if (!task) throw notFound(id);
    return task;
  }

  function ownerOrAdmin(actor: Actor, task: Task): void {
    if (actor.role !== 'admin' && task.userId !== actor.id) {
      throw new TickworkError('FORBIDDEN', 'Only the owner of a task or an admin may see it');
    }
  }

  /** Why `task` cannot go `to` now (`CONFLICT`): wrong status, or not the version the caller read. */
  function checkTransition(task: Task, to: Exclude<TaskStatus, 'claimed'>, expectedVersion: number | undefined) {
    const from = TASK_TRANSITIONS[to];
    if (!from.includes(task.status)) {
      throw new TickworkError('CONFLICT', `${aTask(task.status)} cannot become ${to}`, {
        details: { status: task.status, allowedFrom: from },
      });
    }
    if (expectedVersion !== undefined && expectedVersion !== task.version) {
      throw new TickworkError('CONFLICT', 'The task changed meanwhile', {
        details: { expectedVersion, version: task.version },
      });
    }
  }

  const lostRace = () => new TickworkError('CONFLICT', 'The task changed meanwhile; read it again');

  /** The compare-and-set every transition but approval goes through; a lost race or a stale version is `CONFLICT`. */
  async function move(
    r: RepositorySet,
    task: Task,
    to: Exclude<TaskStatus, 'claimed' | 'approved'>,
    change: Omit<TaskChange, 'status' | 'updatedAt'>,
    expectedVersion: number | undefined,
  ): Promise<Task> {
    checkTransition(task, to, expectedVersion);
    const moved = await r.tasks.transition(
      task.id,
      { statuses: TASK_TRANSITIONS[to], version: task.version },
      { ...change, status: to, updatedAt: ctx.now() },
    );
    if (!moved) throw lostRace();
    return moved;
  }

  function reviewable(actor: Actor, task: Task): void {
    if (task.userId === actor.id) throw new TickworkError('FORBIDDEN', 'Nobody may review their own task');
  }

  return {
    async claim(actor, appId) {
      const { id: userId } = requireActor(actor);
      const id = parseInput(ID, appId, 'app id');
      const app = await repos.apps.findById(id);
      if (!app?.active) throw new TickworkError('NOT_FOUND', 'App not found or not active', { details: { id } });
      const now = ctx.now();
      const task: Task = {
        id: ctx.ids(),
        userId,
        appId: app.id,
        status: 'claimed',
        points: app.points,
        proof: null,
        submissions: 0,
        reviewerId: null,
        reason: null,
        claimedAt: now,
        submittedAt: null,
        reviewedAt: null,
        updatedAt: now,
        version: 1,
      };
      await repos.tasks.insert(task).catch(rethrowConflict('You have claimed this app already', { appId }));
      ctx.publish({ type: 'task:claimed', taskId: task.id, appId: task.appId, userId });
      return task;
    },

    async submitProof(actor, taskId, bytes) {
      const checked = requireActor(actor);
      if (!(bytes instanceof Uint8Array)) {
        throw new TickworkError('VALIDATION', 'Proof must be bytes', {
          details: { fields: [{ path: 'proof', message: 'Expected a Uint8Array', code: 'invalid_type' }] },
        });
      }
      const task = await load(repos, taskId);
      if (task.userId !== checked.id) throw new TickworkError('FORBIDDEN', 'Only the owner may submit a proof');
      if (!TASK_TRANSITIONS.submitted.includes(task.status)) {
        throw new TickworkError('CONFLICT', `${aTask(task.status)} takes no proof`, {
          details: { status: task.status },
        });
      }
      const info = inspectImage(bytes, ctx.imageLimits);
      const sha256 = proofKey(bytes);
      // Stored before the task points at it, so a task never refers to missing bytes.
      await ctx.proofs.put(sha256, bytes);
      const submitted = await move(
        repos,
        task,
        'submitted',
        { proof: { sha256, ...info }, submissions: task.submissions + 1, submittedAt: ctx.now(), reason: null },
        undefined,
      );
      ctx.publish({
        type: 'task:submitted',
        taskId: submitted.id,
        userId: submitted.userId,
        submission: submitted.submissions,
      });
      return submitted;
    },

    async approve(actor, taskId, options = {}) {
      const admin = requireAdmin(actor);
      const { expectedVersion } = parseInput(ApproveInputSchema, options, 'approval');
      const id = parseInput(ID, taskId, 'task id');
      // One atomic repository step checks and moves the task and appends the award: one round trip on
      // PostgreSQL, and no window between reading the task and writing it for a reject to slip into.
      const outcome = await repos.tasks
        .approve({
          taskId: id,
          reviewerId: admin.id,
          expectedVersion,
          from: TASK_TRANSITIONS.approved,
          now: ctx.now(),
          award: {
            id: ctx.ids(),
            kind: 'award',
            reason: 'Task approved',
            actorId: admin.id,
            idempotencyKey: awardKey(id),
          },
        })
        // The unique award key is the second wall behind the status check; nothing was written.
        .catch(rethrowConflict('This task was awarded already'));
      if (outcome.approved) {
        const { task, award } = outcome;
        // Both after the one atomic step stored them.
        ctx.publish({
          type: 'task:approved',
          taskId: task.id,
          userId: task.userId,
          reviewerId: admin.id,
          status: task.status,
        });
        ctx.publish({
          type: 'points:awarded',
          entryId: award.id,
          userId: award.userId,
          amount: award.amount,
          actorId: admin.id,
        });
        return { task, award };
      }
      // Nothing was written: say why from the task as the approval found it.
      const task = outcome.task;
      if (!task) throw notFound(id);
      reviewable(admin, task);
      checkTransition(task, 'approved', expectedVersion);
      throw lostRace();
    },

    async reject(actor, taskId, input) {
      const admin = requireAdmin(actor);
      const { reason, expectedVersion } = parseInput(RejectInputSchema, input, 'rejection');
      const task = await load(repos, taskId);
      reviewable(admin, task);
      const rejected = await move(
        repos,
        task,
        'rejected',
        { reviewerId: admin.id, reviewedAt: ctx.now(), reason },
        expectedVersion,
      );
      ctx.publish({
        type: 'task:rejected',
        taskId: rejected.id,
        userId: rejected.userId,
        reviewerId: admin.id,
        status: rejected.status,
      });
      return rejected;
    },

    async get(actor, taskId) {
      const checked = requireActor(actor);
      const task = await load(repos, taskId);
      ownerOrAdmin(checked, task);
      return task;
    },

    async listMine(actor, options = {}) {
      const { id } = requireActor(actor);
      const { status } = parseInput(MyTasksQuerySchema, options, 'task query');
      const tasks = await repos.tasks.listByUser(id);
      return status ? tasks.filter((t) => t.status === status) : tasks;
    },

    async listForReview(actor, options = {}) {
      requireAdmin(actor);
      const { status, limit, offset } = parseInput(ReviewQuerySchema, options, 'review query');
      // One extra row tells whether another page exists.
      const rows = await repos.tasks.listByStatusWithParties(status, { limit: limit + 1, offset });
      const page = rows.slice(0, limit);
      const items = await Promise.all(
        page.map(async (task): Promise<ReviewTask> => {
          const same = task.proof ? await repos.tasks.listByProof(task.proof.sha256) : [];
          const duplicateProof = same
            .filter((t) => t.userId !== task.userId)
            .map((t) => ({ taskId: t.id, userId: t.userId }));
          return { ...task, duplicateProof };
        }),
      );
      return { items, nextOffset: rows.length > limit ? offset + limit : null };
    },

    async readProof(actor, taskId) {
      const checked = requireActor(actor);
      const task = await load(repos, taskId);
      ownerOrAdmin(checked, task);
      if (!task.proof) throw new TickworkError('NOT_FOUND', 'No proof was submitted for this task');
      const bytes = await ctx.proofs.get(task.proof.sha256);
      if (!bytes) throw new TickworkError('INTERNAL', 'The proof image is missing from the proof store');
      return { bytes, mime: task.proof.mime, sha256: task.proof.sha256 };
    },
  };
}
