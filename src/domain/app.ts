import { z } from 'zod';
import { plainText } from './validation.js';

/** An app listed for users to install, worth `points` once a proof of it is approved. */
export interface App {
  /** Opaque id. */
  readonly id: string;
  /** Display name. */
  readonly name: string;
  /** Android package name such as `com.example.notes`; unique. */
  readonly packageName: string;
  /** Store page, an https URL. */
  readonly storeUrl: string;
  /** Icon, an https URL, or `null`. */
  readonly iconUrl: string | null;
  /** Category, such as `Productivity`. */
  readonly category: string;
  /** Sub-category, or `null`. */
  readonly subCategory: string | null;
  /** Points paid for an approved task; whole and above zero. */
  readonly points: number;
  /** Whether users see it and may claim it. */
  readonly active: boolean;
  /** When it was listed. */
  readonly createdAt: Date;
  /** When it last changed. */
  readonly updatedAt: Date;
  /** Bumped by every change; updates compare it. */
  readonly version: number;
}

// Android application ids: two or more dot-separated segments, each a letter then letters, digits or `_`.
// Length is checked first (Google Play caps ids at 150), so the regex only ever sees short input.
const PACKAGE_NAME = /^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)+$/;

/**
 * An Android package name such as `com.example.app`.
 *
 * @example
 * ```ts
 * import { PackageNameSchema } from 'tickwork';
 *
 * PackageNameSchema.parse(' com.example.notes '); // 'com.example.notes'
 * PackageNameSchema.safeParse('notes').success; // false: needs two dot-separated segments
 * ```
 */
export const PackageNameSchema: z.ZodType<string, string> = plainText()
  .trim()
  .max(150)
  .regex(PACKAGE_NAME, 'Expected an Android package name such as com.example.app');

/**
 * An absolute `https:` URL with a domain name.
 *
 * @example
 * ```ts
 * import { HttpsUrlSchema } from 'tickwork';
 *
 * HttpsUrlSchema.parse('https://play.google.com/store/apps/details?id=com.example.notes'); // accepted
 * HttpsUrlSchema.safeParse('http://example.com').success; // false: https only
 * ```
 */
export const HttpsUrlSchema: z.ZodType<string, string> = plainText()
  .trim()
  .max(2048)
  .pipe(z.url({ protocol: /^https$/, hostname: z.regexes.domain, error: 'Expected an https URL' }));

/**
 * Points are whole numbers above zero; the cap keeps every sum far inside 2^53.
 *
 * @example
 * ```ts
 * import { PointsSchema } from 'tickwork';
 *
 * PointsSchema.parse(50); // 50
 * PointsSchema.safeParse(1.5).success; // false: whole numbers only
 * ```
 */
export const PointsSchema: z.ZodType<number, number> = z.number().int().positive().max(1_000_000);

/**
 * The shape of a stored {@link App}.
 *
 * @example
 * ```ts
 * import { AppSchema } from 'tickwork';
 *
 * // Check a row read from elsewhere (a cache, a queue) before trusting it as an App.
 * const checked = AppSchema.safeParse(JSON.parse('{"id":"a1","name":"Notes"}'));
 * checked.success; // false: a stored app has every field
 * ```
 */
export const AppSchema: z.ZodType<App> = z.strictObject({
  id: z.string().min(1),
  name: z.string(),
  packageName: z.string(),
  storeUrl: z.string(),
  iconUrl: z.string().nullable(),
  category: z.string(),
  subCategory: z.string().nullable(),
  points: z.number().int(),
  active: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
  version: z.number().int(),
});

/** Input of {@link AppService.create}. */
export interface CreateAppInput {
  /** Display name, 1–200 characters. */
  readonly name: string;
  /** Android package name; unique across apps. */
  readonly packageName: string;
  /** Store page, an https URL. */
  readonly storeUrl: string;
  /** Icon, an https URL. @default null */
  readonly iconUrl?: string | null;
  /** Category, 1–100 characters. */
  readonly category: string;
  /** Sub-category. @default null */
  readonly subCategory?: string | null;
  /** Points, a whole number from 1 to 1 000 000. */
  readonly points: number;
  /** Listed straight away. @default true */
  readonly active?: boolean;
}

