/**
 * Every request shape of the example API as zod schemas, in one place. The Fastify server hands them to its
 * validator compiler, the Express server to {@link parseInput}, and `GET /openapi.json` is generated from
 * them, so the documentation cannot drift from what the servers accept. Objects are strict: an unknown
 * field is a 400 that names it.
 */
import { z } from 'zod';
import { validationError } from './http-errors.js';

/** `POST /auth/register` body. */
export const registerBody = z.strictObject({
  email: z.string().trim().min(3).max(254).describe('Sign-in e-mail address'),
  password: z.string().min(1).max(1024).describe('The password (the policy is checked by the service)'),
  name: z.string().trim().min(1).max(100).describe('Display name'),
});

/** `POST /auth/login` body. */
export const loginBody = z.strictObject({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(1024),
});

/** Path parameter `:id`. */
export const idParams = z.strictObject({
  id: z.string().min(1).max(100).describe('Identifier'),
});

const httpsUrl = z.url({ protocol: /^https$/ }).max(2048);

/** `POST /apps` body. */
export const createAppBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  packageName: z.string().trim().min(3).max(255).describe('Android package name, e.g. `com.example.app`'),
  storeUrl: httpsUrl.describe('Play Store listing (https)'),
  category: z.string().trim().min(1).max(100),
  subCategory: z.string().trim().min(1).max(100).optional(),
  points: z.number().int().positive().max(1_000_000).describe('Points awarded for an approved task'),
  iconUrl: httpsUrl.optional(),
  active: z.boolean().optional(),
});

/** `PATCH /apps/:id` body: any subset of the creation fields, at least one. */
export const updateAppBody = createAppBody
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, { message: 'At least one field is required' });

/** `POST /tasks/:id/reject` body. */
export const rejectBody = z.strictObject({
  reason: z.string().trim().min(1).max(500).describe('Why the proof was rejected; shown to the user'),
});

/** `GET /admin/tasks` query. */
export const reviewQuery = z.strictObject({
  status: z.enum(['claimed', 'submitted', 'approved', 'rejected']).default('submitted'),
});

/** `GET /me/points` query. */
export const historyQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  before: z.string().min(1).max(200).optional().describe('Cursor: return entries older than this one'),
});

/** `POST /extract` query. */
export const extractQuery = z.strictObject({
  keys: z
    .string()
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
