/**
 * Configuration → the objects a server needs: the domain services, the scheduler with the ISIN sync job, and
 * the clients behind them. Memory by default; `DATABASE_URL` puts users, apps, tasks, points, proofs (unless
 * `PROOF_DIR` is set), ISIN snapshots and, without `REDIS_URL`, the scheduler lock in PostgreSQL (migrated on
 * start); `REDIS_URL` puts the scheduler lock and the rate limits in Redis. This file only wires; every rule lives in the library.
 */
import { Redis } from 'ioredis';
import type pg from 'pg';
import type { Clock } from 'tickwork';
import { createScheduler, createServices, type Scheduler, type Services } from 'tickwork';
import { fsIsinSnapshotStore, fsProofStore } from 'tickwork/fs';
import { memoryIsinSnapshotStore, memoryLock, memoryProofStore, memoryRepositories } from 'tickwork/memory';
import {
  migrate,
  postgresIsinSnapshotStore,
  postgresLock,
  postgresProofStore,
  postgresRepositories,
} from 'tickwork/postgres';
import { redisLock } from 'tickwork/redis';
import { type AdminPasswordSource, bootstrapAdmin } from './admin-bootstrap.js';
import type { ExampleConfig } from './config.js';
import { createIsinJob, type IsinJob } from './isin-job.js';
import { createJobConsole, type JobConsole } from './job-console.js';
import type { ExampleLogger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { type MetricsServer, startMetricsServer } from './metrics-server.js';
import { createPgPool } from './pg-pool.js';
import { redactSourceIn } from './redact-source.js';
import { MIN_PASSWORD_LENGTH } from './schemas.js';

/** Extra wiring for tests and embedding; a server started from the environment passes none. */
export interface ContainerOptions {
  /** Clock of the domain services (tests move it to expire a session). @default the system clock */
  readonly clock?: Clock;
  /** How long a login token lasts, in milliseconds. @default the services' default */
  readonly sessionTtl?: number;
  /** Told what start-up waits for next, so a start-up that overruns its bound can say where it stuck. */
  readonly onStep?: (step: string) => void;
}

/** The bootstrap admin's sign-in. */
export interface AdminLogin {
  /** E-mail of the admin account. */
  readonly email: string;
  /** The generated password when `ADMIN_PASSWORD` was unset (print it once); otherwise `undefined`. */
  readonly generatedPassword: string | undefined;
  /** Where the password that signs in comes from, checked by signing in once: see {@link AdminPasswordSource}. */
  readonly passwordSource: AdminPasswordSource;
}

/** Whether each backing service answers. */
export interface Readiness {
  /** True when every configured backing service answered. */
  readonly ok: boolean;
  /** Per service: `ok`, `memory` (nothing to check) or `unavailable` (the reason is logged). */
  readonly checks: Readonly<Record<'database' | 'redis', string>>;
}

/** Everything a server is built from. */
export interface Container {
  /** The configuration it was built from. */
  readonly config: ExampleConfig;
  /** The process logger. */
  readonly logger: ExampleLogger;
  /** Users, apps, tasks and points. */
  readonly services: Services;
  /** The scheduler running the ISIN sync job (started by {@link Container.start}). */
  readonly scheduler: Scheduler;
  /** The ISIN sync job: status and manual trigger. */
  readonly isin: IsinJob;
  /** The scheduler's jobs for the operator console: state, history, pause, resume, Run now. */
  readonly jobs: JobConsole;
  /** The bootstrap admin. */
  readonly admin: AdminLogin;
  /** The Prometheus metrics when `METRICS_PORT` is set (the servers record their requests in them), else `undefined`. */
  readonly metrics: Metrics | undefined;
  /** Where the metrics are served once {@link Container.start} has run (`…/metrics`), else `undefined`. */
  metricsUrl(): string | undefined;
  /** The Redis client when `REDIS_URL` is set (the rate limits keep their counters in it), else `undefined`. */
  readonly redis: Redis | undefined;
  /** Checks the database and Redis. */
  ready(): Promise<Readiness>;
  /** Starts the scheduler (its lock checks, then the job timers and catch-up). */
  start(): Promise<void>;
  /** Stops the scheduler (waiting up to the grace period), then closes what this container opened. Idempotent. */
  close(): Promise<void>;
}

/**
 * Builds the container for `config`: connects, migrates, creates the bootstrap admin and registers the ISIN
 * job (not started yet). On failure, whatever was opened is closed again.
 */
export async function createContainer(
  config: ExampleConfig,
  logger: ExampleLogger,
  options: ContainerOptions = {},
): Promise<Container> {
  const closers: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch((err: unknown) => logger.warn({ err }, 'close failed'));
  };
  try {
    let pool: pg.Pool | undefined;
    const step = options.onStep ?? (() => {});
    if (config.databaseUrl) {
      step('connecting to PostgreSQL and migrating (DATABASE_URL)');
      pool = createPgPool(config.databaseUrl, config.timeouts, logger);
      const created = pool;
      closers.push(() => created.end());
      const { applied } = await migrate(created);
      if (applied.length > 0) logger.info({ applied }, 'database migrated');
    }
    let redis: Redis | undefined;
    if (config.redisUrl) {
      step('connecting to Redis (REDIS_URL)');
      redis = new Redis(config.redisUrl, {
        lazyConnect: true,
        maxRetriesPerRequest: 2,
        connectTimeout: config.timeouts.redisConnectMs,
        commandTimeout: config.timeouts.redisCommandMs,
      });
      const created = redis;
      created.on('error', (err) => logger.warn({ err: err.message }, 'Redis connection error'));
      closers.push(() => created.quit());
      await created.connect();
    }

    const services = createServices({
      repositories: pool ? postgresRepositories({ db: pool }) : memoryRepositories(),
      // Proofs live with the rest of the data, so every process of a fleet serves them and they survive a restart.
      proofs: config.proofDir
        ? fsProofStore({ dir: config.proofDir })
        : pool
          ? postgresProofStore({ db: pool })
          : memoryProofStore(),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.sessionTtl ? { sessionTtl: options.sessionTtl } : {}),
      maxProofBytes: config.uploadMaxBytes,
      // The minimum GET /openapi.json documents.
      minPasswordLength: MIN_PASSWORD_LENGTH,
      // Every domain event (ids only) as an info line: who claimed, approved, promoted what, and when.
      logger,
    });

    step('creating the bootstrap admin');
    // Refuses (CONFLICT) an account registered under ADMIN_EMAIL by someone else: the start fails, see docs/examples.md.
    const { generatedPassword, passwordSource } = await bootstrapAdmin(services, config, logger);

    const scheduler = createScheduler({
      // A fleet shares its lock through Redis, or through PostgreSQL when that is the only server it has.
      lock: redis
        ? redisLock({ client: redis, prefix: config.redisPrefix })
        : pool
          ? postgresLock({ db: pool })
          : memoryLock(),
      logger,
    });
    const snapshots = config.isinSnapshotDir
      ? fsIsinSnapshotStore({ dir: config.isinSnapshotDir })
      : pool
        ? postgresIsinSnapshotStore({ db: pool })
        : memoryIsinSnapshotStore();
    const isin = createIsinJob({ scheduler, store: snapshots, config, logger });
    // Created with the scheduler, so the first runs (the start-up sync) are counted too.
    const metrics =
      config.metricsPort === undefined ? undefined : createMetrics({ instanceId: scheduler.instanceId, logger });
    if (metrics) closers.push(async () => metrics.close());
    let metricsServer: MetricsServer | undefined;

    let started = false;
    let initialSync: Promise<void> = Promise.resolve();
    let closing: Promise<void> | undefined;
    return {
      config,
      logger,
      services,
      scheduler,
      isin,
      // A failed sync's message quotes the source as configured, credentials and all.
      jobs: createJobConsole({ scheduler, redact: (message) => redactSourceIn(message, config.isinSource) }),
      admin: { email: config.adminEmail, generatedPassword, passwordSource },
      redis,
      metrics,
      metricsUrl: () => metricsServer?.url,
      async ready() {
        const check = async (
          client: { query(sql: string): Promise<unknown> } | { ping(): Promise<unknown> } | undefined,
        ) => {
          if (!client) return 'memory';
          try {
            await ('ping' in client ? client.ping() : client.query('SELECT 1'));
            return 'ok';
          } catch (error) {
            // The reason goes to the log, not to an anonymous caller.
            logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'readiness check failed');
            return 'unavailable';
          }
        };
        const [database, redisCheck] = await Promise.all([check(pool), check(redis)]);
        return {
          ok: [database, redisCheck].every((c) => c === 'ok' || c === 'memory'),
          checks: { database, redis: redisCheck },
        };
      },
      async start() {
        if (started) return;
        started = true;
        if (metrics && config.metricsPort !== undefined) {
          const { metricsHost: host, metricsPort: port, timeouts } = config;
          metricsServer = await startMetricsServer(metrics, { host, port, timeouts, logger });
          const opened = metricsServer;
          closers.push(() => opened.close());
        }
        await scheduler.start();
        // In the background: a slow or unreachable list must not hold up the server.
        initialSync = isin.syncIfEmpty().catch((err: unknown) => logger.warn({ err }, 'initial isin sync failed'));
      },
      close() {
        closing ??= (async () => {
          if (started) await scheduler.stop({ grace: config.shutdownGraceMs });
          await initialSync;
          await closeAll();
        })();
        return closing;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