/** Input of {@link AppService.update}: any subset of the fields, plus an optional expected version. */
export interface UpdateAppInput extends Partial<Omit<CreateAppInput, 'active'>> {
  /** Show or hide the app. */
  readonly active?: boolean;
  /** Refuse the change with `CONFLICT` unless the app is still at this version. */
  readonly expectedVersion?: number;
}

const fields = {
  name: plainText().trim().min(1).max(200),
  packageName: PackageNameSchema,
  storeUrl: HttpsUrlSchema,
  iconUrl: HttpsUrlSchema.nullable(),
  category: plainText().trim().min(1).max(100),
  subCategory: plainText().trim().min(1).max(100).nullable(),
  points: PointsSchema,
};

/**
 * Validates {@link CreateAppInput}; unknown fields are rejected.
 *
 * @example
 * ```ts
 * import { CreateAppInputSchema } from 'tickwork';
 *
 * const input = CreateAppInputSchema.parse({
 *   name: 'Notes',
 *   packageName: 'com.example.notes',
 *   storeUrl: 'https://play.google.com/store/apps/details?id=com.example.notes',
 *   category: 'Productivity',
 *   points: 50,
 * });
 * CreateAppInputSchema.safeParse({ ...input, owner: 'me' }).success; // false: unknown field
 * ```
 */
export const CreateAppInputSchema: z.ZodType<CreateAppInput, CreateAppInput> = z.strictObject({
  ...fields,
  iconUrl: fields.iconUrl.optional(),
  subCategory: fields.subCategory.optional(),
  active: z.boolean().optional(),
});

/**
 * Validates {@link UpdateAppInput}; unknown fields are rejected.
 *
 * @example
 * ```ts
 * import { UpdateAppInputSchema } from 'tickwork';
 *
 * UpdateAppInputSchema.parse({ points: 80, expectedVersion: 3 }); // any subset of the fields
 * UpdateAppInputSchema.safeParse({ points: -1 }).success; // false
 * ```
 */
export const UpdateAppInputSchema: z.ZodType<UpdateAppInput, UpdateAppInput> = z
  .strictObject({
    ...fields,
    active: z.boolean(),
    expectedVersion: z.number().int().nonnegative(),
  })
  .partial();

/** Which apps {@link AppService.list} answers: the listed ones, the deactivated ones, or both. */
export type AppListStatus = 'active' | 'inactive' | 'all';

/**
 * Validates an {@link AppListStatus}.
 *
 * @example
 * ```ts
 * import { AppListStatusSchema } from 'tickwork';
 *
 * AppListStatusSchema.parse('inactive'); // 'inactive'
 * ```
 */
export const AppListStatusSchema: z.ZodType<AppListStatus, AppListStatus> = z
  .enum(['active', 'inactive', 'all'])
  .describe('`active` (listed), `inactive` (deactivated) or `all`; only admins may ask for the last two');

/** Options of {@link AppService.list}. */
export interface AppListQuery {
  /** Which apps; anything but `active` is for admins only. @default 'active' (or `all` with `includeInactive`) */
  readonly status?: AppListStatus;
  /** For an admin, the same as `status: 'all'`; ignored for anyone else. @default false */
  readonly includeInactive?: boolean;
}

/**
 * Validates {@link AppListQuery}; unknown fields are rejected.
 *
 * @example
 * ```ts
 * import { AppListQuerySchema } from 'tickwork';
 *
 * AppListQuerySchema.parse({ status: 'all' });
 * AppListQuerySchema.safeParse({ status: 'hidden' }).success; // false
 * ```
 */
export const AppListQuerySchema: z.ZodType<AppListQuery, AppListQuery> = z.strictObject({
  status: AppListStatusSchema.optional(),
  includeInactive: z.boolean().optional(),
});
