import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProofStore } from '../../src/domain/proof-store.js';
import { codeOf, shot } from '../domain/fixture.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** ProofStore conformance: content-addressed put/get/has. */
export function proofStoreSuite(
  name: string,
  open: () => Promise<{ store: ProofStore; close(): Promise<void> }>,
): void {
  describe(`ProofStore on ${name}`, () => {
    let store: ProofStore;
    let close: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      ({ store, close } = await open());
    });
    // After a failed set-up there is nothing to close, and the set-up error is the one to report.
    afterAll(() => close?.());

    it('stores bytes under their SHA-256 and reads them back as a copy', async () => {
      const bytes = shot(1);
      const key = sha(bytes);
      expect(await store.has(key)).toBe(false);
      expect(await store.get(key)).toBeUndefined();
      await store.put(key, bytes);
      await store.put(key, bytes);
      expect(await store.has(key)).toBe(true);
      const back = await store.get(key);
      expect(back).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(back as Uint8Array).equals(Buffer.from(bytes))).toBe(true);
      (back as Uint8Array)[0] = 0;
      expect((await store.get(key))?.[0]).toBe(bytes[0]);
    });

    it('refuses bytes that do not match the key, and keys that are not a SHA-256', async () => {
      const bytes = shot(2);
      expect(await codeOf(store.put(sha(shot(3)), bytes))).toBe('VALIDATION');
      expect(await store.has(sha(shot(3)))).toBe(false);
      for (const bad of ['../../etc/passwd', 'ABC', sha(bytes).toUpperCase(), '']) {
        expect(await codeOf(store.put(bad, bytes))).toBe('VALIDATION');
        expect(await codeOf(store.get(bad))).toBe('VALIDATION');
      }
    });

    it('keeps one copy when the same bytes are put concurrently', async () => {
      const bytes = shot(4);
      const key = sha(bytes);
      await Promise.all(Array.from({ length: 10 }, () => store.put(key, bytes)));
      expect(Buffer.from((await store.get(key)) as Uint8Array).equals(Buffer.from(bytes))).toBe(true);
    });
  });
}
