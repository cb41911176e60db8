import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fsIsinSnapshotStore } from '../../adapters/fs/isin-snapshot-store.js';
import { memoryIsinSnapshotStore } from '../../adapters/memory/isin-snapshot-store.js';
import { isTickworkError, TickworkError } from '../../src/errors.js';
import type { IsinSnapshotStore } from '../../src/isin/snapshot-store.js';
import { createIsinSync } from '../../src/isin/sync.js';
import { distinctIsins } from './generate.js';
import { startServer, type TestServer } from './http-server.js';
import { zip } from './zip-writer.js';

const csv = (isins: readonly string[], extra: readonly string[] = []) =>
  Buffer.from(
    `LEI,ISIN\n${[...isins, ...extra].map((isin, i) => `LEI${String(i).padStart(17, '0')},${isin}`).join('\n')}\n`,
  );

const base = distinctIsins(1000, 42);
const fast = { retry: { minTimeout: 1, maxTimeout: 5, retries: 1 }, timeout: 2000 };

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** A server whose answer the test swaps between runs. */
async function serve(): Promise<{ url: string; next(body: (res: import('node:http').ServerResponse) => void): void }> {
  let answer: (res: import('node:http').ServerResponse) => void = (res) => res.end(csv(base));
  server = await startServer((_req, res) => answer(res));
  return {
    url: server.url,
    next(body) {
      answer = body;
    },
  };
}

async function seeded(store: IsinSnapshotStore) {
  const s = await serve();
  const sync = createIsinSync({ name: 'list', source: s.url, store, ...fast });
  const first = await sync({ fence: 1 });
  expect(first.status).toBe('updated');
  expect(first.diff).toMatchObject({ added: 1000, removed: 0 });
  return { s, sync };
}

async function expectIntact(store: IsinSnapshotStore) {
  const current = await store.load('list');
  expect(current!.set.size).toBe(base.length);
  expect([...current!.set]).toEqual([...base].sort());
}

