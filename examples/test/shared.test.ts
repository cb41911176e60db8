/** The framework-free pieces: configuration from the environment and the error mapping. */

import { createScheduler, isTickworkError, TickworkError } from 'tickwork';
import { memoryIsinSnapshotStore, memoryLock } from 'tickwork/memory';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { translatePgError } from '../../adapters/postgres/pg-errors.js';
import { loadConfig, SAMPLE_ISIN_LIST } from '../shared/config.js';
import { toHttpError } from '../shared/http-errors.js';
import { createIsinJob } from '../shared/isin-job.js';
import { createLogger } from '../shared/logger.js';
import { openApiDocument, ROUTES } from '../shared/openapi.js';
import { redactSource, redactSourceIn } from '../shared/redact-source.js';

describe('loadConfig', () => {
  it('defaults to memory, loopback, port 3000 and the bundled ISIN list', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 3000, databaseUrl: undefined, redisUrl: undefined });
    expect(config.isinSource).toBe(SAMPLE_ISIN_LIST);
    expect(config.adminPassword).toBeUndefined();
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', REDIS_URL: ' ' })).toMatchObject({
      databaseUrl: undefined,
      redisUrl: undefined,
    });
  });

  it('names every invalid variable at once', () => {
    try {
      loadConfig({ PORT: 'eighty', UPLOAD_MAX_BYTES: '-1', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (error) {
      expect(isTickworkError(error, 'INVALID_OPTION')).toBe(true);
      const names = ((error as TickworkError).details as { variables: { variable: string }[] }).variables.map(
        (v) => v.variable,
      );
      expect(names.sort()).toEqual(['LOG_LEVEL', 'PORT', 'UPLOAD_MAX_BYTES']);
    }
  });
});

describe('toHttpError', () => {
  it('keeps the code, status and details of a TickworkError', () => {
    const answer = toHttpError(new TickworkError('CONFLICT', 'taken', { details: { field: 'email' } }));
    expect(answer).toEqual({
      status: 409,
      body: { error: { code: 'CONFLICT', message: 'taken', details: { field: 'email' } } },
    });
  });

  it('maps parser limits to 413 and other client errors by status', () => {
    expect(toHttpError(Object.assign(new Error('File too large'), { code: 'LIMIT_FILE_SIZE' })).status).toBe(413);
    expect(
      toHttpError(
        Object.assign(new Error('request file too large'), { code: 'FST_REQ_FILE_TOO_LARGE', statusCode: 413 }),
      ).body.error.code,
    ).toBe('PAYLOAD_TOO_LARGE');
    expect(
      toHttpError(Object.assign(new Error('Unexpected end of JSON'), { status: 400, type: 'entity.parse.failed' })).body
        .error,
    ).toEqual({
      code: 'VALIDATION',
      message: 'Unexpected end of JSON',
    });
  });

  it('names a framework error by the first code of its status, and a zod error by its fields', () => {
    const coded = (status: number) =>
      toHttpError(Object.assign(new Error('x'), { statusCode: status })).body.error.code;
    expect([401, 403, 404, 409, 413, 415, 422, 429].map(coded)).toEqual([
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'NOT_FOUND',
      'CONFLICT',
      'PAYLOAD_TOO_LARGE',
      'UNSUPPORTED_MEDIA_TYPE',
      'UNPROCESSABLE',
      'RATE_LIMITED',
    ]);
    // A status no code stands for is still the client's fault.
    expect(coded(418)).toBe('VALIDATION');
    const zod = z.strictObject({ name: z.string() }).safeParse({ name: 1, colour: 'red' }).error;
    expect(toHttpError(zod).body.error).toMatchObject({
      code: 'VALIDATION',
      message: 'Invalid request: name, colour',
      details: { fields: [{ path: 'name' }, { path: 'colour', code: 'unrecognized_keys' }] },
    });
  });

  it('hides the message of an unexpected error', () => {
    expect(toHttpError(new Error('connection string postgres://secret@db'))).toEqual({
      status: 500,
      body: { error: { code: 'INTERNAL', message: 'Internal server error' } },
    });
    expect(toHttpError(Object.assign(new Error('upstream'), { statusCode: 502 })).status).toBe(500);
  });

  it('keeps the code of a server fault or a wrapped driver error, never its text or details', () => {
    const down = translatePgError(
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' }),
      'login',
    );
    expect(toHttpError(down)).toEqual({
      status: 503,
      body: { error: { code: 'UNAVAILABLE', message: 'A backing service is unavailable; try again later' } },
    });
    const nul = translatePgError(
      Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' }),
      'x',
    );
    expect(JSON.stringify(toHttpError(nul))).not.toMatch(/22021|UTF8|0x00/);
    const duplicate = translatePgError(
      Object.assign(new Error('duplicate key value violates unique constraint "tickwork_x"'), {
        code: '23505',
        constraint: 'tickwork_x',
      }),
      'insert',
    );
    expect(toHttpError(duplicate).body.error).toEqual({
      code: 'CONFLICT',
      message: expect.not.stringMatching(/tickwork_x|duplicate/),
    });
    // A message the services wrote around a driver error is for the client.
    const domain = new TickworkError('CONFLICT', 'An account with this email exists', {
      cause: duplicate,
      details: { field: 'email' },
    });
    expect(toHttpError(domain).body.error).toEqual({
      code: 'CONFLICT',
      message: 'An account with this email exists',
      details: { field: 'email' },
    });
  });
});

describe('redactSource', () => {
  it('drops user info, query string and fragment of a URL, and the directories of a path', () => {
    expect(redactSource('https://bot:s3cret@lists.example.com/a/isin.csv?token=abc#x')).toBe(
      'https://lists.example.com/a/isin.csv',
    );
    expect(redactSource('/srv/tickwork/data/isin.csv')).toBe('isin.csv');
    expect(redactSource('file:///srv/data/my%20list.csv')).toBe('my list.csv');
    expect(redactSource('C:\\lists\\isin.csv')).toBe('isin.csv');
    expect(redactSource(SAMPLE_ISIN_LIST)).toBe('isin-sample.csv');
    const url = 'https://bot:s3cret@lists.example.com/isin.csv?token=abc';
    expect(redactSourceIn(`Cannot reach ${url}: ${new URL(url).href} refused`, url)).toBe(
      'Cannot reach https://lists.example.com/isin.csv: https://lists.example.com/isin.csv refused',
    );
  });

  it("keeps the source's directories out of a failed run's reason in GET /isin/status", async () => {
    const scheduler = createScheduler({ lock: memoryLock() });
    const config = { ...loadConfig({}), isinSource: '/no/such/secret-dir/isin.csv', isinCron: '0 3 * * *' };
    const job = createIsinJob({
      scheduler,
      store: memoryIsinSnapshotStore(),
      config,
      logger: createLogger({ logLevel: 'silent' }),
    });
    await job.syncIfEmpty();
    const status = await job.status();
    expect(status.lastRun?.result.status).toBe('failed');
    expect(status.lastRun?.result.reason).toContain('isin.csv');
    expect(JSON.stringify(status)).not.toContain('secret-dir');
  });
});

describe('openApiDocument', () => {
  it('documents every route once, with its method', () => {
    const doc = openApiDocument() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(operations.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });
});
