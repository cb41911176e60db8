/**
 * The OpenAPI 3.1 document of the example API, generated from the zod schemas in `schemas.ts` (the domain's own
 * input schemas, for every input a service takes) with zod's own `z.toJSONSchema`. Both servers answer
 * `GET /openapi.json` with {@link openApiDocument}.
 */

import { AppSchema, MAX_PASSWORD_LENGTH, TASK_STATUSES, UserSchema } from 'tickwork';
import { z } from 'zod';
import { SESSION_COOKIE } from './browser-session.js';
import {
  jobHistoryQuery,
  jobHistorySchema,
  jobListSchema,
  jobNameParams,
  jobViewSchema,
  triggerReceiptSchema,
} from './job-schemas.js';
import {
  appsQuery,
  createAppBody,
  extractQuery,
  historyQuery,
  idParams,
  loginBody,
  MIN_PASSWORD_LENGTH,
  myTasksQuery,
  registerBody,
  rejectBody,
  reviewQuery,
  roleBody,
  updateAppBody,
  usersQuery,
} from './schemas.js';

/** Who may call a route. */
export type Access = 'public' | 'user' | 'admin';

/** One operation of the API. */
export interface RouteDoc {
  /** HTTP method. */
  method: 'get' | 'post' | 'patch';
  /** Path in OpenAPI form (`/apps/{id}`). */
  path: string;
  /** One line for the reader. */
  summary: string;
  /** Who may call it. */
  access: Access;
  /** Status of a successful answer. */
  success: number;
  /** JSON body schema. */
  body?: z.ZodType;
  /** Query schema (an object schema: each property is one parameter). */
  query?: z.ZodType;
  /** Path parameter schema (an object schema). */
  params?: z.ZodType;
  /** A non-JSON request body, by media type. */
  rawBody?: 'multipart' | 'text';
  /** A non-JSON answer (the proof image). */
  rawResponse?: 'image';
  /** The JSON answer's schema, by component name (`User`, `App`, `Login`, `AppList` …); untyped when absent. */
  response?: 'User' | 'App' | 'Login' | 'AppList' | 'UserPage' | 'ReviewPage' | JobResponse;
  /** Error answers particular to this route (409, 422, 429 …), by status, beside those {@link RouteDoc.access} and the inputs imply. */
  errors?: Readonly<Record<number, string>>;
}

/** The answers of the admin jobs routes, by component name. */
type JobResponse = 'JobList' | 'Job' | 'JobHistory' | 'TriggerReceipt';

const TOO_MANY = 'Too many requests from this address; Retry-After says when to try again';

