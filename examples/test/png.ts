/** A real PNG encoder for the tests: signature, IHDR, one zlib IDAT and IEND, each chunk with its CRC-32. */
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * An RGB PNG of `width` × `height` pixels. `seed` varies the colours, so two calls with different seeds give
 * different bytes (and different SHA-256s); `padding` appends an ancillary text chunk to reach large sizes.
 */
export function makePng(width: number, height: number, seed = 0, padding = 0): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      row[1 + x * 3] = (x * 7 + seed) & 0xff;
      row[2 + x * 3] = (y * 13 + seed * 3) & 0xff;
      row[3 + x * 3] = (x + y + seed * 5) & 0xff;
    }
    rows.push(row);
  }
  const chunks = [chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows)))];
  if (padding > 0) chunks.push(chunk('tEXt', Buffer.concat([Buffer.from('Comment\0'), Buffer.alloc(padding, 0x61)])));
  chunks.push(chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ...chunks]);
}
