import { TickworkError } from '../errors.js';
import type { ProofRef } from './task.js';

/** Limits applied to a proof image before anything else looks at it. */
export interface ImageLimits {
  /** Largest file accepted, in bytes. @default 5 MiB */
  readonly maxBytes: number;
  /** Largest width × height accepted, read from the header (a decompression bomb is small on disk). @default 40 000 000 */
  readonly maxPixels: number;
}

/**
 * Default limits: 5 MiB and 40 megapixels, generous for any phone screenshot.
 *
 * @example
 * ```ts
 * import { createServices, DEFAULT_IMAGE_LIMITS } from 'tickwork';
 * import { memoryProofStore, memoryRepositories } from 'tickwork/memory';
 *
 * // Half the default byte cap, the default pixel cap.
 * const services = createServices({
 *   repositories: memoryRepositories(),
 *   proofs: memoryProofStore(),
 *   maxProofBytes: DEFAULT_IMAGE_LIMITS.maxBytes / 2,
 * });
 * ```
 */
export const DEFAULT_IMAGE_LIMITS: ImageLimits = { maxBytes: 5 * 1024 * 1024, maxPixels: 40_000_000 };

/** What {@link inspectImage} reads from the bytes. */
export type ImageInfo = Pick<ProofRef, 'mime' | 'width' | 'height' | 'size'>;

const unsupported = (reason: string) =>
  new TickworkError('UNSUPPORTED_MEDIA_TYPE', `Proof must be a PNG, JPEG or WebP image (${reason})`, {
    details: { accepted: ['image/png', 'image/jpeg', 'image/webp'], reason },
  });

const be16 = (b: Uint8Array, i: number) => ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
const be32 = (b: Uint8Array, i: number) => be16(b, i) * 65536 + be16(b, i + 2);
const le16 = (b: Uint8Array, i: number) => (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8);
const le24 = (b: Uint8Array, i: number) => le16(b, i) + (b[i + 2] ?? 0) * 65536;
const ascii = (b: Uint8Array, i: number, s: string) => [...s].every((c, k) => b[i + k] === c.charCodeAt(0));

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function png(b: Uint8Array): [number, number] {
  // The first chunk must be IHDR, 13 bytes long: width and height are its first two fields.
  if (b.length < 24 || be32(b, 8) !== 13 || !ascii(b, 12, 'IHDR')) throw unsupported('truncated or malformed PNG');
  return [be32(b, 16), be32(b, 20)];
}

function jpeg(b: Uint8Array): [number, number] {
  let i = 2;
  // Walk the marker segments until a start-of-frame; each step moves forward, so this ends.
  while (i + 1 < b.length) {
    if (b[i] !== 0xff) throw unsupported('malformed JPEG marker');
    let marker = b[i + 1] ?? 0;
    while (marker === 0xff && i + 2 < b.length) marker = b[++i + 1] ?? 0;
    i += 2;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // standalone markers
    if (marker === 0xd9 || marker === 0xda) break; // end of image or scan before any frame header
    if (i + 2 > b.length) break;
    const length = be16(b, i);
    if (length < 2) throw unsupported('malformed JPEG segment');
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (i + 7 > b.length) break;
      return [be16(b, i + 5), be16(b, i + 3)];
    }
    i += length;
  }
  throw unsupported('truncated JPEG: no frame header');
}

function webp(b: Uint8Array): [number, number] {
  const data = 20;
  // Bytes each chunk type needs after its header: VP8 10, VP8L 5, VP8X 10.
  const need = ascii(b, 12, 'VP8L') ? 5 : 10;
  if (b.length < data + need) throw unsupported('truncated WebP');
  if (ascii(b, 12, 'VP8 ')) {
    // Lossy: a 3-byte frame tag, the start code 9d 01 2a, then 14-bit width and height.
    if (b[data + 3] !== 0x9d || b[data + 4] !== 0x01 || b[data + 5] !== 0x2a) throw unsupported('malformed WebP VP8');
    return [le16(b, data + 6) & 0x3fff, le16(b, data + 8) & 0x3fff];
  }
  if (ascii(b, 12, 'VP8L')) {
    // Lossless: signature 0x2f, then width−1 and height−1 in 14 bits each.
    if (b[data] !== 0x2f) throw unsupported('malformed WebP VP8L');
    const bits = le16(b, data + 1) + ((b[data + 3] ?? 0) << 16) + (b[data + 4] ?? 0) * 2 ** 24;
    return [(bits & 0x3fff) + 1, (Math.floor(bits / 2 ** 14) & 0x3fff) + 1];
  }
  if (ascii(b, 12, 'VP8X')) {
    // Extended: flags, 3 reserved bytes, then canvas width−1 and height−1 in 24 bits each.
    return [le24(b, data + 4) + 1, le24(b, data + 7) + 1];
  }
  throw unsupported('unknown WebP chunk');
}

/**
 * Decides the type of an image from its magic bytes (the client's name and header are never asked), reads
 * width × height from the header without decoding, and applies the limits.
 * Throws `PAYLOAD_TOO_LARGE` above a limit and `UNSUPPORTED_MEDIA_TYPE` for anything else than PNG, JPEG or
 * WebP, including SVG and truncated headers.
 *
 * @example
 * ```ts
 * const { mime, width, height } = inspectImage(bytes, { maxBytes: 5 << 20, maxPixels: 40e6 });
 * ```
 */
export function inspectImage(bytes: Uint8Array, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): ImageInfo {
  if (bytes.length > limits.maxBytes) {
    throw new TickworkError('PAYLOAD_TOO_LARGE', `Proof is larger than ${limits.maxBytes} bytes`, {
      details: { limit: limits.maxBytes, size: bytes.length },
    });
  }
  let mime: ImageInfo['mime'];
  let size: [number, number];
  if (PNG_SIGNATURE.every((v, i) => bytes[i] === v)) {
    mime = 'image/png';
    size = png(bytes);
  } else if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    mime = 'image/jpeg';
    size = jpeg(bytes);
  } else if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) {
    mime = 'image/webp';
    size = webp(bytes);
  } else {
    throw unsupported('unrecognised content');
  }
  const [width, height] = size;
  if (width < 1 || height < 1) throw unsupported('zero width or height');
  if (width * height > limits.maxPixels) {
    throw new TickworkError('PAYLOAD_TOO_LARGE', `Proof has more than ${limits.maxPixels} pixels`, {
      details: { limit: limits.maxPixels, width, height },
    });
  }
  return { mime, width, height, size: bytes.length };
}
