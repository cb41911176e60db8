import { createHash } from 'node:crypto';
import { isTickworkError, TickworkError } from '../../src/adapter-kit.js';
import { afterPendingReplies, type Deadlines } from './deadlines.js';

/** An ioredis client (`Redis` or `Cluster`): anything with `call(command, ...args)`. */
export interface IoredisLikeClient {
  /** Sends one command with its arguments. */
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
  /**
   * An ioredis `Cluster`'s node clients (`cluster.nodes('master')`): the start-up check reads the version and
   * eviction policy of each master. Absent on a single-node client.
   */
  nodes?(role: 'master'): readonly IoredisLikeNode[];
}

/** One node of an ioredis `Cluster`: a client of its own, with the address it was built with. */
export interface IoredisLikeNode {
  /** Sends one command to this node. */
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
  /** The options the node's client was built with: its address. */
  readonly options?: {
    /** The node's host. */
    readonly host?: string | undefined;
    /** The node's port. */
    readonly port?: number | undefined;
  };
}

/** A node-redis client, v5 or v6 (`createClient()`): anything with `sendCommand(args)`. */
export interface NodeRedisLikeClient {
  /** Sends one command given as an array of strings. */
  sendCommand(args: string[]): Promise<unknown>;
}

/**
 * A node-redis v5 cluster client (`createCluster()`). Its `sendCommand(firstKey, isReadonly, args)` routes by
 * `firstKey`: the adapter passes a script's first key (every key of one job shares a `{job}` hash tag, so
 * one slot), and `undefined` for keyless commands such as `PING`, which go to any node.
 */
export interface NodeRedisClusterLikeClient {
  /** Sends one command to the master of `firstKey`'s slot (any node when `undefined`). */
  sendCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: string[]): Promise<unknown>;
  /** The cluster's masters; its presence tells a cluster client from a single-node one. */
  readonly masters: readonly NodeRedisClusterNode[];
  /** A client connected to one node (the start-up check reads each master's version and eviction policy). */
  nodeClient(node: NodeRedisClusterNode): Promise<NodeRedisLikeClient>;
}

/** One node of a node-redis cluster, as listed in `cluster.masters`. */
export interface NodeRedisClusterNode {
  /** `host:port`. */
  readonly address?: string;
}

/**
 * Any client a Redis adapter accepts, typed structurally: ioredis 5 or 6 (`Redis`, `Cluster`) or node-redis
 * (`createClient()` of v5 or v6, `createCluster()` of v5).
 */
export type RedisLikeClient = IoredisLikeClient | NodeRedisLikeClient | NodeRedisClusterLikeClient;

/** Sends one command (`['GET', 'k']`) and resolves its reply. */
export interface SendCommand {
  (args: string[]): Promise<unknown>;
  /**
   * Set for a cluster client: one sender per master, for the start-up check (version and eviction policy
   * are per node; a keyless command through the cluster client reaches only one of them).
   */
  readonly masters?: () => Promise<readonly NodeSender[]>;
}

/** A sender bound to one node of a cluster. */
export interface NodeSender {
  /** `host:port` of the node. */
  readonly address: string;
  /** Sends one command to this node only. */
  readonly send: (args: string[]) => Promise<unknown>;
}

/**
 * The key a cluster routes a command by: the first key of `EVAL`/`EVALSHA` (`[cmd, script, numkeys, key…]`),
 * the key of `LPOP`, `undefined` for the keyless commands the adapters send (`PING`, `INFO`, `CONFIG`).
 */
function firstKey(args: readonly string[]): string | undefined {
  const command = args[0]?.toUpperCase();
  if ((command === 'EVALSHA' || command === 'EVAL') && Number(args[2]) > 0) return args[3];
  // The one plain keyed command the lock sends: taking a queued manual run is a bare `LPOP`, one command.
  if (command === 'LPOP') return args[1];
  return undefined;
}

/**
 * Detects the client kind once. ioredis also has a `sendCommand`, but it takes a `Command` object, so
 * `call` is checked first (an ioredis `Cluster` routes `call('EVALSHA', sha, n, key…)` by its first key
 * itself). A node-redis cluster has `masters` and needs the routing key passed explicitly.
 */
