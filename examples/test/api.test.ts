/**
 * The API suite against both examples: in memory, and on a real PostgreSQL (a fresh schema per server) with
 * the Redis scheduler lock (a fresh key prefix per server).
 */
import { afterAll, describe } from 'vitest';
import { isolatedPool } from '../../test/helpers/postgres.js';
import {
  DATABASE_URL,
  describeWithPostgres,
  describeWithRedis,
  REDIS_URL,
  randomSuffix,
} from '../../test/helpers/services.js';
import { apiSuite } from './api.suite.js';
import { FRAMEWORKS, type Framework, withSearchPath } from './harness.js';

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
