import { PassThrough, Readable } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';

/** A CliIo over buffers: `out()`/`err()` return what the command wrote; `stdin` is the given text. */
export function memoryIo(stdin = '', env: NodeJS.ProcessEnv = {}): CliIo & { out(): string; err(): string } {
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
    stderr: err.stream,
    stdin: Readable.from([Buffer.from(stdin)]),
    env,
    out: out.text,
    err: err.text,
  };
}
