/** A services world for tests: cheap scrypt, a controllable clock, and helpers to make actors. */

import { memoryProofStore } from '../../adapters/memory/proof-store.js';
import { type CreateServicesOptions, createServices, type Services } from '../../src/domain/create-services.js';
import type { ProofStore } from '../../src/domain/proof-store.js';
import type { Repositories } from '../../src/domain/repositories.js';
import type { PublicUser } from '../../src/domain/user.js';
import type { TickworkError } from '../../src/errors.js';
import { png } from './images.js';

export { codeOf } from '../../src/testing/code-of.js';

/** Cheap scrypt parameters: the hashing code path is the same, only the cost is lower. */
export const TEST_SCRYPT = { N: 1024, r: 8, p: 1 } as const;

/** A world: services, a clock to move, and actor helpers. */
export interface World {
  services: Services;
  repositories: Repositories;
  proofs: ProofStore;
  clock: { now(): number; advance(ms: number): void };
  admin(name?: string): Promise<PublicUser>;
  user(name?: string): Promise<PublicUser>;
  app(admin: PublicUser, points?: number): Promise<string>;
}

let counter = 0;

/** Builds services over `repositories` with a fake clock starting at 2026-01-01. */
export function world(repositories: Repositories, options: Partial<CreateServicesOptions> = {}): World {
  let now = Date.UTC(2026, 0, 1);
  const clock = {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
  const proofs = options.proofs ?? memoryProofStore();
  const services = createServices({ repositories, proofs, clock, scrypt: TEST_SCRYPT, ...options });
  const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;
  return {
    services,
    repositories,
    proofs,
    clock,
    async admin(name = 'admin') {
      return services.users.bootstrapAdmin({
        email: `${name}-${unique()}@example.com`,
        password: 'admin secret 1',
        name,
      });
    },
    async user(name = 'user') {
      return services.users.register({ email: `${name}-${unique()}@example.com`, password: 'user secret 1', name });
    },
    async app(admin, points = 50) {
      const pkg = `com.example.a${unique()}`;
      const app = await services.apps.create(admin, {
        name: `App ${pkg}`,
        packageName: pkg,
        storeUrl: `https://play.google.com/store/apps/details?id=${pkg}`,
        category: 'Tools',
        points,
      });
      return app.id;
    },
  };
}

/** A distinct valid PNG per seed. */
export const shot = (seed = 0): Uint8Array => png(4, 4, seed);

/** The error `promise` rejects with, as `{ code, message, details }`. */
export async function failure(promise: Promise<unknown>) {
  const error = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as TickworkError | undefined;
  return error && { code: error.code, message: error.message, details: error.details };
}