/** Every route both servers serve, in the order the documentation lists them. */
export const ROUTES: readonly RouteDoc[] = [
  {
    method: 'post',
    path: '/auth/register',
    summary: 'Create an account',
    access: 'public',
    success: 201,
    body: registerBody,
    response: 'User',
    errors: { 409: 'An account with this email exists', 429: TOO_MANY },
  },
  {
    method: 'post',
    path: '/auth/login',
    summary: 'Sign in; answers { token, expiresAt, user }',
    access: 'public',
    success: 200,
    body: loginBody,
    response: 'Login',
    errors: { 401: 'Email or password is wrong', 429: TOO_MANY },
  },
  {
    method: 'post',
    path: '/auth/logout',
    summary: 'End the session (bearer token or cookie) and clear the cookie',
    access: 'public',
    success: 204,
  },
  { method: 'get', path: '/me', summary: 'Profile with balance and task counts', access: 'user', success: 200 },
  {
    method: 'get',
    path: '/me/points',
    summary: 'Balance and ledger history',
    access: 'user',
    success: 200,
    query: historyQuery,
  },
  { method: 'get', path: '/me/tasks', summary: 'My tasks', access: 'user', success: 200, query: myTasksQuery },
  {
    method: 'get',
    path: '/apps',
    summary: 'Active apps with my claim status; admins may list inactive apps (status=inactive) or all',
    access: 'user',
    success: 200,
    query: appsQuery,
    response: 'AppList',
    errors: { 403: 'Only an admin may list inactive apps' },
  },
  {
    method: 'post',
    path: '/apps',
    summary: 'Create an app',
    access: 'admin',
    success: 201,
    body: createAppBody,
    response: 'App',
    errors: { 409: 'An app with this package name exists' },
  },
  {
    method: 'patch',
    path: '/apps/{id}',
    summary: 'Change an app',
    access: 'admin',
    success: 200,
    params: idParams,
    body: updateAppBody,
    response: 'App',
  },
  {
    method: 'post',
    path: '/apps/{id}/claim',
    summary: 'Claim an app (one task per user and app)',
    access: 'user',
    success: 201,
    params: idParams,
    errors: { 409: 'Claimed already' },
  },
  {
    method: 'post',
    path: '/tasks/{id}/proof',
    summary: 'Upload the screenshot (multipart field `screenshot`; PNG, JPEG or WebP)',
    access: 'user',
    success: 200,
    params: idParams,
    rawBody: 'multipart',
  },
  {
    method: 'get',
    path: '/tasks/{id}/proof',
    summary: "The task's screenshot (owner or admin)",
    access: 'user',
    success: 200,
    params: idParams,
    rawResponse: 'image',
  },
  {
    method: 'get',
    path: '/admin/tasks',
    summary: "Tasks for review, each with its submitter's name and e-mail and its app's name",
    access: 'admin',
    success: 200,
    query: reviewQuery,
    response: 'ReviewPage',
  },
  {
    method: 'get',
    path: '/admin/users',
    summary: 'Users by e-mail, optionally those whose name or e-mail contains `search`',
    access: 'admin',
    success: 200,
    query: usersQuery,
    response: 'UserPage',
  },
  {
    method: 'post',
    path: '/admin/users/{id}/role',
    summary: "Set a user's role (promote to admin, or back to user)",
    access: 'admin',
    success: 200,
    params: idParams,
    body: roleBody,
    response: 'User',
    errors: { 409: 'The last admin cannot stop being one (details.reason: last_admin)' },
  },
  {
    method: 'post',
    path: '/tasks/{id}/approve',
    summary: 'Approve and award the points (once)',
    access: 'admin',
    success: 200,
    params: idParams,
    errors: { 409: 'The task is not submitted (approved already, say)' },
  },
  {
    method: 'post',
    path: '/tasks/{id}/reject',
    summary: 'Reject with a reason',
    access: 'admin',
    success: 200,
    params: idParams,
    body: rejectBody,
    errors: { 409: 'The task is not submitted' },
  },
  {
    method: 'post',
    path: '/extract',
    summary: 'Extract integer ids from JSON or almost-JSON text',
    access: 'user',
    success: 200,
    query: extractQuery,
    rawBody: 'text',
    errors: {
      413: 'Body larger than 10 MiB',
      422: 'More matching values than EXTRACT_MAX_MATCHES',
      429: 'EXTRACT_MAX_CONCURRENT extractions are running; Retry-After says when to try again',
    },
  },
  {
    method: 'get',
    path: '/isin/status',
    summary: 'Last result of the ISIN sync job: a summary for anyone, the source and run details for admins',
    access: 'public',
    success: 200,
    errors: { 401: 'A token was sent and does not sign in' },
  },
  { method: 'post', path: '/isin/sync', summary: 'Run the ISIN sync job now', access: 'admin', success: 200 },
  {
    method: 'get',
    path: '/admin/jobs',
    summary: "Every scheduled job's fleet-wide state: schedule, next ticks, paused, running where, last outcome",
    access: 'admin',
    success: 200,
    response: 'JobList',
  },
  {
    method: 'get',
    path: '/admin/jobs/{name}/history',
    summary: "A job's fleet-wide run history, newest first",
    access: 'admin',
    success: 200,
    params: jobNameParams,
    query: jobHistoryQuery,
    response: 'JobHistory',
  },
  {
    method: 'post',
    path: '/admin/jobs/{name}/pause',
    summary: 'Pause a job on every instance: its ticks are skipped (reason `paused`) until resumed',
    access: 'admin',
    success: 200,
    params: jobNameParams,
    response: 'Job',
  },
  {
    method: 'post',
    path: '/admin/jobs/{name}/resume',
    summary: 'Resume a paused job',
    access: 'admin',
    success: 200,
    params: jobNameParams,
    response: 'Job',
  },
  {
    method: 'post',
    path: '/admin/jobs/{name}/trigger',
    summary: 'Run a job once now on one instance of the fleet (a manual run ignores pause)',
    access: 'admin',
    success: 202,
    params: jobNameParams,
    response: 'TriggerReceipt',
  },
  { method: 'get', path: '/healthz', summary: 'Liveness', access: 'public', success: 200 },
  { method: 'get', path: '/readyz', summary: 'Readiness (database and Redis answer)', access: 'public', success: 200 },
  {
    method: 'get',
    path: '/web-config',
    summary: 'Settings the web page checks uploads against ({ uploadMaxBytes })',
    access: 'public',
    success: 200,
  },
  { method: 'get', path: '/openapi.json', summary: 'This document', access: 'public', success: 200 },
];

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
    },
  },
} as const;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
    // Dates leave the servers as ISO 8601 strings (JSON.stringify calls toISOString).
    override: (ctx) => {
      if (ctx.zodSchema._zod.def.type === 'date')
        Object.assign(ctx.jsonSchema, { type: 'string', format: 'date-time' });
    },
  }) as Record<string, unknown>;
  return rest;
}

