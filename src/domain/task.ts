import { z } from 'zod';

/**
 * Every task status, in lifecycle order: `claimed → submitted → approved | rejected`, and
 * `rejected → submitted` on a new proof. The one list the type, the schema and the HTTP documents come from.
 *
 * @example
 * ```ts
 * import { TASK_STATUSES, type TaskStatus } from 'tickwork';
 *
 * const isStatus = (s: string): s is TaskStatus => (TASK_STATUSES as readonly string[]).includes(s);
 * isStatus('approved'); // true
 * ```
 */
export const TASK_STATUSES = ['claimed', 'submitted', 'approved', 'rejected'] as const;

/** Where a task is: one of {@link TASK_STATUSES}. */
export type TaskStatus = (typeof TASK_STATUSES)[number];

/**
 * Validates a {@link TaskStatus}.
 *
 * @example
 * ```ts
 * import { TaskStatusSchema } from 'tickwork';
 *
 * TaskStatusSchema.parse('submitted'); // 'submitted'
 * TaskStatusSchema.safeParse('lost').success; // false
 * ```
 */
export const TaskStatusSchema: z.ZodType<TaskStatus, TaskStatus> = z.enum(TASK_STATUSES);

/**
 * The transitions allowed, by target status: the statuses a task may come from.
 *
 * @example
 * ```ts
 * import { TASK_TRANSITIONS } from 'tickwork';
 *
 * TASK_TRANSITIONS.approved; // ['submitted']: only a submitted task can be approved
 * TASK_TRANSITIONS.submitted.includes('rejected'); // true: a rejected task takes a new proof
 * ```
 */
export const TASK_TRANSITIONS: Readonly<Record<Exclude<TaskStatus, 'claimed'>, readonly TaskStatus[]>> = {
  submitted: ['claimed', 'rejected'],
  approved: ['submitted'],
  rejected: ['submitted'],
};

/** The image a task's proof points at. The bytes live in the proof store under `sha256`. */
export interface ProofRef {
  /** Hex SHA-256 of the bytes: the key in the proof store. */
  readonly sha256: string;
  /** Detected from the bytes, never from the client's name or header. */
  readonly mime: 'image/png' | 'image/jpeg' | 'image/webp';
  /** Size in bytes. */
  readonly size: number;
  /** Width in pixels, from the image header. */
  readonly width: number;
  /** Height in pixels, from the image header. */
  readonly height: number;
}

/** One user's claim of one app, and its review. */
export interface Task {
  /** Opaque id. */
  readonly id: string;
  /** The user who claimed. */
  readonly userId: string;
  /** The app claimed. */
  readonly appId: string;
  /** Lifecycle position. */
  readonly status: TaskStatus;
  /** The app's points when it was claimed; later edits to the app do not change it. */
  readonly points: number;
  /** The last proof submitted, or `null` before the first. */
  readonly proof: ProofRef | null;
  /** How many proofs were submitted. */
  readonly submissions: number;
  /** The admin who approved or rejected it last. */
  readonly reviewerId: string | null;
  /** Why it was rejected (`null` unless rejected). */
  readonly reason: string | null;
  /** When it was claimed. */
  readonly claimedAt: Date;
  /** When the last proof was submitted. */
  readonly submittedAt: Date | null;
  /** When it was last approved or rejected. */
  readonly reviewedAt: Date | null;
  /** When it last changed. */
  readonly updatedAt: Date;
  /** Bumped by every transition; transitions compare it. */
  readonly version: number;
}

/** The fields a transition may change. */
export type TaskChange = Partial<
  Pick<Task, 'status' | 'proof' | 'submissions' | 'reviewerId' | 'reason' | 'submittedAt' | 'reviewedAt'>
> & {
  /** New `updatedAt`. */
  readonly updatedAt: Date;
};

/** Another user's task whose proof is the same image. */
export interface DuplicateProof {
  /** That task's id. */
  readonly taskId: string;
  /** That task's owner. */
  readonly userId: string;
}

/** Who sent a task, as a reviewer needs to recognise them. */
export interface TaskSubmitter {
  /** The user's id. */
  readonly id: string;
  /** Display name. */
  readonly name: string;
  /** Email, so the reviewer can tell two users of the same name apart. */
  readonly email: string;
}

/** The app a task is for, as the review queue shows it (inactive apps included). */
export interface TaskApp {
  /** The app's id. */
  readonly id: string;
  /** The app's name. */
  readonly name: string;
}

/** A task with its submitter and app, read together (one join on PostgreSQL). */
export interface TaskWithParties extends Task {
  /** The user who claimed the task. */
  readonly submitter: TaskSubmitter;
  /** The app claimed. */
  readonly app: TaskApp;
}

/** A task in the review queue, with its submitter, its app and the other users' tasks that carry the same image. */
export interface ReviewTask extends TaskWithParties {
  /** Tasks of other users whose proof has the same SHA-256: a fraud signal for the reviewer. */
  readonly duplicateProof: readonly DuplicateProof[];
}
