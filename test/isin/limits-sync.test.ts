/**
 * `createIsinSync` at its limits: the default gates at, below and above their bounds, each gate's reason word
 * for word, which gate speaks when several fail, what a rejected, failed and updated result carries, the
 * logger's level per status, the store's load and save failing in each way, and every option's bounds. The
 * lists are local files, so no server runs; inputs are built inside each test.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIsinSnapshotStore } from '../../adapters/memory/isin-snapshot-store.js';
import { isTickworkError, TickworkError } from '../../src/errors.js';
import { IsinSet } from '../../src/isin/isin-set.js';
import type { IsinSnapshotStore } from '../../src/isin/snapshot-store.js';
import { type CreateIsinSyncOptions, createIsinSync, type IsinSyncGates } from '../../src/isin/sync.js';
import { distinctIsins } from './generate.js';

// A wrong check digit: one invalid row per entry.
const broken = (isin: string) => `${isin.slice(0, 11)}${(Number(isin[11]) + 1) % 10}`;

let dir: string;
let files = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tickwork-isin-sync-limits-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `text` to a new file and answers its path. */
async function listFile(text: string): Promise<string> {
  const path = join(dir, `list-${files++}.txt`);
  await writeFile(path, text);
  return path;
}

/** A memory store holding `previous` as the snapshot `list`, when given. */
async function storeWith(previous?: readonly string[]): Promise<IsinSnapshotStore> {
  const store = memoryIsinSnapshotStore();
  if (previous) {
    await store.save('list', {
      set: IsinSet.from(previous),
      meta: { source: 'seed', fetchedAt: '1970-01-01T00:00:00.000Z' },
    });
  }
  return store;
}

/** One sync of `rows` (plain text) against `previous`, with `options`. */
async function syncRows(
  rows: readonly string[],
  options: { readonly gates?: IsinSyncGates; readonly previous?: readonly string[]; readonly diffSample?: number } = {},
) {
  const store = await storeWith(options.previous);
  const source = await listFile(rows.length === 0 ? '' : `${rows.join('\n')}\n`);
  const sync = createIsinSync({
    name: 'list',
    source,
    store,
    ...(options.gates ? { gates: options.gates } : {}),
    ...(options.diffSample === undefined ? {} : { diffSample: options.diffSample }),
  });
  return { result: await sync(), store };
}

/** The error `fn` throws (fails the test when it throws nothing). */
function thrown(fn: () => unknown): { code: string; message: string; details?: unknown } {
  try {
    fn();
  } catch (e) {
    return e as { code: string; message: string; details?: unknown };
  }
  return expect.unreachable('expected a throw');
}

describe('createIsinSync default gates', () => {
  it('minRows 1: an empty list is rejected, one ISIN passes', async () => {
    const empty = (await syncRows([])).result;
    expect(empty).toMatchObject({
      status: 'rejected',
      code: 'MIN_ROWS',
      reason: 'The list has 0 ISINs; at least 1 are required',
    });
    expect((await syncRows(distinctIsins(1, 2))).result.status).toBe('updated');
  });

  it('maxInvalidRatio 0.01: 1 invalid row of 100 passes, 2 are rejected with the share in the reason', async () => {
    const pool = distinctIsins(102, 4);
    expect((await syncRows([...pool.slice(0, 99), broken(pool[100]!)])).result.status).toBe('updated');
    const r = (await syncRows([...pool.slice(0, 98), broken(pool[100]!), broken(pool[101]!)])).result;
    expect(r).toMatchObject({
      status: 'rejected',
      code: 'MAX_INVALID_RATIO',
      reason: '2.00 % of rows are invalid; at most 1 % may be',
    });
    // The share counts rows with a value: empty and ragged rows are neither.
    const csv = ['n,ISIN', ...pool.slice(0, 99).map((i) => `a,${i}`), `b,${broken(pool[100]!)}`, 'c,', 'd', 'e,'];
    expect((await syncRows(csv)).result.status).toBe('updated');
  });

  it('maxRemovedRatio 0.1: 10 of 100 removed passes, 11 are rejected with the share in the reason', async () => {
    const pool = distinctIsins(100, 6);
    expect((await syncRows(pool.slice(10), { previous: pool })).result.status).toBe('updated');
    const { result, store } = await syncRows(pool.slice(11), { previous: pool });
    expect(result).toMatchObject({
      status: 'rejected',
      code: 'MAX_REMOVED_RATIO',
      reason: '11.00 % of the previous ISINs disappeared; at most 10 % may',
    });
    expect((await store.load('list'))!.set.size).toBe(100);
  });

  it('reports a fractional share with two decimals and the limit as a percentage', async () => {
    const pool = distinctIsins(300, 8);
    const r = (await syncRows(pool.slice(0, 299), { previous: pool, gates: { maxRemovedRatio: 0.0025 } })).result;
    expect(r.reason).toBe('0.33 % of the previous ISINs disappeared; at most 0.25 % may');
    const bad = (await syncRows([...pool.slice(0, 2), broken(pool[2]!)], { gates: { maxInvalidRatio: 0.25 } })).result;
    expect(bad.reason).toBe('33.33 % of rows are invalid; at most 25 % may be');
  });

  it('names the first failing gate: incomplete, then too few, then too many invalid, then too many removed', async () => {
    const pool = distinctIsins(20, 10);
    const previous = pool;
    const bad = pool.slice(0, 5).map(broken);
    const cut = `n,ISIN\n${pool
      .slice(15)
      .map((i) => `a,${i}`)
      .join('\n')}\n"open,x\n`;
    const store = await storeWith(previous);
    const strict = { minRows: 10, maxInvalidRatio: 0.1, maxRemovedRatio: 0.1 };
    const incomplete = await createIsinSync({ name: 'list', source: await listFile(cut), store, gates: strict })();
    expect(incomplete).toMatchObject({
      status: 'rejected',
      code: 'INCOMPLETE',
      reason: 'The list ends inside a quoted field: cut off',
    });
    expect((await syncRows([...pool.slice(15), ...bad], { previous, gates: strict })).result.code).toBe('MIN_ROWS');
    expect((await syncRows([...pool.slice(5), ...bad], { previous, gates: strict })).result.code).toBe(
      'MAX_INVALID_RATIO',
    );
    expect((await syncRows(pool.slice(5), { previous, gates: strict })).result.code).toBe('MAX_REMOVED_RATIO');
  });
});