function parameters(route: RouteDoc): unknown[] {
  const out: unknown[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    // Whether a parameter is required is a property of the input (a defaulted one may be left out); what it
    // holds is described by the parsed value: a query string always arrives as text, and a page size of "20"
    // documented as `integer, 1 to 200, default 50` says more than the text-or-number it is accepted as.
    const { required = [] } = jsonSchema(schema) as { required?: string[] };
    const json = jsonSchema(schema, 'output') as { properties?: Record<string, { description?: string }> };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      const { description, ...rest } = property;
      out.push({
        name,
        in: where,
        required: where === 'path' || required.includes(name),
        description,
        schema: rest,
      });
    }
  }
  return out;
}

function requestBody(route: RouteDoc): unknown {
  if (route.rawBody === 'multipart') {
    return {
      required: true,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            required: ['screenshot'],
            properties: { screenshot: { type: 'string', format: 'binary' } },
          },
        },
      },
    };
  }
  if (route.rawBody === 'text') {
    return {
      required: true,
      content: { 'text/plain': { schema: { type: 'string' } }, 'application/json': { schema: {} } },
    };
  }
  if (!route.body) return undefined;
  const schema = jsonSchema(route.body);
  if (route.body === registerBody) documentPasswordPolicy(schema);
  return { required: true, content: { 'application/json': { schema } } };
}

/**
 * The password rules the user service applies beyond the schema's own checks, written into the register body's
 * `password` property: the length (the services' default minimum, which the examples keep) and what is refused.
 */
function documentPasswordPolicy(schema: Record<string, unknown>): void {
  const properties = schema.properties as Record<string, Record<string, unknown>>;
  properties.password = {
    ...properties.password,
    minLength: MIN_PASSWORD_LENGTH,
    maxLength: MAX_PASSWORD_LENGTH,
    description:
      'Not a single repeated character, not the email, not on a list of common or breached passwords (NIST SP 800-63B)',
  };
}

function responses(route: RouteDoc): Record<string, unknown> {
  const error = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  });
  const ok =
    route.success === 204
      ? { description: 'No content' }
      : route.rawResponse === 'image'
        ? { description: 'The image', content: { 'image/png': {}, 'image/jpeg': {}, 'image/webp': {} } }
        : {
            description: 'Success',
            content: {
              'application/json': { schema: route.response ? { $ref: `#/components/schemas/${route.response}` } : {} },
            },
          };
  const out: Record<string, unknown> = { [route.success]: ok };
  if (route.body || route.query || route.params || route.rawBody)
    out[400] = error('Invalid input; details.fields names each field');
  if (route.access !== 'public') out[401] = error('Missing, expired or unknown token');
  if (route.access === 'admin') out[403] = error('Not an admin');
  if (route.params) out[404] = error('Not found');
  if (route.rawBody === 'multipart') {
    out[413] = error('File larger than the upload limit');
    out[415] = error('Not a PNG, JPEG or WebP image');
  }
  for (const [status, description] of Object.entries(route.errors ?? {})) out[status] = error(description);
  out.default = error('Any other error, with its code');
  return out;
}

