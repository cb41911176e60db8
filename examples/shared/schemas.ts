/**
 * Every request shape of the example API as zod schemas, in one place. The Fastify server hands them to its
 * validator compiler, the Express server to the domain's `parseInput`, and `GET /openapi.json` is generated from
 * them, so the documentation cannot drift from what the servers accept. A body or query a domain service takes is
 * that service's own input schema, re-used as it is, so the HTTP layer refuses exactly what the service refuses
 * (a 1000-character reason passes both, 1001 characters neither). Objects are strict: an unknown field is a 400
 * that names it.
 */

import {
  AppListStatusSchema,
  CreateAppInputSchema,
  IdSchema,
  LoginInputSchema,
  MyTasksQuerySchema,
  PageQuerySchema,
  plainText,
  RegisterInputSchema,
  RejectInputSchema,
  ReviewQuerySchema,
  RoleSchema,
  UpdateAppInputSchema,
  UserListQuerySchema,
} from 'tickwork';
import { z } from 'zod';

/** `POST /auth/register` body: the user service's own input schema. */
export const registerBody = RegisterInputSchema;

/** The shortest password the services accept: their default `minPasswordLength`, which the examples keep. */
export const MIN_PASSWORD_LENGTH = 10;

/** `POST /auth/login` body. */
export const loginBody = LoginInputSchema;

/** Path parameter `:id`. */
export const idParams = z.strictObject({
  id: IdSchema.describe('Identifier'),
});

/** `POST /apps` body: the app service's own input schema. */
export const createAppBody = CreateAppInputSchema;

/** `PATCH /apps/:id` body: any subset of the app's fields, optionally with `expectedVersion`. */
export const updateAppBody = UpdateAppInputSchema;

/** `POST /tasks/:id/reject` body: `{ reason, expectedVersion? }`, the task service's own input schema. */
export const rejectBody = RejectInputSchema;

/** `GET /admin/tasks` query: the review queue's own query schema (status, limit, offset). */
export const reviewQuery = ReviewQuerySchema;

/**
 * `GET /apps` query: which apps (admins only for anything but `active`). The app service's status field; its
 * `includeInactive` flag, a boolean a query string cannot carry, is left out.
 */
export const appsQuery = z.strictObject({ status: AppListStatusSchema.default('active') });

/** `GET /admin/users` query: the user list's own query schema. */
export const usersQuery = UserListQuerySchema;

/** `POST /admin/users/:id/role` body. */
export const roleBody = z.strictObject({ role: RoleSchema.describe('`admin` or `user`') });

/** `GET /me/tasks` query: the task service's own query schema. */
export const myTasksQuery = MyTasksQuerySchema;

/** `GET /me/points` query: a page of the caller's own history (no `userId`: that is for the admin call). */
export const historyQuery = PageQuerySchema;

/** `POST /extract` query. */
export const extractQuery = z.strictObject({
  keys: plainText()
    .regex(/^[^,]+(,[^,]+)*$/)
    .optional()
    .describe('Comma-separated keys to extract (default `id,code`)'),
});
