/**
 * Decompression of downloaded lists, decided by magic bytes (never by URL, extension or headers): gzip
 * (multi-member), zip (a streaming reader of local headers, with data descriptors) or none. Output is
 * bounded by a size and a ratio limit, so a bomb fails fast instead of filling the disk or memory.
 */
import type { Transform } from 'node:stream';
import { crc32, createGunzip, createInflateRaw } from 'node:zlib';
import { isTickworkError, TickworkError } from '../errors.js';
import { ByteQueue } from './byte-queue.js';

/** Limits on decompressed output. */
interface InflateLimits {
  /** Most decompressed bytes allowed. */
  readonly maxDecompressedBytes: number;
  /** Most decompressed bytes per compressed byte (checked after the first MiB). */
  readonly maxCompressionRatio: number;
}

/** What was found in the body. */
export interface Decoded {
  /** The compression found. */
  readonly compression: 'none' | 'gzip' | 'zip';
  /** The zip member read. */
  readonly member?: string;
  /** The list bytes. */
  readonly chunks: AsyncIterable<Uint8Array>;
}

const RETAIN = 4 * 1024 * 1024;

/** Resolves when the engine wants more input, or will never want any (ended, failed, closed). */
function drained(engine: Transform): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      engine.off('drain', done);
      engine.off('end', done);
      engine.off('close', done);
      resolve();
    };
    engine.on('drain', done);
    engine.on('end', done);
    engine.on('close', done);
  });
}

const upstream = (message: string, details?: Record<string, unknown>) =>
  new TickworkError('UPSTREAM', message, { details: { reason: 'corrupt', ...details } });

/**
 * Inflates from `q`: all of it (gzip), exactly `size` bytes, or — for a zip member with a data descriptor —
 * until the deflate stream ends, putting back the bytes that follow it. Yields output chunks.
 */
