import { TickworkError } from '../errors.js';
import { type Actor, requireActor, requireAdmin } from './actor.js';
import {
  type App,
  type AppListQuery,
  AppListQuerySchema,
  type CreateAppInput,
  CreateAppInputSchema,
  type UpdateAppInput,
  UpdateAppInputSchema,
} from './app.js';
import { rethrowConflict } from './conflict.js';
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
   * The active apps, each with the actor's own claim status. Admins may ask for the deactivated ones
   * (`status: 'inactive'`) or both (`'all'`, as `includeInactive: true` does); anyone else asking for them is
   * `FORBIDDEN`, so a non-admin never sees an inactive app.
   *
   * @example
   * ```ts
   * for (const app of await services.apps.list(actor)) console.log(app.name, app.points, app.claim?.status);
   * const hidden = await services.apps.list(admin, { status: 'inactive' });
   * ```
   */
  list(actor: Actor, options?: AppListQuery): Promise<AppListing[]>;
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

/** `{}` and nothing else (a `null` or a non-object still goes to the parser, which says what is wrong). */
function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

const packageTaken = rethrowConflict('An app with this package name is listed already', { field: 'packageName' });

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
    const admin = requireAdmin(actor);
    const { expectedVersion, ...data } = parseInput(UpdateAppInputSchema, patch, 'app change');
    const id = parseInput(ID, appId, 'app id');
    // One atomic step in the repository: without expectedVersion the last writer wins field by field, so
    // concurrent changes all apply on every adapter instead of some being refused.
    const stored = await repos.apps.update(id, { ...data, updatedAt: ctx.now() }, expectedVersion).catch(packageTaken);
    if (stored) {
      ctx.publish({ type: 'app:updated', appId: stored.id, actorId: admin.id, active: stored.active });
      return stored;
    }
    const current = await load(id);
    throw new TickworkError('CONFLICT', 'The app changed meanwhile; read it again', {
      details: { expectedVersion, version: current.version },
    });
  }

  return {
    async create(actor, input) {
      const admin = requireAdmin(actor);
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
      ctx.publish({ type: 'app:created', appId: app.id, actorId: admin.id });
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
      // The common call has no options: skip the parse on the catalogue's hot path.
      const q = isEmptyObject(options) ? {} : parseInput(AppListQuerySchema, options, 'app query');
      // `includeInactive` has always meant "if I am an admin": a non-admin gets the active apps. An explicit
      // status other than `active` from a non-admin is refused instead, so the caller learns why.
      const status = q.status ?? (q.includeInactive && role === 'admin' ? 'all' : 'active');
      if (status !== 'active' && role !== 'admin') {
        throw new TickworkError('FORBIDDEN', 'Only an admin may list inactive apps');
      }
      const [apps, tasks] = await Promise.all([
        repos.apps.list({ activeOnly: status === 'active' }),
        repos.tasks.listByUser(id),
      ]);
      const claims = new Map(tasks.map((t) => [t.appId, { taskId: t.id, status: t.status }]));
      return apps
        .filter((app) => status !== 'inactive' || !app.active)
        .map((app) => listingOf(app, claims.get(app.id) ?? null));
    },
  };
}
