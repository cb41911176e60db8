/**
 * `createIsinSync`: the unattended 24-hour job. Fetch, parse, validate, check the gates, and only then
 * replace the stored snapshot — a bad download never replaces a good list.
 */
import { performance } from 'node:perf_hooks';
import { isTickworkError, TickworkError } from '../errors.js';
import { abortError } from '../internal/abort.js';
import { assertInteger, assertNonEmptyString, assertNumberInRange } from '../internal/assert.js';
import { silentLogger } from '../internal/silent-logger.js';
import type { Logger } from '../types.js';
import type { FetchedIsinSourceMeta, FetchIsinListOptions, FetchIsinListResult, FetchSettings } from './fetch-list.js';
import { fetchResolved, resolveFetchOptions } from './fetch-list.js';
import type { IsinListSource } from './fetch-source.js';
import type { IsinSet } from './isin-set.js';
import type { IsinListIssue } from './row-parser.js';
import type { IsinSnapshotStore, StoredIsinSnapshot } from './snapshot-store.js';
import { checkSnapshotName } from './snapshot-store.js';
import type { IsinErrorCode } from './validate.js';

/** Checks a new list must pass before it replaces the stored one. A clean end of stream is always required. */
export interface IsinSyncGates {
  /**
   * Fewest unique valid ISINs a new list must hold.
   * @default 1
   */
  readonly minRows?: number;
  /**
   * Largest share of the previous list that may disappear at once (0–1). A list that lost 30 % of its ISINs
   * is far more likely a broken export than a real change.
   * @default 0.1
   */
  readonly maxRemovedRatio?: number;
  /**
   * Largest share of invalid rows among rows with a value (0–1).
   * @default 0.01
   */
  readonly maxInvalidRatio?: number;
}

/**
 * Options of {@link createIsinSync}: the list, where its snapshot lives, the gates, and the options of each
 * fetch (transport and limits, with the `parse` and `retry` groups), all checked when the job is created.
 */
export interface CreateIsinSyncOptions extends Omit<FetchIsinListOptions, 'signal' | 'previous'> {
  /** Snapshot name (letters, digits, `.`, `_`, `-`). */
  readonly name: string;
  /** Where the list comes from: URL, path, or a spec such as `gleifIsinLei()`. */
  readonly source: IsinListSource;
  /** Where the last accepted snapshot lives. */
  readonly store: IsinSnapshotStore;
  /** Checks before a new snapshot replaces the old one. */
  readonly gates?: IsinSyncGates;
  /** Logger used when the caller's context has none. @default silent */
  readonly logger?: Logger;
  /**
   * How many added and removed ISINs to list in the result (all are counted).
   * @default 100
   */
  readonly diffSample?: number;
}

/** The part of the scheduler's job context the sync uses; every field is optional so it also runs alone. */
export interface IsinSyncContext {
  /** Aborts the run (the scheduler aborts on timeout, stop and lost lease). */
  readonly signal?: AbortSignal;
  /** Fencing token of this run, passed to the store so a stale run cannot overwrite a newer snapshot. */
  readonly fence?: number;
  /** Logger of this run. */
  readonly logger?: Logger;
  /**
   * Throws once the scheduler's lease may have expired (`LEASE_LOST`): called right before the snapshot is
   * saved, so a run resumed after a pause stops before its write even where the store cannot check fences.
   */
  readonly assertLease?: () => void;
}

/** Why a list was rejected, or which error failed the run. */
export type IsinSyncReasonCode =
  | 'INCOMPLETE'
  | 'MIN_ROWS'
  | 'MAX_REMOVED_RATIO'
  | 'MAX_INVALID_RATIO'
  | TickworkError['code'];

/** Changes against the previous snapshot. */
export interface IsinSyncDiff {
  /** ISINs new in this list. */
  readonly added: number;
  /** ISINs gone from this list. */
  readonly removed: number;
  /** ISINs in both. */
  readonly unchanged: number;
  /** The first added ISINs, in order. */
  readonly addedSample: readonly string[];
  /** The first removed ISINs, in order. */
  readonly removedSample: readonly string[];
}

/** Counts of a run. */
export interface IsinSyncCounts {
  /** Data rows read. */
  readonly rows: number;
  /** Rows with a valid ISIN (repeats included). */
  readonly valid: number;
  /** Rows with an invalid ISIN. */
  readonly invalid: number;
  /** Rows with an empty ISIN field. */
  readonly empty: number;
  /** Rows without an ISIN field. */
  readonly ragged: number;
  /** Repeated ISINs. */
  readonly duplicates: number;
  /** Unique valid ISINs in the new list. */
  readonly size: number;
  /** Unique ISINs in the previous snapshot (0 on a first run). */
  readonly previousSize: number;
}

/** Milliseconds spent per stage. */
export interface IsinSyncTimings {
  /** Loading the previous snapshot. */
  readonly loadMs: number;
  /** Download, decompression, parsing and validation (they overlap). */
  readonly fetchMs: number;
  /** Diff against the previous snapshot. */
  readonly diffMs: number;
  /** Saving the new snapshot. */
  readonly saveMs: number;
  /** The whole run. */
  readonly totalMs: number;
}

