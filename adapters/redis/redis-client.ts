import { createHash } from 'node:crypto';
import { TickworkError } from '../../src/errors.js';

/** An ioredis client (`Redis` or `Cluster`): anything with `call(command, ...args)`. */
export interface IoredisLikeClient {
  /** Sends one command with its arguments. */
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

/** A node-redis client, v5 or v6 (`createClient()`): anything with `sendCommand(args)`. */
export interface NodeRedisLikeClient {
  /** Sends one command given as an array of strings. */
  sendCommand(args: string[]): Promise<unknown>;
}

/** Any client a Redis adapter accepts: ioredis or node-redis (v5, v6), typed structurally. */
export type RedisLikeClient = IoredisLikeClient | NodeRedisLikeClient;

/** Sends one command (`['GET', 'k']`) and resolves its reply. */
export type SendCommand = (args: string[]) => Promise<unknown>;

/**
 * Detects the client kind once. ioredis also has a `sendCommand`, but it takes a `Command` object, so
 * `call` is checked first.
 */
export function commandSender(client: RedisLikeClient): SendCommand {
  if (typeof (client as IoredisLikeClient)?.call === 'function') {
    const c = client as IoredisLikeClient;
    return ([command, ...args]) => c.call(command ?? '', ...args);
  }
  if (typeof (client as NodeRedisLikeClient)?.sendCommand === 'function') {
    const c = client as NodeRedisLikeClient;
    return (args) => c.sendCommand(args);
  }
  throw new TickworkError('INVALID_OPTION', 'Expected `client` to be an ioredis or node-redis client.', {
    details: { option: 'client' },
  });
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Rejects with `UNAVAILABLE` if the reply takes longer than `ms`: a dead connection must not hang a tick. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new TickworkError('UNAVAILABLE', `Redis did not answer ${what} within ${ms} ms.`, { details: { what } }),
        ),
      ms,
    );
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Driver errors become `UNAVAILABLE` (connection, loading, read-only replica) or `INTERNAL` (a script bug). The
 * driver's text stays in `cause`, never copied into the message, so a logger prints it once.
 */
export function translateRedisError(error: unknown, what: string): TickworkError {
  if (error instanceof TickworkError) return error;
  const code = /^(ERR|WRONGTYPE)\b/.test(message(error)) ? 'INTERNAL' : 'UNAVAILABLE';
  return new TickworkError(code, `Redis ${what} failed`, { cause: error, details: { what } });
}

/** A Lua script run with EVALSHA, falling back to EVAL when the server answers NOSCRIPT (after a restart or flush). */
export interface LuaScript {
  /** Runs the script. */
  run(keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}

/** Prepares one Lua script for a sender. */
export function luaScript(send: SendCommand, name: string, source: string, timeoutMs: number): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    async run(keys, args) {
      const tail = [String(keys.length), ...keys, ...args.map(String)];
      try {
        try {
          return await withTimeout(send(['EVALSHA', sha, ...tail]), timeoutMs, name);
        } catch (error) {
          if (!message(error).startsWith('NOSCRIPT')) throw error;
          // EVAL also loads the script into the cache, so the next call is an EVALSHA again.
          return await withTimeout(send(['EVAL', source, ...tail]), timeoutMs, name);
        }
      } catch (error) {
        throw translateRedisError(error, name);
      }
    },
  };
}