describe('createIsinSync results', () => {
  it('says what an update did: counts, diff, samples, issues and the saved meta', async () => {
    const pool = distinctIsins(30, 12);
    const previous = pool.slice(0, 20);
    const rows = [
      'n,ISIN',
      ...pool.slice(2, 25).map((i) => `a,${i}`),
      `b,${pool[3]}`,
      `c,${broken(pool[26]!)}`,
      'd,',
      'e',
    ];
    const { result, store } = await syncRows(rows, {
      previous,
      diffSample: 2,
      gates: { maxInvalidRatio: 0.5, maxRemovedRatio: 0.5 },
    });
    expect(result).toMatchObject({
      status: 'updated',
      name: 'list',
      counts: { rows: 26, valid: 24, invalid: 1, empty: 1, ragged: 1, duplicates: 1, size: 23, previousSize: 20 },
      invalidByCode: { CHECK_MISMATCH: 1 },
      issues: [{ line: 26, code: 'CHECK_MISMATCH', value: broken(pool[26]!) }],
    });
    expect(result.code).toBeUndefined();
    expect(result.reason).toBeUndefined();
    expect(result.diff).toEqual({
      added: 5,
      removed: 2,
      unchanged: 18,
      addedSample: [...pool.slice(20, 25)].sort().slice(0, 2),
      removedSample: [...pool.slice(0, 2)].sort(),
    });
    const saved = await store.load('list');
    expect(saved!.meta).toMatchObject({ rows: 26, invalid: 1, duplicates: 1 });
    expect(saved!.set.size).toBe(23);
    const t = result.timings;
    for (const key of ['loadMs', 'fetchMs', 'diffMs', 'saveMs', 'totalMs'] as const) {
      expect(t[key], key).toBeGreaterThanOrEqual(0);
    }
    expect(t.totalMs).toBeGreaterThanOrEqual(t.loadMs + t.fetchMs + t.diffMs + t.saveMs);
  });

  it('lists every ISIN as added on a first run, up to diffSample (default 100, and 0)', async () => {
    const pool = distinctIsins(101, 14);
    const first = (await syncRows(pool)).result;
    expect(first.diff).toMatchObject({ added: 101, removed: 0, unchanged: 0, removedSample: [] });
    expect(first.diff!.addedSample).toEqual([...pool].sort().slice(0, 100));
    expect(first.counts!.previousSize).toBe(0);
    const none = (await syncRows(pool, { diffSample: 0, previous: pool.slice(0, 50) })).result;
    expect(none.diff).toMatchObject({ added: 51, removed: 0, unchanged: 50, addedSample: [], removedSample: [] });
  });

  it('keeps the first 20 issues in a rejected result, with its counts and diff, and the old snapshot', async () => {
    const pool = distinctIsins(50, 16);
    const bad = pool.slice(0, 21).map(broken);
    const { result, store } = await syncRows([...pool.slice(21), ...bad], { previous: pool.slice(21) });
    expect(result).toMatchObject({ status: 'rejected', code: 'MAX_INVALID_RATIO' });
    expect(result.issues!.length).toBe(20);
    expect(result.issues![19]).toMatchObject({ line: 49, value: bad[19] });
    expect(result.counts).toMatchObject({ invalid: 21, size: 29, previousSize: 29 });
    expect(result.invalidByCode).toEqual({ CHECK_MISMATCH: 21 });
    expect(result.diff).toMatchObject({ added: 0, removed: 0, unchanged: 29 });
    expect(result.source).toBeDefined();
    expect((await store.load('list'))!.meta.source).toBe('seed');
  });

  it('says not-modified with the source facts when the list has not changed', async () => {
    const pool = distinctIsins(5, 18);
    const store = await storeWith();
    const sync = createIsinSync({ name: 'list', source: await listFile(`${pool.join('\n')}\n`), store });
    expect((await sync()).status).toBe('updated');
    const again = await sync();
    expect(again).toMatchObject({ status: 'not-modified', reason: 'ISIN list list has not changed' });
    expect(again.source).toBeDefined();
    expect(again.counts).toBeUndefined();
  });

  it('logs each run once: errors for failed, warnings for rejected, info otherwise', async () => {
    const logged: [string, unknown, string][] = [];
    const logger = {
      debug: (f: unknown, m: string) => logged.push(['debug', f, m]),
      info: (f: unknown, m: string) => logged.push(['info', f, m]),
      warn: (f: unknown, m: string) => logged.push(['warn', f, m]),
      error: (f: unknown, m: string) => logged.push(['error', f, m]),
    };
    const pool = distinctIsins(10, 20);
    const store = await storeWith();
    const good = await listFile(`${pool.join('\n')}\n`);
    await createIsinSync({ name: 'list', source: good, store, logger })();
    await createIsinSync({ name: 'list', source: good, store, logger })();
    await createIsinSync({ name: 'list', source: await listFile(''), store, logger })();
    await createIsinSync({ name: 'list', source: join(dir, 'missing.txt'), store, logger })();
    expect(logged.map(([level]) => level)).toEqual(['info', 'info', 'warn', 'error']);
    expect(logged[0]![2]).toBe('ISIN list list: updated');
    expect(logged[0]![1]).toEqual({
      job: 'list',
      status: 'updated',
      code: undefined,
      counts: expect.objectContaining({ size: 10 }),
      diff: { added: 10, removed: 0 },
    });
    expect(logged[1]![2]).toBe('ISIN list list has not changed');
    expect(logged[2]![1]).toMatchObject({ status: 'rejected', code: 'MIN_ROWS' });
    expect(logged[2]![2]).toBe('The list has 0 ISINs; at least 1 are required');
    expect(logged[3]![1]).toMatchObject({ status: 'failed', diff: undefined, counts: undefined });
    expect(logged[3]![2]).toMatch(/^Cannot read the list: /);
    // The run's own logger wins over the job's.
    const own: string[] = [];
    const ctxLogger = { ...logger, info: (_f: unknown, m: string) => own.push(m) };
    await createIsinSync({ name: 'list', source: good, store, logger })({ logger: ctxLogger });
    expect(own).toEqual(['ISIN list list has not changed']);
    expect(logged.length).toBe(4);
  });
});

