import { randomUUID } from 'node:crypto';
import { TickworkError } from '../errors.js';
import { assertFunction, assertInteger } from '../internal/assert.js';
import { systemClock } from '../internal/system-clock.js';
import type { Clock, Logger } from '../types.js';
import { type AppService, createAppService } from './app-service.js';
import type { ServiceContext } from './context.js';
import { eventPublisher } from './events.js';
import { DEFAULT_IMAGE_LIMITS, type ImageLimits } from './image.js';
import { DEFAULT_SCRYPT, type ScryptParams } from './password.js';
import { createPointsService, type PointsService } from './points-service.js';
import type { ProofStore } from './proof-store.js';
import type { Repositories } from './repositories.js';
import { createTaskService, type TaskService } from './task-service.js';
import { createUserService, type UserService } from './user-service.js';

/** Options of {@link createServices}. */
export interface CreateServicesOptions {
  /** Storage: `memoryRepositories()` from tickwork/memory or `postgresRepositories({ db })` from tickwork/postgres. */
  readonly repositories: Repositories;
  /** Where proof images go: `memoryProofStore()` or `fsProofStore({ dir })`. */
  readonly proofs: ProofStore;
  /** Time source. @default the system clock */
  readonly clock?: Clock;
  /** Id generator for users, apps, tasks and ledger entries. @default `crypto.randomUUID` */
  readonly ids?: () => string;
  /** How long a login lasts, in milliseconds. @default 7 days */
  readonly sessionTtl?: number;
  /** scrypt parameters for new password hashes (tests may lower them). @default `{ N: 16384, r: 8, p: 1 }` */
  readonly scrypt?: ScryptParams;
  /** Shortest password accepted. @default 10 */
  readonly minPasswordLength?: number;
  /** Largest proof file, in bytes. @default 5 MiB */
  readonly maxProofBytes?: number;
  /** Largest proof image, in pixels (width × height from the header). @default 40 000 000 */
  readonly maxProofPixels?: number;
  /**
   * Receives every domain event at info level, as `logger.info({ event }, event.type)` (ids only, no emails or
   * secrets). The same events go to the `tickwork:domain` diagnostics channel (`DOMAIN_EVENTS_CHANNEL`)
   * whether or not a logger is given. @default no logging
   */
  readonly logger?: Logger;
}

/** The four services. Each call takes the acting user (from `users.authenticate`) first. */
export interface Services {
  /** Accounts, sign-in and roles. */
  readonly users: UserService;
  /** The catalogue of apps. */
  readonly apps: AppService;
  /** Claims, proofs and reviews. */
  readonly tasks: TaskService;
  /** Balances, history and adjustments. */
  readonly points: PointsService;
}

function assertRepositories(value: unknown): asserts value is Repositories {
  const r = value as Partial<Repositories> | undefined;
  assertFunction('repositories.transaction', r?.transaction);
  for (const name of ['users', 'sessions', 'apps', 'tasks', 'ledger'] as const) {
    if (typeof r?.[name] !== 'object' || r[name] === null) assertFunction(`repositories.${name}`, undefined);
  }
}

/**
 * Builds the rewards-app services over a storage adapter and a proof store. The rules live here, not in
 * HTTP handlers: only admins manage apps and review; nobody reviews their own task; users see only their own
 * tasks, proofs and points; one claim per user and app; approval and award are one atomic unit that pays once.
 *
 * @example
 * ```ts
 * import { createServices } from 'tickwork';
 * import { memoryProofStore, memoryRepositories } from 'tickwork/memory';
 *
 * const services = createServices({ repositories: memoryRepositories(), proofs: memoryProofStore() });
 * const admin = await services.users.bootstrapAdmin({ email: 'admin@example.com', password: 'a long secret', name: 'Admin' });
 * const app = await services.apps.create(admin, {
 *   name: 'Notes', packageName: 'com.example.notes', category: 'Productivity', points: 50,
 *   storeUrl: 'https://play.google.com/store/apps/details?id=com.example.notes',
 * });
 * await services.users.register({ email: 'ann@example.com', password: 'correct horse', name: 'Ann' });
 * const { token } = await services.users.login({ email: 'ann@example.com', password: 'correct horse' });
 * const ann = await services.users.authenticate(token);
 * const task = await services.tasks.claim(ann, app.id);
 * await services.tasks.submitProof(ann, task.id, screenshotBytes);
 * await services.tasks.approve(admin, task.id);
 * await services.points.balance(ann); // 50
 * ```
 */
export function createServices(options: CreateServicesOptions): Services {
  assertRepositories(options?.repositories);
  const proofs = options.proofs as Partial<ProofStore> | undefined;
  assertFunction('proofs.put', proofs?.put);
  assertFunction('proofs.get', proofs?.get);
  const clock = options.clock ?? systemClock;
  assertFunction('clock.now', clock.now);
  const ids = options.ids ?? randomUUID;
  assertFunction('ids', ids);
  // Renamed before 1.0: a JavaScript caller still passing the old name would otherwise lose its setting silently.
  if ('sessionTtlMs' in options) {
    throw new TickworkError('INVALID_OPTION', '`sessionTtlMs` is now `sessionTtl` (still in milliseconds)', {
      details: { option: 'sessionTtlMs' },
    });
  }
  const sessionTtl = options.sessionTtl ?? 7 * 24 * 3600 * 1000;
  assertInteger('sessionTtl', sessionTtl);
  const scrypt = options.scrypt ?? DEFAULT_SCRYPT;
  assertInteger('scrypt.N', scrypt.N, 2);
  assertInteger('scrypt.r', scrypt.r);
  assertInteger('scrypt.p', scrypt.p);
  const minPasswordLength = options.minPasswordLength ?? 10;
  assertInteger('minPasswordLength', minPasswordLength);
  const imageLimits: ImageLimits = {
    maxBytes: options.maxProofBytes ?? DEFAULT_IMAGE_LIMITS.maxBytes,
    maxPixels: options.maxProofPixels ?? DEFAULT_IMAGE_LIMITS.maxPixels,
  };
  assertInteger('maxProofBytes', imageLimits.maxBytes);
  assertInteger('maxProofPixels', imageLimits.maxPixels);
  if (options.logger !== undefined) assertFunction('logger.info', options.logger?.info);
  const ctx: ServiceContext = {
    repositories: options.repositories,
    proofs: options.proofs,
    clock,
    ids: () => ids(),
    sessionTtl,
    scrypt,
    minPasswordLength,
    imageLimits,
    now: () => new Date(clock.now()),
    publish: eventPublisher(options.logger),
  };
  return {
    users: createUserService(ctx),
    apps: createAppService(ctx),
    tasks: createTaskService(ctx),
    points: createPointsService(ctx),
  };
}