/** What a run did. `updated` is the only status that changed the stored snapshot. */
export interface IsinSyncResult {
  /** `updated`: new snapshot saved; `not-modified`: the source has not changed; `rejected`: a gate failed;
   * `failed`: the list could not be read or saved. */
  readonly status: 'updated' | 'not-modified' | 'rejected' | 'failed';
  /** The snapshot name. */
  readonly name: string;
  /** Why it was rejected or failed. */
  readonly code?: IsinSyncReasonCode;
  /** A sentence saying why. */
  readonly reason?: string;
  /** Counts, when a list was read. */
  readonly counts?: IsinSyncCounts;
  /** Invalid rows by code, when a list was read. */
  readonly invalidByCode?: Readonly<Partial<Record<IsinErrorCode, number>>>;
  /** The first invalid rows (line, code, value). */
  readonly issues?: readonly IsinListIssue[];
  /** Changes against the previous snapshot, when a list was read. */
  readonly diff?: IsinSyncDiff;
  /** Facts about the source, when it was reached. */
  readonly source?: FetchedIsinSourceMeta;
  /** Time per stage. */
  readonly timings: IsinSyncTimings;
}

/** A sync job: call it with a scheduler job context, or with nothing. */
export type IsinSyncHandler = (ctx?: IsinSyncContext) => Promise<IsinSyncResult>;

/**
 * Creates the sync job for one list. Each call fetches the list (conditionally), parses and validates it,
 * diffs it against the stored snapshot, checks the gates, and saves it with the caller's fencing token.
 * It never throws for data, network or storage problems — the result says `failed` or `rejected` and why,
 * and the previous snapshot stays current. It does throw `ABORTED` when its signal aborts.
 *
 * @example
 * ```ts
 * const sync = createIsinSync({
 *   name: 'gleif',
 *   source: gleifIsinLei(),
 *   store: fsIsinSnapshotStore({ dir: './data' }),
 *   gates: { minRows: 5_000_000, maxRemovedRatio: 0.05 },
 * });
 * scheduler.add({ name: 'isin-gleif', cron: '30 9 * * *', run: sync }); // or: await sync()
 * ```
 */
