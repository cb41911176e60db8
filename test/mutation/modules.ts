/**
 * What `npm run mutation` mutates, module by module, and which test files judge each module. One entry per
 * module keeps every run small enough for a 2-core machine: Stryker mutates only `mutate` and runs only
 * `tests` (vitest's related-file filter narrows them further per mutant).
 *
 * To add a module, add an entry; its incremental file appears under `test/mutation/incremental/` on the
 * first run and should be committed, so the next run re-tests only mutants whose code or tests changed.
 */

/** One unit of mutation testing. */
export interface MutationModule {
  /** Files (or `file:line-line` ranges) Stryker mutates. */
  readonly mutate: readonly string[];
  /** Test files vitest may run against those mutants. */
  readonly tests: readonly string[];
  /** Why the module is not in the default run, when it is not. */
  readonly optIn?: string;
  /** Environment for the test runs. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Every module, by the name given on the command line. */
export const MODULES = {
  extract: {
    mutate: ['src/extract/scanner.ts', 'src/extract/key-set.ts', 'src/extract/options.ts', 'src/extract/extractor.ts'],
    // worst-case.test.ts feeds 10 MB inputs: under Stryker's instrumentation one run takes minutes, and what it
    // guards (linear time) is not what a mutant breaks.
    tests: [
      'test/extract/cases.test.ts',
      'test/extract/properties.test.ts',
      'test/extract/stream.test.ts',
      'test/extract/limits-options.test.ts',
      'test/extract/limits-keys.test.ts',
      'test/extract/limits-key-set.test.ts',
      'test/extract/limits-scanner.test.ts',
      'test/extract/limits-extractor.test.ts',
      'test/extract/limits-paths.test.ts',
    ],
  },
  isin: {
    mutate: ['src/isin/validate.ts', 'src/isin/pack.ts', 'src/isin/isin-set.ts'],
    tests: [
      'test/isin/validate.test.ts',
      'test/isin/isin-set.test.ts',
      'test/isin/parse-list.test.ts',
      'test/isin/limits-validate.test.ts',
      'test/isin/limits-isin-set.test.ts',
      'test/isin/limits-pack.test.ts',
    ],
  },
  'isin-list': {
    mutate: ['src/isin/row-parser.ts', 'src/isin/list-sniff.ts', 'src/isin/parse-list.ts', 'src/isin/sync.ts'],
    tests: [
      'test/isin/parse-list.test.ts',
      'test/isin/parse-list-bom.test.ts',
      'test/isin/limits-parse-list.test.ts',
      'test/isin/sync.test.ts',
      'test/isin/sync-gates.test.ts',
      'test/isin/limits-sync.test.ts',
    ],
  },
  domain: {
    mutate: [
      'src/domain/task-service.ts',
      'src/domain/points-service.ts',
      'src/domain/app-service.ts',
      'src/domain/user-service.ts',
    ],
    tests: [
      'test/domain/services.test.ts',
      'test/domain/property.test.ts',
      'test/domain/concurrency.test.ts',
      'test/domain/task-service-limits.test.ts',
      'test/domain/service-errors.test.ts',
    ],
    // The rules live in the services, whatever the storage: the memory reference judges them in a fraction of
    // the time, so the PostgreSQL suites of these files are left out (they skip when the server is unreachable).
    env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:9/unreachable' },
  },
  scheduler: {
    // The run path of a tick, where a silent bug costs most (a tick run twice, or never); `scheduler.ts` is
    // wiring, judged by every test of the module anyway.
    mutate: [
      'src/scheduler/run-tick.ts',
      'src/scheduler/execute-run.ts',
      'src/scheduler/acquire-tick.ts',
      'src/scheduler/lease-keeper.ts',
      'src/scheduler/job-loop.ts',
      'src/scheduler/dispatch.ts',
      'src/scheduler/catch-up.ts',
      'src/scheduler/membership.ts',
    ],
    // The in-process tests on the memory lock. The real-process tests (faults, processes, bounded, fleet,
    // redis-restart, postgres-processes) and unref (a child process) are left out: a mutant in this process
    // does not reach them, and each takes tens of seconds. Listed fast first (the mutation runs keep this
    // order, see sequencer.ts): the fake-time limits tests kill most mutants in milliseconds, and the
    // real-time scenarios and DST simulations (half a minute together) run only for the mutants they let by.
    tests: [
      'test/scheduler/limits-execute-run.test.ts',
      'test/scheduler/limits-run-tick.test.ts',
      'test/scheduler/limits-job-loop.test.ts',
      'test/scheduler/limits-acquire.test.ts',
      'test/scheduler/limits-lease-keeper.test.ts',
      'test/scheduler/limits-catch-up.test.ts',
      'test/scheduler/limits-membership.test.ts',
      'test/scheduler/fake-time.test.ts',
      'test/scheduler/logger.test.ts',
      'test/scheduler/console.test.ts',
      'test/adapters/memory/lock.test.ts',
      'test/scheduler/memory-scenarios.test.ts',
      'test/scheduler/dst.test.ts',
    ],
  },
  // The memory lock is the reference of the lock's contract, and that contract is what the lock conformance
  // suite judges (every adapter passes the same suite): a mutant the suite lets through is a gap in the
  // contract's tests, whatever the scheduler does with it. Judged apart from `scheduler`, whose thirteen test
  // files would each run for every surviving lock mutant (an earlier projection: about four hours).
  'memory-lock': {
    mutate: ['adapters/memory/lock.ts'],
    // The limits file runs the same lock on an injected clock, to the millisecond: first, as it is fast.
    tests: ['test/adapters/memory/lock-limits.test.ts', 'test/adapters/memory/lock.test.ts'],
  },
  'redis-lock': {
    mutate: ['adapters/redis/lock.ts', 'adapters/redis/lock-scripts.ts'],
    tests: ['test/adapters/redis/lock.test.ts', 'test/adapters/redis/lock-limits.test.ts'],
    optIn: 'needs the Redis server and mutates Lua text, which only the server judges; run it by name',
  },
  'postgres-lock': {
    mutate: ['adapters/postgres/lock.ts', 'adapters/postgres/lock-prepare.ts'],
    tests: ['test/adapters/postgres/lock.test.ts', 'test/adapters/postgres/lock-limits.test.ts'],
    optIn: 'needs the PostgreSQL server and waits on its clock (6 to 11 minutes a run); run it by name',
    // Every test wakes a database: a fresh PGlite takes 5-15 s to start on a loaded machine, and the conformance
    // suite waits about 11 s on the database clock per client. PGlite, a pg.Pool and a pg.Client run the lock's
    // TypeScript on the same values (a bigint as a number or a string, read through Number() either way), so the
    // mutants are judged on the server's pg.Pool pass, its scheduler scenarios and the limits tests; `npm test`
    // keeps all three clients.
    env: { TICKWORK_MUTATION_PG_POOL_ONLY: '1' },
  },
} as const satisfies Record<string, MutationModule>;

/** A module's name. */
export type MutationModuleName = keyof typeof MODULES;
