/**
 * Every request shape of the example API as zod schemas, in one place. The Fastify server hands them to its
 * validator compiler, the Express server to {@link parseInput}, and `GET /openapi.json` is generated from
 * them, so the documentation cannot drift from what the servers accept. Bodies the domain services define
 * are their own input schemas, re-used as they are. Objects are strict: an unknown
 * field is a 400 that names it.
 */

import {
  CreateAppInputSchema,
  IdSchema,
  LoginInputSchema,
  plainText,
  RegisterInputSchema,
  RoleSchema,
  UpdateAppInputSchema,
} from 'tickwork';
import { z } from 'zod';
import { validationError } from './http-errors.js';

/** `POST /auth/register` body: the user service's own input schema. */
export const registerBody = RegisterInputSchema;

/** The shortest password the services accept: their default `minPasswordLength`, which the examples keep. */
export const MIN_PASSWORD_LENGTH = 10;

/** The longest password the services accept. */
export const MAX_PASSWORD_LENGTH = 200;

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

/** `POST /tasks/:id/reject` body. */
export const rejectBody = z.strictObject({
  reason: plainText(true).trim().min(1).max(500).describe('Why the proof was rejected; shown to the user'),
});

const limit = z.coerce.number().int().min(1).max(200).default(50).describe('Page size');
// The services' own bound (a page offset beyond 10^9 is refused there too), so the document says what is so.
const offset = z.coerce
  .number()
  .int()
  .min(0)
  .max(1_000_000_000)
  .default(0)
  .describe('Items to skip (`nextOffset` of the previous page)');
const taskStatus = z.enum(['claimed', 'submitted', 'approved', 'rejected']);

/** `GET /admin/tasks` query. */
export const reviewQuery = z.strictObject({ status: taskStatus.default('submitted'), limit, offset });

/** `GET /apps` query: which apps (admins only for anything but `active`). */
export const appsQuery = z.strictObject({
  status: z
    .enum(['active', 'inactive', 'all'])
    .default('active')
    .describe('`active` (listed), `inactive` (deactivated) or `all`; only admins may ask for the last two'),
});

/** `GET /admin/users` query. */
export const usersQuery = z.strictObject({
  search: plainText().trim().max(100).optional().describe('Text the name or e-mail contains (case-insensitive)'),
  limit,
  offset,
});

/** `POST /admin/users/:id/role` body. */
export const roleBody = z.strictObject({ role: RoleSchema.describe('`admin` or `user`') });

/** `GET /me/tasks` query. */
export const myTasksQuery = z.strictObject({ status: taskStatus.optional() });

/** `GET /me/points` query. */
export const historyQuery = z.strictObject({ limit, offset });

/** `POST /extract` query. */
export const extractQuery = z.strictObject({
  keys: plainText()
    .regex(/^[^,]+(,[^,]+)*$/)
    .optional()
    .describe('Comma-separated keys to extract (default `id,code`)'),
});

/** Parses `data` with `schema`, throwing a `VALIDATION` error that names every bad field under `where`. */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown, where?: string): z.output<S> {
  const result = schema.safeParse(data);
  if (!result.success) throw validationError(result.error, where);
  return result.data;
}
