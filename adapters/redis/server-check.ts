/**
 * Start-up checks of the Redis lock: wait for a client that is still connecting (bounded), refuse a server
 * too old for its scripts, and warn about an eviction policy that could drop lock keys.
 */

import { TickworkError, waitForBackend } from '../../src/adapter-kit.js';
import type { Logger } from '../../src/index.js';
import { type SendCommand, translateRedisError, withTimeout } from './redis-client.js';

/** The oldest Redis the lock's scripts run on (`TIME` before writes needs effects replication, Redis 5). */
export const MIN_REDIS_MAJOR = 5;

/** What {@link checkRedisServer} needs. */
export interface RedisServerCheck {
  readonly send: SendCommand;
  readonly logger: Logger;
  readonly signal?: AbortSignal | undefined;
  readonly connectTimeout: number;
  readonly commandTimeout: number;
}

/**
 * Pings until the server answers (a client built with `enableOfflineQueue: false` refuses commands while it
 * connects), at most `connectTimeout` ms; then reads the version and the eviction policy — of every master
 * when the client is a cluster client.
 */
export async function checkRedisServer(c: RedisServerCheck): Promise<void> {
  await waitForBackend({
    name: 'Redis',
    ask: (remainingMs) => withTimeout(c.send(['PING']), Math.min(c.commandTimeout, remainingMs), 'PING'),
    translate: (error) => {
      const translated = translateRedisError(error, 'PING');
      // A reply that never came is a server that does not answer yet, whatever the driver said.
      return translated.code === 'INTERNAL'
        ? translated
        : new TickworkError('UNAVAILABLE', translated.message, { cause: error });
    },
    timeoutMs: c.connectTimeout,
    logger: c.logger,
    signal: c.signal,
  });
  for (const node of await nodesToCheck(c)) {
    const version = await readVersion(c, node);
    if (version !== undefined && Number(version.split('.')[0]) < MIN_REDIS_MAJOR) {
      throw new TickworkError(
        'UNAVAILABLE',
        `Redis ${version}${where(node)} is too old for the lock: it needs Redis ${MIN_REDIS_MAJOR} or newer`,
        { details: { version, minimum: `${MIN_REDIS_MAJOR}.0.0`, ...fields(node) } },
      );
    }
    await warnAboutEviction(c, node);
  }
}

/** A server to check: the client's only one, or one master of a cluster (with its address). */
interface CheckedNode {
  readonly address?: string | undefined;
  readonly send: (args: string[]) => Promise<unknown>;
}

/**
 * Every master of a cluster client (version and `maxmemory-policy` are per node, and a keyless command
 * through the cluster client reaches just one of them); the client itself otherwise, or when the cluster
 * cannot list its masters.
 */
async function nodesToCheck(c: RedisServerCheck): Promise<readonly CheckedNode[]> {
  if (!c.send.masters) return [{ send: c.send }];
  try {
    const masters = await withTimeout(c.send.masters(), c.commandTimeout, 'cluster masters');
    if (masters.length > 0) return masters;
    c.logger.info({}, 'the Redis Cluster client lists no masters; checking one node');
  } catch (error) {
    c.logger.info(
      { err: translateRedisError(error, 'cluster masters') },
      'could not reach every Redis Cluster master; checking one node',
    );
  }
  return [{ send: c.send }];
}

const fields = (node: CheckedNode) => (node.address === undefined ? {} : { node: node.address });
const where = (node: CheckedNode) => (node.address === undefined ? '' : ` on ${node.address}`);

async function readVersion(c: RedisServerCheck, node: CheckedNode): Promise<string | undefined> {
  try {
    const info = String(await withTimeout(node.send(['INFO', 'server']), c.commandTimeout, 'INFO'));
    return /redis_version:([0-9.]+)/.exec(info)?.[1];
  } catch (error) {
    c.logger.info(
      { err: translateRedisError(error, 'INFO'), ...fields(node) },
      'could not read the Redis version; not checked',
    );
    return undefined;
  }
}

async function warnAboutEviction(c: RedisServerCheck, node: CheckedNode): Promise<void> {
  // Leases and markers carry TTLs: volatile-* and allkeys-* policies evict them first.
  let policy: string | undefined;
  try {
    const reply = (await withTimeout(
      node.send(['CONFIG', 'GET', 'maxmemory-policy']),
      c.commandTimeout,
      'CONFIG GET',
    )) as string[] | Record<string, string>;
    policy = Array.isArray(reply) ? reply[1] : reply['maxmemory-policy'];
  } catch (error) {
    c.logger.info(
      { err: translateRedisError(error, 'CONFIG GET'), ...fields(node) },
      'could not read maxmemory-policy; not checked',
    );
    return;
  }
  if (policy !== undefined && policy !== 'noeviction') {
    c.logger.warn(
      { maxmemoryPolicy: policy, ...fields(node) },
      `Redis maxmemory-policy${where(node)} is "${policy}": under memory pressure it can evict lock keys, so a lease could be lost early. Use "noeviction".`,
    );
  }
}