describe('createIsinSync failures', () => {
  /** A store whose load or save fails with `error`. */
  function failing(which: 'load' | 'save', error: unknown): IsinSnapshotStore & { saves: unknown[] } {
    const inner = memoryIsinSnapshotStore();
    const saves: unknown[] = [];
    return {
      saves,
      load: async (name, options) => {
        if (which === 'load') throw error;
        return inner.load(name, options);
      },
      save: async (name, snapshot, options) => {
        saves.push(options);
        if (which === 'save') throw error;
        return inner.save(name, snapshot, options);
      },
    };
  }

  it('fails with the error code and stage when the store cannot load or save, INTERNAL for other errors', async () => {
    const source = await listFile(`${distinctIsins(3, 22).join('\n')}\n`);
    const cases: [unknown, string, string][] = [
      [new TickworkError('UNAVAILABLE', 'store down'), 'UNAVAILABLE', 'store down'],
      [new Error('disk on fire'), 'INTERNAL', 'disk on fire'],
      ['plain string', 'INTERNAL', 'plain string'],
    ];
    for (const [error, code, message] of cases) {
      const load = await createIsinSync({ name: 'list', source, store: failing('load', error) })();
      expect(load).toMatchObject({ status: 'failed', code, reason: `Cannot load the previous snapshot: ${message}` });
      expect(load.counts).toBeUndefined();
      const save = await createIsinSync({ name: 'list', source, store: failing('save', error) })();
      expect(save).toMatchObject({
        status: 'failed',
        code,
        reason: `Cannot save the snapshot: ${message}`,
        counts: { size: 3 },
        diff: { added: 3 },
      });
    }
  });

  it('hands the store the run fence and signal only when the run has them', async () => {
    const source = await listFile(`${distinctIsins(3, 24).join('\n')}\n`);
    const store = failing('save', new Error('x'));
    await createIsinSync({ name: 'list', source, store })();
    const signal = new AbortController().signal;
    await createIsinSync({ name: 'list', source, store })({ fence: 0, signal });
    expect(store.saves).toEqual([{}, { fence: 0, signal }]);
  });

  it('throws ABORTED rather than failing when its signal aborted, whatever the store threw', async () => {
    const source = await listFile(`${distinctIsins(3, 26).join('\n')}\n`);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    const e = await createIsinSync({ name: 'list', source, store: failing('load', new Error('x')) })({
      signal: controller.signal,
    }).catch((error: unknown) => error);
    expect(isTickworkError(e, 'ABORTED')).toBe(true);
    expect((e as Error).message).toBe('ISIN sync list was aborted');
    // An ABORTED error from the store is passed through as it is.
    const own = new TickworkError('ABORTED', 'store aborted');
    const passed = await createIsinSync({ name: 'list', source, store: failing('save', own) })().catch(
      (error: unknown) => error,
    );
    expect(passed).toBe(own);
  });
});

