/** Rewards-app services: users, apps, tasks and points over repository ports. */
export type { Actor, Role } from './actor.js';
export { RoleSchema } from './actor.js';
export type { App, AppListQuery, AppListStatus, CreateAppInput, UpdateAppInput } from './app.js';
export {
  AppListQuerySchema,
  AppListStatusSchema,
  AppSchema,
  CreateAppInputSchema,
  HttpsUrlSchema,
  PackageNameSchema,
  PointsSchema,
  UpdateAppInputSchema,
} from './app.js';
export type { AppChange, AppFields, AppRepository } from './app-repository.js';
export type { AppClaim, AppListing, AppService } from './app-service.js';
export { isCommonPassword } from './common-passwords.js';
export type { CreateServicesOptions, Services } from './create-services.js';
export { createServices } from './create-services.js';
export type { DomainEvent } from './events.js';
export { DOMAIN_EVENT_TYPES, DOMAIN_EVENTS_CHANNEL } from './events.js';
export type { ImageInfo, ImageLimits } from './image.js';
export { DEFAULT_IMAGE_LIMITS, inspectImage } from './image.js';
export type { LedgerEntry, Page, PageRequest } from './ledger-entry.js';
export type { AppendResult, LedgerRepository } from './ledger-repository.js';
export type { ScryptParams } from './password.js';
export { DEFAULT_SCRYPT, hashPassword, verifyPassword } from './password.js';
export type { AdjustInput, PointsQuery } from './points-inputs.js';
export { AdjustInputSchema, PointsQuerySchema } from './points-inputs.js';
export type { AdjustResult, PointsService, Statement } from './points-service.js';
export type { ProofStore } from './proof-store.js';
export { checkProofKey } from './proof-store.js';
export type { Repositories, RepositorySet } from './repositories.js';
export type { Session } from './session.js';
export type { SessionRepository } from './session-repository.js';
export type {
  DuplicateProof,
  ProofRef,
  ReviewTask,
  Task,
  TaskApp,
  TaskChange,
  TaskStatus,
  TaskSubmitter,
  TaskWithParties,
} from './task.js';
export { TASK_STATUSES, TASK_TRANSITIONS, TaskStatusSchema } from './task.js';
export type { ApproveInput, MyTasksQuery, RejectInput, ReviewQuery } from './task-inputs.js';
export {
  ApproveInputSchema,
  MAX_REASON_LENGTH,
  MyTasksQuerySchema,
  RejectInputSchema,
  ReviewQuerySchema,
} from './task-inputs.js';
export type { ApproveOutcome, ApproveRequest, TaskRepository } from './task-repository.js';
export type { Approval, ProofFile, TaskService } from './task-service.js';
export { awardKey } from './task-service.js';
export type { LoginInput, PublicUser, RegisterInput, User, UserListQuery } from './user.js';
export {
  EmailSchema,
  LoginInputSchema,
  MAX_PASSWORD_LENGTH,
  RegisterInputSchema,
  UserListQuerySchema,
  UserSchema,
} from './user.js';
export type { UserQuery, UserRepository } from './user-repository.js';
export type { LoginResult, Profile, UserService } from './user-service.js';
export type { FieldIssue, PageQuery } from './validation.js';
export {
  hasControlCharacter,
  IdSchema,
  PageQuerySchema,
  parseInput,
  plainText,
  validationError,
} from './validation.js';
