/**
 * Environment variables → a checked configuration object. Both example servers read their settings only
 * through {@link loadConfig}, so they accept exactly the same variables with the same defaults.
 */
import { fileURLToPath } from 'node:url';
import { TickworkError } from 'tickwork';
import { z } from 'zod';
import { type Timeouts, timeoutsEnvSchema, toTimeouts } from './timeouts.js';

/** The ISIN list shipped with the examples, used when `ISIN_SOURCE` is unset. */
export const SAMPLE_ISIN_LIST = fileURLToPath(new URL('./isin-sample.csv', import.meta.url));

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const optionalText = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

const envSchema = timeoutsEnvSchema.extend({
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: optionalText,
  REDIS_URL: optionalText,
  REDIS_PREFIX: z.string().min(1).default('tickwork:'),
  PROOF_DIR: optionalText,
  UPLOAD_MAX_BYTES: positiveInt(5 * 1024 * 1024),
  ISIN_SOURCE: optionalText,
  ISIN_SNAPSHOT_DIR: optionalText,
  ISIN_CRON: z.string().trim().min(1).default('0 3 * * *'),
  ISIN_TIMEZONE: z.string().trim().min(1).default('UTC'),
  ADMIN_EMAIL: z.string().trim().min(3).default('admin@example.com'),
  ADMIN_PASSWORD: optionalText,
  LOGIN_RATE_LIMIT: positiveInt(10),
  REGISTER_RATE_LIMIT: positiveInt(20),
  EXTRACT_MAX_CONCURRENT: positiveInt(2),
  EXTRACT_MAX_MATCHES: positiveInt(10_000),
  SHUTDOWN_GRACE_MS: positiveInt(10_000),
  METRICS_PORT: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z.coerce.number().int().min(0).max(65_535).optional(),
  ),
  METRICS_HOST: z.string().trim().min(1).default('127.0.0.1'),
});

/** The settings of an example server, read from the environment by {@link loadConfig}. */
export interface ExampleConfig {
  /** Interface to listen on (`HOST`, default `127.0.0.1`). */
  readonly host: string;
  /** Port to listen on (`PORT`, default 3000; 0 picks a free port). */
  readonly port: number;
  /** pino log level (`LOG_LEVEL`, default `info`). */
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** PostgreSQL connection string (`DATABASE_URL`); unset keeps everything in memory. */
  readonly databaseUrl: string | undefined;
  /** Redis URL for the scheduler lock (`REDIS_URL`); unset uses the in-process lock. */
  readonly redisUrl: string | undefined;
  /** Prefix of every Redis key (`REDIS_PREFIX`, default `tickwork:`). */
  readonly redisPrefix: string;
  /** Directory for uploaded proofs (`PROOF_DIR`); unset keeps them in PostgreSQL with `DATABASE_URL`, else in memory. */
  readonly proofDir: string | undefined;
  /** Largest accepted upload in bytes (`UPLOAD_MAX_BYTES`, default 5 MiB), enforced by the multipart parser. */
  readonly uploadMaxBytes: number;
  /** URL or file of the ISIN list (`ISIN_SOURCE`, default the bundled sample). */
  readonly isinSource: string;
  /** Directory for ISIN snapshots (`ISIN_SNAPSHOT_DIR`); otherwise PostgreSQL when configured, else memory. */
  readonly isinSnapshotDir: string | undefined;
  /** Cron expression of the ISIN sync job (`ISIN_CRON`, default daily at 03:00). */
  readonly isinCron: string;
  /** Time zone of `isinCron` (`ISIN_TIMEZONE`, default `UTC`). */
  readonly isinTimezone: string;
  /** E-mail of the bootstrap admin (`ADMIN_EMAIL`, default `admin@example.com`). */
  readonly adminEmail: string;
  /** Password of the bootstrap admin (`ADMIN_PASSWORD`); unset → a random one, printed once at start. */
  readonly adminPassword: string | undefined;
  /** Login attempts allowed per client address and minute (`LOGIN_RATE_LIMIT`, default 10); fleet-wide with Redis. */
  readonly loginRateLimit: number;
  /** Registrations allowed per client address and hour (`REGISTER_RATE_LIMIT`, default 20); fleet-wide with Redis. */
  readonly registerRateLimit: number;
  /** `POST /extract` requests one process serves at once (`EXTRACT_MAX_CONCURRENT`, default 2); more get 429. */
  readonly extractMaxConcurrent: number;
  /** Values `POST /extract` answers at most (`EXTRACT_MAX_MATCHES`, default 10 000); more is a 422. */
  readonly extractMaxMatches: number;
  /** How long shutdown waits for running jobs and requests (`SHUTDOWN_GRACE_MS`, default 10 s). */
  readonly shutdownGraceMs: number;
  /**
   * Port of the Prometheus listener serving `GET /metrics` (`METRICS_PORT`; 0 picks a free port). Unset: no
   * metrics are collected or served.
   */
  readonly metricsPort: number | undefined;
  /** Interface of the metrics listener (`METRICS_HOST`, default `127.0.0.1`: only this machine may scrape). */
  readonly metricsHost: string;
  /** Every other bound: database, Redis, start-up, HTTP, ISIN sync (see {@link Timeouts}). */
  readonly timeouts: Timeouts;
}

/**
 * Reads the configuration from `env` (default `process.env`). Every problem is reported at once, by
 * variable name, as an `INVALID_OPTION` error.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): ExampleConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const variables = parsed.error.issues.map((issue) => ({ variable: issue.path.join('.'), message: issue.message }));
    throw new TickworkError(
      'INVALID_OPTION',
      `Invalid environment: ${variables.map((v) => `${v.variable} (${v.message})`).join(', ')}`,
      { details: { variables } },
    );
  }
  const e = parsed.data;
  return {
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    proofDir: e.PROOF_DIR,
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    isinSource: e.ISIN_SOURCE ?? SAMPLE_ISIN_LIST,
    isinSnapshotDir: e.ISIN_SNAPSHOT_DIR,
    isinCron: e.ISIN_CRON,
    isinTimezone: e.ISIN_TIMEZONE,
    adminEmail: e.ADMIN_EMAIL,
    adminPassword: e.ADMIN_PASSWORD,
    loginRateLimit: e.LOGIN_RATE_LIMIT,
    registerRateLimit: e.REGISTER_RATE_LIMIT,
    extractMaxConcurrent: e.EXTRACT_MAX_CONCURRENT,
    extractMaxMatches: e.EXTRACT_MAX_MATCHES,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    metricsPort: e.METRICS_PORT,
    metricsHost: e.METRICS_HOST,
    timeouts: toTimeouts(e),
  };
}
