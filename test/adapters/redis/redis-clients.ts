/** Real ioredis and node-redis clients for the Redis adapter tests, and cleanup of a test's key prefix. */
import { Redis } from 'ioredis';
import { Redis as Redis6 } from 'ioredis6';
import { createClient } from 'redis';
import { createClient as createClient6 } from 'redis6';
import type { RedisLikeClient } from '../../../adapters/redis/redis-client.js';
import { REDIS_URL } from '../../helpers/services.js';

/** A connected ioredis client. */
export function ioredisClient(url = REDIS_URL): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: false });
}

/** A connected node-redis v5 client. */
export async function nodeRedisClient(url = REDIS_URL) {
  const client = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Deletes every key under `prefix` (never anything else on the shared server). */
export async function deletePrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}

/** A connected client of one driver major, and how to close it. */
export interface OpenedRedisClient {
  /** The client, as the Redis adapters take it. */
  readonly client: RedisLikeClient;
  /** Disconnects the client. */
  close(): Promise<void>;
}

/** One driver major the Redis adapters support. */
export interface RedisClientKind {
  /** The driver and its major, as test titles show it: `ioredis 5`, `node-redis 6`. */
  readonly name: string;
  /** Connects a new client to `REDIS_URL`. */
  open(): Promise<OpenedRedisClient>;
}

/**
 * Every driver major the Redis adapters are tested with; the optional peer ranges of `ioredis` and `redis` in
 * package.json name exactly these majors. The second major of each driver is an npm-alias dev dependency
 * (`"ioredis6": "npm:ioredis@^6.0.0"`, `"redis6": "npm:redis@^6.3.1"`), so one install holds both majors.
 */
export const REDIS_CLIENTS: readonly RedisClientKind[] = [
  {
    name: 'ioredis 5',
    async open() {
      const client = ioredisClient();
      return { client, close: async () => void client.disconnect() };
    },
  },
  {
    name: 'ioredis 6',
    async open() {
      const client = new Redis6(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: false });
      return { client, close: async () => void client.disconnect() };
    },
  },
  {
    name: 'node-redis 5',
    async open() {
      const client = await nodeRedisClient();
      return { client, close: () => client.close() };
    },
  },
  {
    name: 'node-redis 6',
    async open() {
      const client = createClient6({ url: REDIS_URL });
      client.on('error', () => {});
      await client.connect();
      return { client, close: () => client.close() };
    },
  },
];