/** A page of a list: `{ items, nextOffset }`. */
const page = (item: Record<string, unknown>) => ({
  type: 'object',
  required: ['items', 'nextOffset'],
  properties: {
    items: { type: 'array', items: item },
    nextOffset: { oneOf: [{ type: 'integer' }, { type: 'null' }], description: 'Offset of the next page, or null' },
  },
});

const idAndName = (extra: Record<string, unknown> = {}) => ({
  type: 'object',
  required: ['id', 'name', ...Object.keys(extra)],
  properties: { id: { type: 'string' }, name: { type: 'string' }, ...extra },
});

/** A task in the review queue: the task's own fields (not all spelled out here) with who sent it and for what. */
const reviewTask = {
  type: 'object',
  required: ['id', 'userId', 'appId', 'status', 'points', 'proof', 'submitter', 'app', 'duplicateProof'],
  properties: {
    id: { type: 'string' },
    userId: { type: 'string' },
    appId: { type: 'string' },
    status: { enum: [...TASK_STATUSES] },
    points: { type: 'integer' },
    submitter: idAndName({ email: { type: 'string' } }),
    app: idAndName(),
    duplicateProof: {
      type: 'array',
      items: {
        type: 'object',
        required: ['taskId', 'userId'],
        properties: { taskId: { type: 'string' }, userId: { type: 'string' } },
      },
    },
  },
};

/** Response schemas from the domain's own entity schemas; the password hash never leaves a service. */
function responseSchemas(): Record<string, unknown> {
  const user = jsonSchema(UserSchema, 'output') as { properties: Record<string, unknown>; required: string[] };
  delete user.properties.passwordHash;
  user.required = user.required.filter((key) => key !== 'passwordHash');
  const app = jsonSchema(AppSchema, 'output') as { properties: Record<string, unknown>; required: string[] };
  const claim = {
    description: "The caller's task on this app, or null",
    oneOf: [
      {
        type: 'object',
        required: ['taskId', 'status'],
        properties: { taskId: { type: 'string' }, status: { enum: [...TASK_STATUSES] } },
      },
      { type: 'null' },
    ],
  };
  const listing = { ...app, properties: { ...app.properties, claim }, required: [...app.required, 'claim'] };
  return {
    User: user,
    App: app,
    Login: {
      type: 'object',
      required: ['token', 'expiresAt', 'user'],
      properties: {
        token: { type: 'string', description: 'Send as Authorization: Bearer <token>' },
        expiresAt: { type: 'string', format: 'date-time' },
        user: { $ref: '#/components/schemas/User' },
      },
    },
    AppList: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: listing } } },
    UserPage: page({ $ref: '#/components/schemas/User' }),
    ReviewPage: page(reviewTask),
    JobList: jsonSchema(jobListSchema, 'output'),
    Job: jsonSchema(jobViewSchema, 'output'),
    JobHistory: jsonSchema(jobHistorySchema, 'output'),
    TriggerReceipt: jsonSchema(triggerReceiptSchema, 'output'),
  };
}

/** Builds the OpenAPI 3.1 document of the example API. `serverUrl` fills `servers` when given. */
export function openApiDocument(serverUrl?: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const operation: Record<string, unknown> = {
      summary: route.summary,
      operationId: `${route.method}${route.path.replace(/[{}]/g, '').replace(/[/.-]+(\w)/g, (_m, c: string) => c.toUpperCase())}`,
      tags: [route.access === 'admin' ? 'admin' : (route.path.split('/')[1] ?? 'misc')],
      parameters: parameters(route),
      responses: responses(route),
    };
    const body = requestBody(route);
    if (body) operation.requestBody = body;
    // Either credential: API clients send the bearer token, the web page the session cookie.
    if (route.access !== 'public') operation.security = [{ bearer: [] }, { cookie: [] }];
    paths[route.path] ??= {};
    paths[route.path]![route.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'tickwork example API',
      version: '1.0.0',
      description: 'The rewards app of the tickwork examples, served identically by Express and Fastify.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'The token from POST /auth/login' },
        cookie: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: 'Set by POST /auth/login; state-changing requests must come from the same origin',
        },
      },
      schemas: { Error: errorSchema, ...responseSchemas() },
    },
    paths,
  };
}
