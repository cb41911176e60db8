/**
 * Redis adapters. They take a client you built (ioredis or node-redis) and never import a driver.
 *
 * @module tickwork/redis
 */
export {};