export function commandSender(client: RedisLikeClient): SendCommand {
  if (typeof (client as IoredisLikeClient)?.call === 'function') {
    const c = client as IoredisLikeClient;
    // `call` takes the command and its arguments; applying the array avoids copying it per call.
    // Each command goes out at once, never gathered into a pipeline per turn of the event loop: a pipeline
    // answers all its commands together, so concurrent callers would wait for the slowest and Redis would idle
    // while the client reads (measured: half the lock operations per second at concurrency 16).
    const send: SendCommand = (args) => Reflect.apply(c.call, c, args) as Promise<unknown>;
    if (typeof c.nodes !== 'function') return send;
    const nodes = c.nodes.bind(c);
    return Object.assign(send, {
      masters: async () =>
        nodes('master').map((n) => ({
          address: `${n.options?.host ?? '?'}:${n.options?.port ?? '?'}`,
          send: ([command, ...args]: string[]) => n.call(command ?? '', ...args),
        })),
    });
  }
  const cluster = client as NodeRedisClusterLikeClient;
  if (typeof cluster?.sendCommand === 'function' && Array.isArray(cluster.masters)) {
    // isReadonly false: the scripts write, so they must reach the master of their slot.
    const send: SendCommand = (args) => cluster.sendCommand(firstKey(args), false, args);
    return Object.assign(send, {
      masters: () =>
        Promise.all(
          cluster.masters.map(async (m) => {
            const node = await cluster.nodeClient(m);
            return { address: m.address ?? '?', send: (args: string[]) => node.sendCommand(args) };
          }),
        ),
    });
  }
  if (typeof (client as NodeRedisLikeClient)?.sendCommand === 'function') {
    const c = client as NodeRedisLikeClient;
    return (args) => c.sendCommand(args);
  }
  throw new TickworkError(
    'INVALID_OPTION',
    'Expected `client` to be an ioredis or node-redis client (single node or cluster)',
    {
      details: { option: 'client' },
    },
  );
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Rejects with `UNAVAILABLE` if the reply takes longer than `ms`: a dead connection must not hang a tick. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    const fail = () =>
      reject(new TickworkError('UNAVAILABLE', `Redis did not answer ${what} within ${ms} ms`, { details: { what } }));
    timer = setTimeout(() => afterPendingReplies(fail), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Driver errors become `UNAVAILABLE` (connection, loading, read-only replica) or `INTERNAL` (a script bug). The
 * driver's text stays in `cause`, never copied into the message, so a logger prints it once.
 */
export function translateRedisError(error: unknown, what: string): TickworkError {
  if (isTickworkError(error)) return error;
  const code = /^(ERR|WRONGTYPE)\b/.test(message(error)) ? 'INTERNAL' : 'UNAVAILABLE';
  return new TickworkError(code, `Redis ${what} failed`, { cause: error, details: { what } });
}

/** A Lua script run with EVALSHA, falling back to EVAL when the server answers NOSCRIPT (after a restart or flush). */
interface LuaScript {
  /** Runs the script. */
  run(keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}

/**
 * Prepares one Lua script for a sender. The command array is built once per call, without spreads, and the
 * reply deadline comes from `deadlines` (one timer shared by every call of the lock) rather than a timer per
 * call.
 */
export function luaScript(send: SendCommand, name: string, source: string, deadline: Deadlines): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    async run(keys, args) {
      const command = new Array<string>(3 + keys.length + args.length);
      command[0] = 'EVALSHA';
      command[1] = sha;
      command[2] = String(keys.length);
      let i = 3;
      for (const key of keys) command[i++] = key;
      for (const arg of args) command[i++] = String(arg);
      try {
        try {
          return await deadline.wrap(send(command), name);
        } catch (error) {
          if (!message(error).startsWith('NOSCRIPT')) throw error;
          // EVAL also loads the script into the cache, so the next call is an EVALSHA again.
          command[0] = 'EVAL';
          command[1] = source;
          return await deadline.wrap(send(command), name);
        }
      } catch (error) {
        throw translateRedisError(error, name);
      }
    },
  };
}
