import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProofStore } from '../domain/proof-store.js';
import type { MaybePromise } from '../types.js';
import { codeOf } from './code-of.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
/**
 * Distinct bytes per seed behind a PNG signature. The port stores opaque bytes, so the suite needs no real
 * image; the non-zero first byte lets the copy check see a change.
 */
const shot = (seed: number): Uint8Array =>
  Uint8Array.from([0x89, 0x50, 0x4e, 0x47, ...createHash('sha512').update(`proof ${seed}`).digest()]);

/** What the proof-store suite's factory answers: a store and how to dispose of it. */
export interface ProofStoreHandle {
  /** The store under test. The suite's keys are the hashes of its own bytes, so a shared store is fine. */
  readonly store: ProofStore;
  /** Called once after the suite's last test. */
  readonly close?: () => MaybePromise<void>;
}

/**
 * Registers the `ProofStore` conformance tests (a `describe` block named after `name`): content-addressed
 * `put`/`get`/`has`, reads that are copies, `VALIDATION` for bytes that do not match their key and for keys
 * that are not a lowercase SHA-256. `open` is called once.
 *
 * @example
 * ```ts
 * import { memoryProofStore } from 'tickwork/memory';
 * import { proofStoreConformance } from 'tickwork/testing';
 *
 * proofStoreConformance('memory', () => ({ store: memoryProofStore() }));
 * ```
 */
export function proofStoreConformance(name: string, open: () => MaybePromise<ProofStoreHandle>): void {
  describe(`ProofStore on ${name}`, () => {
    let store: ProofStore;
    let close: ProofStoreHandle['close'];
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
