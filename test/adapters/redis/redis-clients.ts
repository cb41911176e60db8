/** Real ioredis and node-redis clients for the Redis adapter tests, and cleanup of a test's key prefix. */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
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
