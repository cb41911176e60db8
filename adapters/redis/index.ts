/**
 * Redis adapters. They take a client you built (ioredis or node-redis) and never import a driver.
 *
 * @module tickwork/redis
 */
export type { RedisLockOptions } from './lock.js';
export { redisLock } from './lock.js';
export type {
  IoredisLikeClient,
  IoredisLikeNode,
  NodeRedisClusterLikeClient,
  NodeRedisClusterNode,
  NodeRedisLikeClient,
  RedisLikeClient,
} from './redis-client.js';
