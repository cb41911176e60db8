import { PassThrough, Readable } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';

/**
 * A CliIo over buffers: `out()`/`err()` return what the command wrote; `stdin` is the given text. With
 * `{ tty: true }` stderr claims to be a terminal, as it is for a person at a shell.
 */
export function memoryIo(
  stdin = '',
  env: NodeJS.ProcessEnv = {},
  options: { tty?: boolean } = {},
): CliIo & { out(): string; err(): string } {
  const collect = () => {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
  };
  const out = collect();
  const err = collect();
  return {
    stdout: out.stream,
    stderr: Object.assign(err.stream, { isTTY: options.tty === true }),
    stdin: Readable.from([Buffer.from(stdin)]),
    env,
    out: out.text,
    err: err.text,
  };
}
