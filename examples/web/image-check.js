/**
 * Checks a chosen screenshot in the browser before it is sent: PNG, JPEG or WebP by its first bytes (the
 * name and the browser's guessed type are not trusted, as the server does not trust them either), and the
 * size against the server's limit. The server checks again; this only saves a pointless upload.
 */

const KINDS = [
  { type: 'PNG', test: (b) => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => b[i] === v) },
  { type: 'JPEG', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  {
    type: 'WebP',
    test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP',
  },
];

function ascii(bytes, from, to) {
  return String.fromCharCode(...bytes.subarray(from, to));
}

/** The image type of `bytes` (`PNG`, `JPEG`, `WebP`), or null. */
export function sniffImage(bytes) {
  return KINDS.find((kind) => kind.test(bytes))?.type ?? null;
}

/** `{ ok: true, type }` or `{ ok: false, message }` for `file`, given the server's `maxBytes`. */
export async function checkImage(file, maxBytes, formatBytes) {
  if (file.size === 0) return { ok: false, message: `${file.name} is empty.` };
  if (file.size > maxBytes) {
    return {
      ok: false,
      message: `${file.name} is ${formatBytes(file.size)}; screenshots may be at most ${formatBytes(maxBytes)}.`,
    };
  }
  const head = new Uint8Array(await file.slice(0, 12).arrayBuffer());
  const type = sniffImage(head);
  if (!type) {
    return {
      ok: false,
      message: `${file.name} is not a PNG, JPEG or WebP image. Choose a screenshot in one of those.`,
    };
  }
  return { ok: true, type };
}