describe('createIsinSync stages', () => {
  /** A store that takes a few milliseconds to load and save, and records the options of each call. */
  function slowStore(): IsinSnapshotStore & { calls: [string, unknown][] } {
    const inner = memoryIsinSnapshotStore();
    const calls: [string, unknown][] = [];
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
    return {
      calls,
      load: async (name, options) => {
        calls.push(['load', options]);
        await pause();
        return inner.load(name, options);
      },
      save: async (name, snapshot, options) => {
        calls.push(['save', options]);
        await pause();
        return inner.save(name, snapshot, options);
      },
    };
  }

  it('times each stage within the run, and leaves the stages it did not reach at 0', async () => {
    const store = slowStore();
    const sync = createIsinSync({
      name: 'list',
      source: await listFile(`${distinctIsins(3, 28).join('\n')}\n`),
      store,
    });
    for (const status of ['updated', 'not-modified'] as const) {
      const before = performance.now();
      const r = await sync();
      const elapsed = performance.now() - before;
      expect(r.status).toBe(status);
      const t = r.timings;
      expect(t.totalMs).toBeLessThanOrEqual(elapsed);
      expect(t.loadMs + t.fetchMs + t.diffMs + t.saveMs).toBeLessThanOrEqual(t.totalMs);
      expect(t.loadMs).toBeGreaterThan(0);
      expect(t.fetchMs).toBeGreaterThan(0);
      if (status === 'updated') expect(t.saveMs).toBeGreaterThan(0);
      else expect({ diffMs: t.diffMs, saveMs: t.saveMs }).toEqual({ diffMs: 0, saveMs: 0 });
    }
    const failed = await createIsinSync({ name: 'list', source: join(dir, 'missing.txt'), store })();
    expect(failed.status).toBe('failed');
    expect(failed.timings.loadMs).toBeGreaterThan(0);
    expect({ diffMs: failed.timings.diffMs, saveMs: failed.timings.saveMs }).toEqual({ diffMs: 0, saveMs: 0 });
  });

  it('reports the time of the stage that failed, not 0', async () => {
    const source = await listFile(`${distinctIsins(3, 32).join('\n')}\n`);
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
    const inner = memoryIsinSnapshotStore();
    const loadFails: IsinSnapshotStore = {
      load: async () => {
        await pause();
        throw new Error('load failed');
      },
      save: inner.save,
    };
    const load = await createIsinSync({ name: 'list', source, store: loadFails })();
    expect(load).toMatchObject({ status: 'failed', code: 'INTERNAL' });
    expect(load.timings.loadMs).toBeGreaterThan(0);
    expect(load.timings.totalMs).toBeGreaterThanOrEqual(load.timings.loadMs);
    const saveFails: IsinSnapshotStore = {
      load: inner.load,
      save: async () => {
        await pause();
        throw new Error('save failed');
      },
    };
    const save = await createIsinSync({ name: 'list', source, store: saveFails })();
    expect(save).toMatchObject({ status: 'failed', reason: 'Cannot save the snapshot: save failed' });
    expect(save.timings.saveMs).toBeGreaterThan(0);
    expect(save.timings.totalMs).toBeGreaterThanOrEqual(save.timings.saveMs);
    const fetch = await createIsinSync({ name: 'list', source: join(dir, 'missing.txt'), store: inner })();
    expect(fetch.status).toBe('failed');
    expect(fetch.timings.fetchMs).toBeGreaterThan(0);
    expect(fetch.timings.fetchMs).toBeLessThanOrEqual(fetch.timings.totalMs);
  });

  it('hands the store the run signal on load only when the run has one', async () => {
    const store = slowStore();
    const source = await listFile(`${distinctIsins(3, 30).join('\n')}\n`);
    await createIsinSync({ name: 'list', source, store })();
    const signal = new AbortController().signal;
    await createIsinSync({ name: 'list', source: await listFile(`${distinctIsins(4, 30).join('\n')}\n`), store })({
      signal,
      fence: 3,
    });
    expect(store.calls).toEqual([
      ['load', {}],
      ['save', {}],
      ['load', { signal }],
      ['save', { fence: 3, signal }],
    ]);
  });
});