async function* inflate(
  kind: 'gzip' | 'raw',
  q: ByteQueue,
  size: number | undefined,
  limits: InflateLimits,
  onCrc?: (crc: number, length: number) => void,
): AsyncGenerator<Uint8Array> {
  const engine: Transform = kind === 'gzip' ? createGunzip() : createInflateRaw();
  const retained: Buffer[] = [];
  let retainedBytes = 0;
  let fed = 0;
  let ended = false;
  let out = 0;
  let crc = 0;
  engine.once('end', () => {
    ended = true;
  });
  const pump = (async () => {
    while (!ended && (size === undefined || fed < size)) {
      const chunk = await q.next(size === undefined ? undefined : size - fed);
      if (chunk === undefined) break;
      fed += chunk.length;
      retained.push(chunk);
      retainedBytes += chunk.length;
      while (retainedBytes - retained[0]!.length >= RETAIN) retainedBytes -= retained.shift()!.length;
      if (!engine.write(chunk) && !ended) await drained(engine);
    }
    if (!ended) engine.end();
  })().catch((error: unknown) => engine.destroy(error as Error));
  try {
    for await (const piece of engine as AsyncIterable<Buffer>) {
      out += piece.length;
      if (out > limits.maxDecompressedBytes) {
        throw new TickworkError('PAYLOAD_TOO_LARGE', `Decompressed list exceeds ${limits.maxDecompressedBytes} bytes`, {
          details: { reason: 'decompressed-size', limit: limits.maxDecompressedBytes },
        });
      }
      if (out > 1024 * 1024 && out / Math.max(fed, 1) > limits.maxCompressionRatio) {
        throw new TickworkError(
          'PAYLOAD_TOO_LARGE',
          `Compression ratio above ${limits.maxCompressionRatio}: a zip bomb?`,
          {
            details: { reason: 'compression-ratio', limit: limits.maxCompressionRatio },
          },
        );
      }
      if (onCrc) crc = crc32(piece, crc);
      yield piece;
    }
  } catch (error) {
    if (isTickworkError(error)) throw error;
    // Unexpected end of file, incorrect header check, invalid block type: the body is damaged or cut off.
    throw upstream(`Cannot decompress the list: ${(error as Error).message}`, { compression: kind });
  } finally {
    engine.destroy();
  }
  await pump;
  if (size !== undefined && fed < size) throw upstream('The zip member is cut off');
  if (size === undefined && kind === 'raw') {
    // Give back what followed the end of the deflate stream: the data descriptor, the next header.
    const consumed = (engine as unknown as { bytesWritten: number }).bytesWritten;
    let extra = fed - consumed;
    if (extra > retainedBytes) throw new TickworkError('INTERNAL', 'Lost track of the zip stream position');
    for (let i = retained.length - 1; i >= 0 && extra > 0; i--) {
      const b = retained[i]!;
      const n = Math.min(extra, b.length);
      q.unshift(b.subarray(b.length - n));
      extra -= n;
    }
  }
  onCrc?.(crc, out);
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const DESCRIPTOR = 0x08074b50;

async function* zipMember(
  q: ByteQueue,
  pick: (name: string) => boolean,
  limits: InflateLimits,
  found: (name: string) => void,
): AsyncGenerator<Uint8Array> {
  const names: string[] = [];
  let chosen = false;
  for (;;) {
    if (!(await q.fill(4))) throw upstream('The zip file ends before its central directory: cut off?');
    const signature = q.peek(4).readUInt32LE(0);
    if (signature === CENTRAL) {
      if (chosen) {
        // Drain the central directory: a connection that breaks there still fails the download.
        while ((await q.next()) !== undefined) {}
        return;
      }
      throw new TickworkError('UNSUPPORTED_MEDIA_TYPE', 'No member of the zip file matches the pattern', {
        details: { reason: 'no-member', members: names.slice(0, 20) },
      });
    }
    if (signature !== LOCAL) throw upstream('Not a valid zip file (bad local header)');
    if (!(await q.fill(30))) throw upstream('The zip file is cut off in a header');
    const h = q.take(30);
    const flags = h.readUInt16LE(6);
    const method = h.readUInt16LE(8);
    const crc = h.readUInt32LE(14);
    let compressed = h.readUInt32LE(18);
    const uncompressed = h.readUInt32LE(22);
    const variable = h.readUInt16LE(26) + h.readUInt16LE(28);
    if (!(await q.fill(variable))) throw upstream('The zip file is cut off in a header');
    const name = q.take(variable).subarray(0, h.readUInt16LE(26)).toString('utf8');
    names.push(name);
    const descriptor = (flags & 8) !== 0;
    if ((flags & 1) !== 0) throw new TickworkError('UNSUPPORTED_MEDIA_TYPE', `Zip member ${name} is encrypted`);
    if (compressed === 0xffffffff || uncompressed === 0xffffffff) {
      throw new TickworkError('UNSUPPORTED_MEDIA_TYPE', `Zip member ${name} needs Zip64, which is not supported`);
    }
    if (method !== 0 && method !== 8) {
      throw new TickworkError('UNSUPPORTED_MEDIA_TYPE', `Zip member ${name} uses compression method ${method}`);
    }
    const wanted = !chosen && !name.endsWith('/') && pick(name);
    if (wanted) found(name);
    let actual = { crc: 0, length: 0 };
    const track = (c: number, length: number) => {
      actual = { crc: c, length };
    };
    if (method === 0) {
      if (descriptor) throw new TickworkError('UNSUPPORTED_MEDIA_TYPE', `Stored zip member ${name} has no size`);
      let left = compressed;
      let c = 0;
      while (left > 0) {
        const chunk = await q.next(left);
        if (chunk === undefined) throw upstream('The zip member is cut off');
        left -= chunk.length;
        if (wanted) {
          c = crc32(chunk, c);
          yield chunk;
        }
      }
      actual = { crc: c, length: compressed };
    } else if (wanted) {
      yield* inflate('raw', q, descriptor ? undefined : compressed, limits, track);
    } else {
      // Skipped members are inflated and discarded when only a data descriptor knows their size.
      if (descriptor) for await (const _ of inflate('raw', q, undefined, limits)) void _;
      else {
        for (let left = compressed; left > 0; ) {
          const chunk = await q.next(left);
          if (chunk === undefined) throw upstream('The zip member is cut off');
          left -= chunk.length;
        }
      }
    }
    let expectedCrc = crc;
    let expectedLength = uncompressed;
    if (descriptor) {
      if (!(await q.fill(12))) throw upstream('The zip file is cut off after a member');
      if (q.peek(4).readUInt32LE(0) === DESCRIPTOR) q.take(4);
      if (!(await q.fill(12))) throw upstream('The zip file is cut off after a member');
      const d = q.take(12);
      expectedCrc = d.readUInt32LE(0);
      compressed = d.readUInt32LE(4);
      expectedLength = d.readUInt32LE(8);
    }
    if (wanted) {
      if (actual.crc !== expectedCrc || actual.length !== expectedLength) {
        throw upstream(`Zip member ${name} fails its CRC-32 or size check`);
      }
      chosen = true;
    }
  }
}

/** Checks the first bytes of the list: a `<` (HTML, XML) means an error page, not a list. */
async function* refuseMarkup(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let checked = false;
  for await (const chunk of chunks) {
    if (!checked) {
      let i = 0;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
      while (i < chunk.length && (chunk[i] === 0x20 || chunk[i] === 0x09 || chunk[i] === 0x0a || chunk[i] === 0x0d))
        i++;
      if (i < chunk.length) {
        checked = true;
        if (chunk[i] === 0x3c) {
          throw new TickworkError('UPSTREAM', 'The server sent an HTML (or XML) page instead of a list', {
            details: { reason: 'html', start: Buffer.from(chunk.subarray(i, i + 80)).toString('latin1') },
          });
        }
      }
    }
    yield chunk;
  }
}

/**
 * Decides the compression from the first bytes of `body` and returns the decompressed list bytes.
 * `pickMember` chooses the zip member (the first match is read).
 */
export async function decodeBody(
  body: AsyncIterable<Uint8Array>,
  pickMember: (name: string) => boolean,
  limits: InflateLimits,
): Promise<Decoded> {
  const q = new ByteQueue(body);
  await q.fill(4);
  const head = q.peek(4);
  if (head[0] === 0x1f && head[1] === 0x8b) {
    return { compression: 'gzip', chunks: refuseMarkup(inflate('gzip', q, undefined, limits)) };
  }
  if (head.length === 4 && head.readUInt32LE(0) === LOCAL) {
    const decoded: { compression: 'zip'; member?: string; chunks: AsyncIterable<Uint8Array> } = {
      compression: 'zip',
      chunks: refuseMarkup(
        zipMember(q, pickMember, limits, (name) => {
          decoded.member = name;
        }),
      ),
    };
    return decoded;
  }
  async function* raw(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const chunk = await q.next();
      if (chunk === undefined) return;
      yield chunk;
    }
  }
  return { compression: 'none', chunks: refuseMarkup(raw()) };
}
