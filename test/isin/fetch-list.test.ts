import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isTickworkError } from '../../src/errors.js';
import type { FetchIsinListOptions } from '../../src/isin/fetch-list.js';
import { fetchIsinList } from '../../src/isin/fetch-list.js';
import { gleifIsinLei } from '../../src/isin/presets.js';
import { gleif, six } from './fixtures.js';
import { startServer, type TestServer } from './http-server.js';
import { zip } from './zip-writer.js';

const retry = { minTimeout: 5, maxTimeout: 20, retries: 3 };
const fast: FetchIsinListOptions = { retry };
const list = gleif(400, 21);
const expected = [...list.isins].sort();

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const codeOf = async (p: Promise<unknown>) => {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isTickworkError(error), String(error)).toBe(true);
  return error as { code: string; details?: Record<string, unknown> };
};

describe('fetchIsinList over HTTP', () => {
  it('retries 500s and then reads the list', async () => {
    server = await startServer((_req, res, n) => {
      if (n < 2) res.writeHead(500).end('oops');
      else res.writeHead(200, { 'content-type': 'text/csv' }).end(list.bytes);
    });
    const r = await fetchIsinList(server.url, fast);
    expect(r.status).toBe('fetched');
    if (r.status !== 'fetched') return;
    expect([...r.list.set]).toEqual(expected);
    expect(r.meta).toMatchObject({ attempts: 3, compression: 'none', bytes: list.bytes.length });
    expect(r.meta.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(server.requests).toHaveLength(3);
  });

  it('retries after a dropped connection', async () => {
    server = await startServer((req, res, n) => {
      if (n === 0) req.socket.destroy();
      else res.end(list.bytes);
    });
    expect((await fetchIsinList(server.url, fast)).status).toBe('fetched');
    expect(server.requests).toHaveLength(2);
  });

  it('honours Retry-After on 429', async () => {
    server = await startServer((_req, res, n) => {
      if (n === 0) res.writeHead(429, { 'retry-after': '1' }).end();
      else res.end(list.bytes);
    });
    expect((await fetchIsinList(server.url, { retry: { ...retry, minTimeout: 0 } })).status).toBe('fetched');
    const [first, second] = server.requests;
    // The wait comes from Retry-After (1 s), not from the 0 ms backoff.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it('gives up at once on a Retry-After beyond the limit', async () => {
    server = await startServer((_req, res) => res.writeHead(429, { 'retry-after': '3600' }).end());
    const e = await codeOf(fetchIsinList(server.url, { retry: { ...retry, maxRetryAfter: 60_000 } }));
    expect(e.code).toBe('RATE_LIMITED');
    expect(server.requests).toHaveLength(1);
  });

  it('never retries a 404', async () => {
    server = await startServer((_req, res) => res.writeHead(404).end('not here'));
    const e = await codeOf(fetchIsinList(server.url, fast));
    expect(e.code).toBe('UPSTREAM');
    expect(e.details).toMatchObject({ status: 404, retryable: false });
    expect(server.requests).toHaveLength(1);
  });

  it('times out a hanging server, per attempt, and retries', async () => {
    server = await startServer(() => {}); // never answers
    // Each attempt must last long enough for its request to reach the server (one process, a loaded machine).
    const e = await codeOf(fetchIsinList(server.url, { retry: { ...retry, retries: 1 }, timeout: 2000 }));
    expect(e.code).toBe('TIMEOUT');
    expect(server.requests).toHaveLength(2);
  });

  it('times out a body that stalls halfway', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(list.bytes.length) });
      res.write(list.bytes.subarray(0, 1000));
    });
    const e = await codeOf(fetchIsinList(server.url, { retry: { ...retry, retries: 0 }, timeout: 200 }));
    expect(e.code).toBe('TIMEOUT');
  });

  it('refuses a truncated gzip without retrying', async () => {
    const gz = gzipSync(list.bytes);
    server = await startServer((_req, res) => res.end(gz.subarray(0, gz.length >> 1)));
    const e = await codeOf(fetchIsinList(server.url, fast));
    expect(e.code).toBe('UPSTREAM');
    expect(e.details).toMatchObject({ reason: 'corrupt' });
    expect(server.requests).toHaveLength(1);
  });

  it('reads gzip by its magic bytes whatever the headers say', async () => {
    const gz = gzipSync(list.bytes);
    server = await startServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(gz));
    const r = await fetchIsinList(server.url, fast);
    expect(r.status === 'fetched' && [...r.list.set]).toEqual(expected);
    expect(r.meta.compression).toBe('gzip');
  });

  it('refuses an HTML error page served with 200', async () => {
    server = await startServer((_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/csv' })
        .end('\n  <!DOCTYPE html><html><body>Request Rate Threshold Exceeded</body></html>'),
    );
    const e = await codeOf(fetchIsinList(server.url, fast));
    expect(e.code).toBe('UPSTREAM');
    expect(e.details).toMatchObject({ reason: 'html' });
  });

  it('reads the matching member of a zip, data descriptors included', async () => {
    const body = zip([
      { name: 'README.txt', data: Buffer.from('not this one\n'.repeat(50)), descriptor: true },
      { name: 'stored.bin', data: Buffer.from('raw'), method: 0 },
      { name: 'lei-isin-20261123T081545.csv', data: list.bytes, descriptor: true },
      { name: 'lei-isin-later.csv', data: Buffer.from('LEI,ISIN\nX,US0378331005\n') },
    ]);
    server = await startServer((_req, res) => res.end(body));
    const r = await fetchIsinList(gleifIsinLei({ url: server.url }), fast);
    expect(r.status === 'fetched' && [...r.list.set]).toEqual(expected);
    expect(r.meta).toMatchObject({ compression: 'zip', member: 'lei-isin-20261123T081545.csv' });
    expect(server.requests[0]!.headers.accept).toBe('*/*');
  });

  it('refuses a zip whose member fails its CRC, and a zip cut off', async () => {
    const good = zip([{ name: 'list.csv', data: list.bytes }]);
    const bad = Buffer.from(good);
    bad.writeUInt32LE((bad.readUInt32LE(14) ^ 1) >>> 0, 14); // CRC in the local header
    server = await startServer((_req, res, n) => res.end(n === 0 ? bad : good.subarray(0, good.length >> 1)));
    expect((await codeOf(fetchIsinList(server.url, fast))).code).toBe('UPSTREAM');
    expect((await codeOf(fetchIsinList(server.url, fast))).code).toBe('UPSTREAM');
  });

  it('refuses a zip without a matching member', async () => {
    server = await startServer((_req, res) => res.end(zip([{ name: 'other.json', data: Buffer.from('{}') }])));
    expect((await codeOf(fetchIsinList(server.url, fast))).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('stops a zip bomb by its ratio and by the size limit', async () => {
    const bomb = zip([{ name: 'lei-isin-bomb.csv', data: Buffer.alloc(24 * 1024 * 1024, 0x41) }]);
    server = await startServer((_req, res) => res.end(bomb));
    const ratio = await codeOf(fetchIsinList(server.url, fast));
    expect(ratio.code).toBe('PAYLOAD_TOO_LARGE');
    expect(ratio.details).toMatchObject({ reason: 'compression-ratio' });
    const size = await codeOf(
      fetchIsinList(server.url, { ...fast, maxCompressionRatio: 1e6, maxDecompressedBytes: 4 * 1024 * 1024 }),
    );
    expect(size.details).toMatchObject({ reason: 'decompressed-size' });
  });

  it('sends validators and takes a 304 as not-modified', async () => {
    server = await startServer((req, res) => {
      if (req.headers['if-none-match'] === '"v1"') res.writeHead(304).end();
      else res.writeHead(200, { etag: '"v1"', 'last-modified': 'Mon, 23 Nov 2026 07:15:00 GMT' }).end(list.bytes);
    });
    const first = await fetchIsinList(server.url, fast);
    expect(first.status).toBe('fetched');
    expect(first.meta).toMatchObject({ etag: '"v1"', lastModified: 'Mon, 23 Nov 2026 07:15:00 GMT' });
    const second = await fetchIsinList(server.url, { ...fast, previous: first.meta });
    expect(second.status).toBe('not-modified');
    expect(server.requests[1]!.headers['if-modified-since']).toBe('Mon, 23 Nov 2026 07:15:00 GMT');
  });

  it('takes an unchanged body (same SHA-256) as not-modified', async () => {
    server = await startServer((_req, res) => res.end(list.bytes));
    const first = await fetchIsinList(server.url, fast);
    const second = await fetchIsinList(server.url, { ...fast, previous: { sha256: first.meta.sha256! } });
    expect(second.status).toBe('not-modified');
    expect(second.meta.sha256).toBe(first.meta.sha256);
  });

  it('skips the download when a resolver reports the same version key', async () => {
    server = await startServer((_req, res) => res.end(list.bytes));
    const url = server.url;
    const source = { url: async () => ({ url, versionKey: 'isin-lei-20261123T081545.zip' }) };
    const first = await fetchIsinList(source, fast);
    expect(first.meta.versionKey).toBe('isin-lei-20261123T081545.zip');
    const second = await fetchIsinList(source, { ...fast, previous: first.meta });
    expect(second.status).toBe('not-modified');
    expect(server.requests).toHaveLength(1);
  });

  it('reports progress and stops on abort with ABORTED', async () => {
    server = await startServer((_req, res) => res.end(list.bytes));
    const seen: number[] = [];
    await fetchIsinList(server.url, { ...fast, onProgress: (p) => seen.push(p.bytes) });
    expect(seen.at(-1)).toBe(list.bytes.length);
    const controller = new AbortController();
    const slow = await startServer(() => {});
    setTimeout(() => controller.abort(), 50);
    const e = await codeOf(fetchIsinList(slow.url, { ...fast, signal: controller.signal }));
    await slow.close();
    expect(e.code).toBe('ABORTED');
  });
});

describe('fetchIsinList from files', () => {
  it('reads a path and a file: URL, with parse options', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tickwork-isin-fetch-'));
    dirs.push(dir);
    const path = join(dir, 'six.csv.gz');
    const fixture = six();
    await writeFile(path, gzipSync(fixture.bytes));
    for (const source of [path, pathToFileURL(path)]) {
      const r = await fetchIsinList(source, { parse: { encoding: 'latin1' } });
      expect(r.status === 'fetched' && [...r.list.set]).toEqual([...fixture.isins].sort());
    }
    const missing = await codeOf(fetchIsinList(join(dir, 'missing.csv')));
    expect(missing.code).toBe('NOT_FOUND');
  });
});