export function createIsinSync(options: CreateIsinSyncOptions): IsinSyncHandler {
  const { name, store, gates, diffSample, logger: defaultLogger, fetch: fetchSettings } = resolveSyncOptions(options);
  const { minRows, maxRemovedRatio, maxInvalidRatio } = gates;

  return async (ctx: IsinSyncContext = {}): Promise<IsinSyncResult> => {
    const logger = ctx.logger ?? defaultLogger ?? silentLogger;
    const signal = ctx.signal;
    const t0 = performance.now();
    const timings = { loadMs: 0, fetchMs: 0, diffMs: 0, saveMs: 0, totalMs: 0 };
    const done = (result: Omit<IsinSyncResult, 'name' | 'timings'>): IsinSyncResult => {
      timings.totalMs = performance.now() - t0;
      const out = { name, ...result, timings: { ...timings } };
      const level = out.status === 'failed' ? 'error' : out.status === 'rejected' ? 'warn' : 'info';
      logger[level](
        {
          job: name,
          status: out.status,
          code: out.code,
          counts: out.counts,
          diff: out.diff && { added: out.diff.added, removed: out.diff.removed },
        },
        out.reason ?? `ISIN list ${name}: ${out.status}`,
      );
      return out;
    };
    const failed = (error: unknown, stage: string): IsinSyncResult => {
      if (signal?.aborted || isTickworkError(error, 'ABORTED')) {
        throw isTickworkError(error, 'ABORTED') ? error : abortError(signal, `ISIN sync ${name} was aborted`);
      }
      const code = isTickworkError(error) ? error.code : 'INTERNAL';
      const message = error instanceof Error ? error.message : String(error);
      return done({ status: 'failed', code, reason: `${stage}: ${message}` });
    };

    let previous: StoredIsinSnapshot | undefined;
    let t = performance.now();
    // Each stage's time is taken before `failed` builds the result, so a failed stage reports its time too.
    try {
      previous = await store.load(name, signal === undefined ? {} : { signal });
    } catch (error) {
      timings.loadMs = performance.now() - t;
      return failed(error, 'Cannot load the previous snapshot');
    }
    timings.loadMs = performance.now() - t;

    t = performance.now();
    let fetched: FetchIsinListResult;
    try {
      fetched = await fetchResolved(fetchSettings, { signal, previous: previous?.meta });
    } catch (error) {
      timings.fetchMs = performance.now() - t;
      return failed(error, 'Cannot read the list');
    }
    timings.fetchMs = performance.now() - t;
    if (fetched.status === 'not-modified') {
      return done({ status: 'not-modified', source: fetched.meta, reason: `ISIN list ${name} has not changed` });
    }

    const list = fetched.list;
    const before: IsinSet | undefined = previous?.set;
    t = performance.now();
    const changes = before?.diff(list.set);
    timings.diffMs = performance.now() - t;
    const counts: IsinSyncCounts = {
      rows: list.rows,
      valid: list.valid,
      invalid: list.invalid,
      empty: list.empty,
      ragged: list.ragged,
      duplicates: list.duplicates,
      size: list.set.size,
      previousSize: before?.size ?? 0,
    };
    const diff: IsinSyncDiff = {
      added: changes?.added.size ?? list.set.size,
      removed: changes?.removed.size ?? 0,
      unchanged: changes?.unchanged ?? 0,
      addedSample: (changes?.added ?? list.set).first(diffSample),
      removedSample: changes?.removed.first(diffSample) ?? [],
    };
    const report = {
      counts,
      diff,
      invalidByCode: list.invalidByCode,
      issues: list.issues.slice(0, 20),
      source: fetched.meta,
    };

    const withValue = list.valid + list.invalid;
    const gate = ((): { code: IsinSyncReasonCode; reason: string } | undefined => {
      if (!list.complete) return { code: 'INCOMPLETE', reason: 'The list ends inside a quoted field: cut off' };
      if (list.set.size < minRows) {
        return { code: 'MIN_ROWS', reason: `The list has ${list.set.size} ISINs; at least ${minRows} are required` };
      }
      if (withValue > 0 && list.invalid / withValue > maxInvalidRatio) {
        const pct = ((100 * list.invalid) / withValue).toFixed(2);
        return {
          code: 'MAX_INVALID_RATIO',
          reason: `${pct} % of rows are invalid; at most ${100 * maxInvalidRatio} % may be`,
        };
      }
      if (before !== undefined && before.size > 0 && diff.removed / before.size > maxRemovedRatio) {
        const pct = ((100 * diff.removed) / before.size).toFixed(2);
        return {
          code: 'MAX_REMOVED_RATIO',
          reason: `${pct} % of the previous ISINs disappeared; at most ${100 * maxRemovedRatio} % may`,
        };
      }
      return undefined;
    })();
    if (gate !== undefined) return done({ status: 'rejected', ...gate, ...report });

    t = performance.now();
    try {
      ctx.assertLease?.();
      await store.save(
        name,
        {
          set: list.set,
          meta: {
            ...fetched.meta,
            rows: list.rows,
            invalid: list.invalid,
            duplicates: list.duplicates,
          },
        },
        { ...(ctx.fence === undefined ? {} : { fence: ctx.fence }), ...(signal === undefined ? {} : { signal }) },
      );
    } catch (error) {
      timings.saveMs = performance.now() - t;
      const result = failed(error, 'Cannot save the snapshot');
      return { ...result, ...report, status: 'failed' };
    }
    timings.saveMs = performance.now() - t;
    return done({ status: 'updated', ...report });
  };
}

/** Resolved options of {@link createIsinSync}. */
interface SyncSettings {
  readonly name: string;
  readonly store: IsinSnapshotStore;
  readonly gates: Required<IsinSyncGates>;
  readonly diffSample: number;
  readonly logger: Logger | undefined;
  readonly fetch: FetchSettings;
}

/** Checks the gates up front and fills in defaults. */
function resolveGates(g: IsinSyncGates = {}): Required<IsinSyncGates> {
  const gates = {
    minRows: g.minRows ?? 1,
    maxRemovedRatio: g.maxRemovedRatio ?? 0.1,
    maxInvalidRatio: g.maxInvalidRatio ?? 0.01,
  };
  assertInteger('gates.minRows', gates.minRows, 0);
  assertNumberInRange('gates.maxRemovedRatio', gates.maxRemovedRatio, 0, 1);
  assertNumberInRange('gates.maxInvalidRatio', gates.maxInvalidRatio, 0, 1);
  return gates;
}

/** Checks every option of {@link createIsinSync} up front, fetch options included, and fills in defaults. */
function resolveSyncOptions(options: CreateIsinSyncOptions): SyncSettings {
  assertNonEmptyString('name', options?.name);
  checkSnapshotName(options.name);
  if (options.store === undefined || typeof options.store.load !== 'function') {
    throw new TickworkError('INVALID_OPTION', 'Expected `store` to be an IsinSnapshotStore', {
      details: { option: 'store' },
    });
  }
  if (options.source === undefined) {
    throw new TickworkError('INVALID_OPTION', 'Expected `source` to be a URL, a path or a source spec', {
      details: { option: 'source' },
    });
  }
  const gates = resolveGates(options.gates);
  const diffSample = options.diffSample ?? 100;
  assertInteger('diffSample', diffSample, 0);
  return {
    name: options.name,
    store: options.store,
    gates,
    diffSample,
    logger: options.logger,
    // The sync's own keys ride along; the fetch resolver reads only the options of a fetch.
    fetch: resolveFetchOptions(options.source, options),
  };
}
