import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { TickworkError } from '../errors.js';

/** scrypt cost parameters. Stored with every hash, so raising them later leaves old hashes verifiable. */
export interface ScryptParams {
  /** CPU/memory cost, a power of two. @default 16384 */
  readonly N: number;
  /** Block size. @default 8 */
  readonly r: number;
  /** Parallelism. @default 1 */
  readonly p: number;
}

/**
 * OWASP's minimum for scrypt: N = 2^14, r = 8, p = 1 (about 16 MiB of memory per hash).
 *
 * @example
 * ```ts
 * import { createServices, DEFAULT_SCRYPT } from 'tickwork';
 * import { memoryProofStore, memoryRepositories } from 'tickwork/memory';
 *
 * // Twice the work per hash on a server with memory to spare.
 * const services = createServices({
 *   repositories: memoryRepositories(),
 *   proofs: memoryProofStore(),
 *   scrypt: { ...DEFAULT_SCRYPT, N: DEFAULT_SCRYPT.N * 2 },
 * });
 * ```
 */
export const DEFAULT_SCRYPT: ScryptParams = { N: 16384, r: 8, p: 1 };

const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem must exceed 128·N·r bytes or node refuses the parameters.
    const maxmem = 256 * params.N * params.r + 1024 * 1024;
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...params, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/**
 * Hashes a password with a fresh 16-byte salt: `scrypt$N$r$p$<salt>$<key>` (base64url).
 *
 * @example
 * ```ts
 * const stored = await hashPassword('correct horse battery');
 * await verifyPassword('correct horse battery', stored); // true
 * ```
 */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/**
 * Checks a password against a stored hash in constant time (for a given hash); `false` on any mismatch.
 *
 * @example
 * ```ts
 * if (!(await verifyPassword(input.password, user.passwordHash))) throw new TickworkError('UNAUTHENTICATED', 'Wrong password');
 * ```
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    throw new TickworkError('INTERNAL', 'Stored password hash has an unknown format');
  }
  const [, n, r, p, salt, key] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The password rules: 10 to 200 characters, not only one repeated character, not the email itself. */
export function passwordProblem(password: string, email: string, minLength: number): string | undefined {
  const length = [...password].length;
  if (length < minLength) return `Password must have at least ${minLength} characters`;
  if (length > 200) return 'Password must have at most 200 characters';
  if (new Set(password).size === 1) return 'Password must not repeat a single character';
  if (password.toLowerCase() === email) return 'Password must not be the email address';
  return undefined;
}
