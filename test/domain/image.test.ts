import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_IMAGE_LIMITS, inspectImage } from '../../src/domain/image.js';
import { isTickworkError } from '../../src/errors.js';
import { jpeg, png, svg, webpExtended, webpLossless, webpLossy } from './images.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isTickworkError(error) ? error.code : 'NOT_TICKWORK';
  }
  return undefined;
}

describe('inspectImage', () => {
  it('writes a PNG whose pixel data really inflates (so the fixture is a valid image)', () => {
    const bytes = Buffer.from(png(3, 2));
    const idatLength = bytes.readUInt32BE(33);
    expect(bytes.toString('ascii', 37, 41)).toBe('IDAT');
    expect(inflateSync(bytes.subarray(41, 41 + idatLength)).length).toBe(2 * (1 + 3 * 3));
  });

  it.each([
    ['PNG', png(1080, 2400), 'image/png', 1080, 2400],
    ['JPEG baseline', jpeg(1440, 3200), 'image/jpeg', 1440, 3200],
    ['JPEG progressive', jpeg(720, 1280, 0xc2), 'image/jpeg', 720, 1280],
    ['WebP lossy', webpLossy(1080, 1920), 'image/webp', 1080, 1920],
    ['WebP lossless', webpLossless(16383, 2), 'image/webp', 16383, 2],
    ['WebP extended', webpExtended(3000, 4000), 'image/webp', 3000, 4000],
  ])('reads %s type and size from the header', (_name, bytes, mime, width, height) => {
    expect(inspectImage(bytes)).toEqual({ mime, width, height, size: bytes.length });
  });

  it('refuses SVG, text, empty input and other formats as UNSUPPORTED_MEDIA_TYPE', () => {
    const gif = new TextEncoder().encode('GIF89a\x01\x00\x01\x00');
    for (const bytes of [svg, new TextEncoder().encode('hello'), new Uint8Array(), gif]) {
      expect(code(() => inspectImage(bytes))).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('refuses truncated headers of every format', () => {
    for (const bytes of [png(10, 10), jpeg(10, 10), webpLossy(10, 10), webpLossless(10, 10), webpExtended(10, 10)]) {
      const cut = bytes.subarray(0, bytes[0] === 0xff ? 90 : 18);
      expect(code(() => inspectImage(cut))).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('refuses a JPEG that reaches its scan before any frame header', () => {
    const noFrame = Uint8Array.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02, 0xff, 0xd9]);
    expect(code(() => inspectImage(noFrame))).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses a zero-sized image', () => {
    expect(code(() => inspectImage(png(0, 10)))).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses files above the byte cap and images above the pixel cap as PAYLOAD_TOO_LARGE', () => {
    const big = png(100, 100);
    expect(code(() => inspectImage(big, { maxBytes: big.length - 1, maxPixels: 1e9 }))).toBe('PAYLOAD_TOO_LARGE');
    expect(code(() => inspectImage(big, { maxBytes: big.length, maxPixels: 1e9 }))).toBeUndefined();
    // A pixel bomb: a tiny file announcing 20000 × 20000 pixels.
    const bomb = png(20000, 20000);
    expect(bomb.length).toBeLessThan(DEFAULT_IMAGE_LIMITS.maxBytes);
    expect(code(() => inspectImage(bomb))).toBe('PAYLOAD_TOO_LARGE');
    expect(code(() => inspectImage(webpExtended(16777216, 16777216)))).toBe('PAYLOAD_TOO_LARGE');
  });
});
