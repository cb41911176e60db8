/**
 * The API suite against both examples: in memory, and on a real PostgreSQL (a fresh schema per server) with
 * the Redis scheduler lock (a fresh key prefix per server).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isolatedPool } from '../../test/helpers/postgres.js';
import {
  DATABASE_URL,
  describeWithPostgres,
  describeWithRedis,
  REDIS_URL,
  randomSuffix,
} from '../../test/helpers/services.js';
import { apiSuite } from './api.suite.js';
import { ADMIN, client, FRAMEWORKS, type Framework, startTestServer, withSearchPath } from './harness.js';
import { makePng } from './png.js';

const frameworks = Object.keys(FRAMEWORKS) as Framework[];

describe('examples in memory', () => {
  for (const framework of frameworks) apiSuite(framework, () => ({}));
});

describeWithPostgres('examples on PostgreSQL', () => {
  describeWithRedis('and Redis', () => {
    const schemas: { close(): Promise<void> }[] = [];
    afterAll(async () => {
      for (const schema of schemas) await schema.close();
    });
    for (const framework of frameworks) {
      apiSuite(framework, async () => {
        const isolated = await isolatedPool(1);
        schemas.push(isolated);
        return {
          DATABASE_URL: withSearchPath(DATABASE_URL, isolated.schema),
          REDIS_URL,
          REDIS_PREFIX: `tw-test-${randomSuffix()}:`,
        };
      });
    }
  });
});

describe('examples with file storage', () => {
  it('keeps proofs and ISIN snapshots in PROOF_DIR and ISIN_SNAPSHOT_DIR', async () => {
    const root = await mkdtemp(join(tmpdir(), 'tickwork-examples-'));
    const server = await startTestServer('fastify', {
      PROOF_DIR: join(root, 'proofs'),
      ISIN_SNAPSHOT_DIR: join(root, 'isin'),
    });
    try {
      const http = client(server.url);
      const admin = (await http.post('/auth/login', ADMIN)).body.token;
      const app = await http.post(
        '/apps',
        {
          name: 'Files',
          packageName: 'com.example.files',
          storeUrl: 'https://example.com/files',
          category: 'Tools',
          points: 3,
        },
        admin,
      );
      const { token } = await http.signUp('files@example.com');
      const task = (await http.post(`/apps/${app.body.id}/claim`, undefined, token)).body.id;
      const png = makePng(12, 12, 9);
      expect((await http.upload(`/tasks/${task}/proof`, png, token)).status).toBe(200);
      expect((await http.get(`/tasks/${task}/proof`, token)).bytes.equals(png)).toBe(true);
      const stored = await readdir(join(root, 'proofs'), { recursive: true });
      expect(stored.some((name) => name.includes(createHash('sha256').update(png).digest('hex')))).toBe(true);
      expect((await http.post('/isin/sync', undefined, admin)).status).toBe(200);
      expect((await readdir(join(root, 'isin'))).length).toBeGreaterThan(0);
    } finally {
      await server.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