describe.each([
  ['memory', async () => memoryIsinSnapshotStore()],
  [
    'fs',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'tickwork-isin-sync-'));
      dirs.push(dir);
      return fsIsinSnapshotStore({ dir });
    },
  ],
])('createIsinSync with the %s store', (_name, makeStore) => {
  it('updates with a correct diff when the list really changed', async () => {
    const store = await makeStore();
    const { s, sync } = await seeded(store);
    const added = distinctIsins(5, 99).filter((x) => !base.includes(x));
    const kept = base.slice(2);
    s.next((res) => res.end(csv(kept, added)));
    const r = await sync({ fence: 2 });
    expect(r.status).toBe('updated');
    expect(r.diff).toMatchObject({ added: added.length, removed: 2, unchanged: 998 });
    expect(r.diff!.addedSample).toEqual([...added].sort());
    expect(r.diff!.removedSample).toEqual(base.slice(0, 2).sort());
    expect((await store.load('list'))!.set.size).toBe(998 + added.length);
    expect((await store.load('list'))!.fence).toBe(2);
  });

  it('keeps the old snapshot when the list lost 30 % of its ISINs', async () => {
    const store = await makeStore();
    const { s, sync } = await seeded(store);
    s.next((res) => res.end(csv(base.slice(300))));
    const r = await sync({ fence: 2 });
    expect(r).toMatchObject({ status: 'rejected', code: 'MAX_REMOVED_RATIO' });
    expect(r.diff).toMatchObject({ removed: 300 });
    await expectIntact(store);
  });

  it('keeps the old snapshot when the server fails, sends HTML, truncated gzip or a zip bomb', async () => {
    const store = await makeStore();
    const { s, sync } = await seeded(store);
    const gz = gzipSync(csv(base));
    const bomb = zip([{ name: 'list.csv', data: Buffer.alloc(16 * 1024 * 1024, 0x30) }]);
    const cases: [(res: import('node:http').ServerResponse) => void, string][] = [
      [(res) => res.writeHead(503).end(), 'UPSTREAM'],
      [(res) => res.end('<!doctype html><title>Error</title>'), 'UPSTREAM'],
      [(res) => res.end(gz.subarray(0, gz.length - 40)), 'UPSTREAM'],
      [(res) => res.end(bomb), 'PAYLOAD_TOO_LARGE'],
      [(res) => res.writeHead(404).end(), 'UPSTREAM'],
    ];
    for (const [answer, code] of cases) {
      s.next(answer);
      const r = await sync({ fence: 2 });
      expect(r, code).toMatchObject({ status: 'failed', code });
      expect(r.reason).toBeTruthy();
      await expectIntact(store);
    }
  });

  it('rejects too many invalid rows, too few rows and a cut-off quoted record', async () => {
    const store = await makeStore();
    const { s, sync } = await seeded(store);
    const bad = base.slice(0, 50).map((x) => `${x.slice(0, 11)}${(Number(x[11]) + 1) % 10}`);
    s.next((res) => res.end(csv(base, bad)));
    expect(await sync()).toMatchObject({ status: 'rejected', code: 'MAX_INVALID_RATIO' });
    s.next((res) => res.end(`${csv(base)}"unterminated,US0378331005\n`));
    expect(await sync()).toMatchObject({ status: 'rejected', code: 'INCOMPLETE' });
    const strict = createIsinSync({ name: 'list', source: s.url, store, gates: { minRows: 1001 }, ...fast });
    s.next((res) => res.end(csv(base.slice(1))));
    expect(await strict()).toMatchObject({ status: 'rejected', code: 'MIN_ROWS' });
    await expectIntact(store);
  });

  it('says not-modified for a 304 and for an unchanged body', async () => {
    const store = await makeStore();
    const { s, sync } = await seeded(store);
    expect((await sync({ fence: 2 })).status).toBe('not-modified'); // same body, same SHA-256
    s.next((res) => res.writeHead(304).end());
    expect((await sync({ fence: 3 })).status).toBe('not-modified');
    await expectIntact(store);
  });

  it('refuses a stale fencing token and keeps the newer snapshot', async () => {
    const store = await makeStore();
    const { s, sync } = await seeded(store);
    await store.save('list', (await store.load('list'))!, { fence: 10 });
    s.next((res) => res.end(csv(base.slice(10))));
    const r = await sync({ fence: 5 });
    expect(r).toMatchObject({ status: 'failed', code: 'STALE_FENCE' });
    await expectIntact(store);
  });

  it('checks the lease right before saving: a run whose lease may have expired keeps the old snapshot', async () => {
    const store = await makeStore();
    const { s, sync } = await seeded(store);
    s.next((res) => res.end(csv(base.slice(1))));
    const r = await sync({
      fence: 6,
      assertLease: () => {
        throw new TickworkError('LEASE_LOST', 'lease gone');
      },
    });
    expect(r).toMatchObject({ status: 'failed', code: 'LEASE_LOST' });
    await expectIntact(store);
  });

  it('runs under a scheduler job context and throws ABORTED when aborted', async () => {
    const store = await makeStore();
    const { s, sync } = await seeded(store);
    const logged: string[] = [];
    const logger = { debug() {}, info: (_f: unknown, m: string) => logged.push(m), warn() {}, error() {} };
    const ctx = {
      name: 'isin',
      tick: new Date(),
      tickId: 'isin@1',
      attempt: 1,
      signal: new AbortController().signal,
      fence: 4,
      catchUp: false,
      logger,
      assertLease: () => {},
      leaseRemainingMs: () => 30_000,
    };
    s.next((res) => res.end(csv(base.slice(1))));
    expect((await sync(ctx)).status).toBe('updated');
    expect(logged.length).toBe(1);
    s.next(() => {}); // hangs
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await sync({ signal: controller.signal, fence: 5 }).catch((e: unknown) => e);
    expect(isTickworkError(error, 'ABORTED')).toBe(true);
    expect((await store.load('list'))!.set.size).toBe(999);
  });
});

describe('createIsinSync options', () => {
  it('checks them up front', () => {
    const store = memoryIsinSnapshotStore();
    expect(() => createIsinSync({ name: '../x', source: 'x', store })).toThrow();
    expect(() => createIsinSync({ name: 'x', source: 'x', store, gates: { maxRemovedRatio: 2 } })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
});
