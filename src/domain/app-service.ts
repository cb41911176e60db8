import { TickworkError } from '../errors.js';
import { type Actor, requireActor, requireAdmin } from './actor.js';
import {
  type App,
  type CreateAppInput,
  CreateAppInputSchema,
  type UpdateAppInput,
  UpdateAppInputSchema,
} from './app.js';
import type { ServiceContext } from './context.js';
import type { TaskStatus } from './task.js';
import { IdSchema, parseInput } from './validation.js';

/** The actor's own claim on a listed app. */
export interface AppClaim {
  /** The task id. */
  readonly taskId: string;
  /** Where the task is. */
  readonly status: TaskStatus;
}

/** An app as a user sees it in the list: with their own claim on it, if any. */
export interface AppListing extends App {
  /** The actor's task on this app, or `null` if they have not claimed it. */
  readonly claim: AppClaim | null;
}

/** The catalogue of apps worth points. */
export interface AppService {
  /**
   * An admin lists a new app. `CONFLICT` if the package name is listed already.
   *
   * @example
   * ```ts
   * const app = await services.apps.create(admin, {
   *   name: 'Notes', packageName: 'com.example.notes', category: 'Productivity', points: 50,
   *   storeUrl: 'https://play.google.com/store/apps/details?id=com.example.notes',
   * });
   * ```
   */
  create(actor: Actor, input: CreateAppInput): Promise<App>;
  /**
   * An admin changes an app. Tasks claimed earlier keep the points they were claimed at. With
   * `expectedVersion`, a concurrent change is a `CONFLICT` instead of being overwritten; without it, the last
   * writer wins field by field (concurrent changes all succeed, each applied on top of the one before).
   */
  update(actor: Actor, appId: string, patch: UpdateAppInput): Promise<App>;
  /** An admin hides an app from the list; existing tasks stay reviewable. */
  deactivate(actor: Actor, appId: string): Promise<App>;
  /** One app: active ones for everybody, any for admins; `NOT_FOUND` otherwise. */
  get(actor: Actor, appId: string): Promise<App>;
  /**
   * The active apps (admins may ask for inactive ones too), each with the actor's own claim status.
   *
   * @example
   * ```ts
   * for (const app of await services.apps.list(actor)) console.log(app.name, app.points, app.claim?.status);
   * ```
   */
  list(actor: Actor, options?: { readonly includeInactive?: boolean }): Promise<AppListing[]>;
}

const ID = IdSchema;

/**
 * The unclaimed listing of each frozen row. An adapter that hands out frozen rows (the memory adapter) never
 * changes one: a changed app is a new row. So the listing of a frozen row is built once, frozen too, and the
 * same object is returned while the row is stored, instead of a copy of every row on every list; callers that
 * serialise a listing may keep their output per object (the examples' `GET /apps` does). Rows that are not
 * frozen (read fresh from a database) get a new listing each time. Entries go with their rows (a WeakMap).
 */
const unclaimedListings = new WeakMap<App, AppListing>();

function listingOf(app: App, claim: AppClaim | null): AppListing {
  if (claim !== null || !Object.isFrozen(app)) return { ...app, claim };
  let listing = unclaimedListings.get(app);
  if (listing === undefined) {
    listing = Object.freeze({ ...app, claim: null });
    unclaimedListings.set(app, listing);
  }
  return listing;
}

function packageTaken(error: unknown): never {
  if (error instanceof TickworkError && error.code === 'CONFLICT') {
    throw new TickworkError('CONFLICT', 'An app with this package name is listed already', {
      cause: error,
      details: { field: 'packageName' },
    });
  }
  throw error;
}

/** @internal */
export function createAppService(ctx: ServiceContext): AppService {
  const { repositories: repos } = ctx;

  async function load(appId: string): Promise<App> {
    const id = parseInput(ID, appId, 'app id');
    const app = await repos.apps.findById(id);
    if (!app) throw new TickworkError('NOT_FOUND', 'App not found', { details: { id } });
    return app;
  }

  async function change(actor: Actor, appId: string, patch: UpdateAppInput): Promise<App> {
    requireAdmin(actor);
    const { expectedVersion, ...data } = parseInput(UpdateAppInputSchema, patch, 'app change');
    const id = parseInput(ID, appId, 'app id');
    // One atomic step in the repository: without expectedVersion the last writer wins field by field, so
    // concurrent changes all apply on every adapter instead of some being refused.
    const stored = await repos.apps.update(id, { ...data, updatedAt: ctx.now() }, expectedVersion).catch(packageTaken);
    if (stored) return stored;
    const current = await load(id);
    throw new TickworkError('CONFLICT', 'The app changed meanwhile; read it again', {
      details: { expectedVersion, version: current.version },
    });
  }

  return {
    async create(actor, input) {
      requireAdmin(actor);
      const data = parseInput(CreateAppInputSchema, input, 'app');
      const now = ctx.now();
      const app: App = {
        id: ctx.ids(),
        name: data.name,
        packageName: data.packageName,
        storeUrl: data.storeUrl,
        iconUrl: data.iconUrl ?? null,
        category: data.category,
        subCategory: data.subCategory ?? null,
        points: data.points,
        active: data.active ?? true,
        createdAt: now,
        updatedAt: now,
        version: 1,
      };
      await repos.apps.insert(app).catch(packageTaken);
      return app;
    },

    update: change,

    deactivate(actor, appId) {
      return change(actor, appId, { active: false });
    },

    async get(actor, appId) {
      const { role } = requireActor(actor);
      const app = await load(appId);
      if (!app.active && role !== 'admin')
        throw new TickworkError('NOT_FOUND', 'App not found', { details: { id: appId } });
      return app;
    },

    async list(actor, options = {}) {
      const { id, role } = requireActor(actor);
      const activeOnly = !(options.includeInactive === true && role === 'admin');
      const [apps, tasks] = await Promise.all([repos.apps.list({ activeOnly }), repos.tasks.listByUser(id)]);
      const claims = new Map(tasks.map((t) => [t.appId, { taskId: t.id, status: t.status }]));
      return apps.map((app) => listingOf(app, claims.get(app.id) ?? null));
    },
  };
}
