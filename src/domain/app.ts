import { z } from 'zod';

// Android application ids: two or more dot-separated segments, each a letter then letters, digits or `_`.
// Length is checked first (Google Play caps ids at 150), so the regex only ever sees short input.
const PACKAGE_NAME = /^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)+$/;

/** An Android package name such as `com.example.app`. */
export const PackageNameSchema = z
  .string()
  .trim()
  .max(150)
  .regex(PACKAGE_NAME, 'Expected an Android package name such as com.example.app');

/** An absolute `https:` URL. */
export const HttpsUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .pipe(z.url({ protocol: /^https$/, hostname: z.regexes.domain, error: 'Expected an https URL' }));

/** Points are whole numbers above zero; the cap keeps every sum far inside 2^53. */
export const PointsSchema = z.number().int().positive().max(1_000_000);

/** An app listed for users to install, worth `points` once approved. */
export const AppSchema = z.strictObject({
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

/** A listed app. */
export type App = z.infer<typeof AppSchema>;

const fields = {
  name: z.string().trim().min(1).max(200),
  packageName: PackageNameSchema,
  storeUrl: HttpsUrlSchema,
  iconUrl: HttpsUrlSchema.nullable(),
  category: z.string().trim().min(1).max(100),
  subCategory: z.string().trim().min(1).max(100).nullable(),
  points: PointsSchema,
};

/** Input of {@link AppService.create}. */
export const CreateAppInputSchema = z.strictObject({
  ...fields,
  iconUrl: fields.iconUrl.optional(),
  subCategory: fields.subCategory.optional(),
  active: z.boolean().optional(),
});

/** Input of {@link AppService.create}. */
export type CreateAppInput = z.input<typeof CreateAppInputSchema>;

/** Input of {@link AppService.update}: any subset of the fields, plus an optional expected version. */
export const UpdateAppInputSchema = z
  .strictObject({
    ...fields,
    active: z.boolean(),
    expectedVersion: z.number().int().nonnegative(),
  })
  .partial();

/** Input of {@link AppService.update}. */
export type UpdateAppInput = z.input<typeof UpdateAppInputSchema>;