describe('createIsinSync options at their bounds', () => {
  it('refuses each option just outside its range, word for word, and takes the value at the bound', () => {
    const store = memoryIsinSnapshotStore();
    const base: CreateIsinSyncOptions = { name: 'list', source: '/tmp/list.txt', store };
    const refusals: [Partial<CreateIsinSyncOptions>, string, string, unknown][] = [
      [{ name: '' }, 'INVALID_OPTION', 'Expected `name` to be a non-empty string, got ""', { option: 'name' }],
      [{ name: 'a/b' }, 'VALIDATION', 'Invalid snapshot name "a/b"', undefined],
      [
        { store: undefined as never },
        'INVALID_OPTION',
        'Expected `store` to be an IsinSnapshotStore',
        { option: 'store' },
      ],
      [
        { store: { save: store.save } as never },
        'INVALID_OPTION',
        'Expected `store` to be an IsinSnapshotStore',
        { option: 'store' },
      ],
      [
        { source: undefined as never },
        'INVALID_OPTION',
        'Expected `source` to be a URL, a path or a source spec',
        { option: 'source' },
      ],
      [
        { gates: { minRows: -1 } },
        'INVALID_OPTION',
        'Expected `gates.minRows` to be an integer ≥ 0, got -1',
        { option: 'gates.minRows' },
      ],
      [
        { gates: { maxRemovedRatio: -0.01 } },
        'INVALID_OPTION',
        'Expected `gates.maxRemovedRatio` to be a number from 0 to 1, got -0.01',
        { option: 'gates.maxRemovedRatio' },
      ],
      [
        { gates: { maxRemovedRatio: 1.01 } },
        'INVALID_OPTION',
        'Expected `gates.maxRemovedRatio` to be a number from 0 to 1, got 1.01',
        { option: 'gates.maxRemovedRatio' },
      ],
      [
        { gates: { maxInvalidRatio: -0.01 } },
        'INVALID_OPTION',
        'Expected `gates.maxInvalidRatio` to be a number from 0 to 1, got -0.01',
        { option: 'gates.maxInvalidRatio' },
      ],
      [
        { gates: { maxInvalidRatio: 1.01 } },
        'INVALID_OPTION',
        'Expected `gates.maxInvalidRatio` to be a number from 0 to 1, got 1.01',
        { option: 'gates.maxInvalidRatio' },
      ],
      [
        { diffSample: -1 },
        'INVALID_OPTION',
        'Expected `diffSample` to be an integer ≥ 0, got -1',
        { option: 'diffSample' },
      ],
    ];
    for (const [patch, code, message, details] of refusals) {
      const e = thrown(() => createIsinSync({ ...base, ...patch }));
      expect(isTickworkError(e, code as never), message).toBe(true);
      expect(e.message).toBe(message);
      if (details !== undefined) expect(e.details, message).toEqual(details);
    }
    expect(thrown(() => createIsinSync(undefined as never)).message).toBe(
      'Expected `name` to be a non-empty string, got undefined',
    );
    for (const patch of [
      { gates: { minRows: 0, maxRemovedRatio: 0, maxInvalidRatio: 0 } },
      { gates: { maxRemovedRatio: 1, maxInvalidRatio: 1 } },
      { gates: {} },
      { diffSample: 0 },
    ]) {
      expect(typeof createIsinSync({ ...base, ...patch })).toBe('function');
    }
  });
});
