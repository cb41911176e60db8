import type { Clock } from '../types.js';
import type { PublishEvent } from './events.js';
import type { ImageLimits } from './image.js';
import type { ScryptParams } from './password.js';
import type { ProofStore } from './proof-store.js';
import type { Repositories } from './repositories.js';

/** What every service shares, resolved from {@link CreateServicesOptions}. @internal */
export interface ServiceContext {
  readonly repositories: Repositories;
  readonly proofs: ProofStore;
  readonly clock: Clock;
  readonly ids: () => string;
  readonly sessionTtl: number;
  readonly scrypt: ScryptParams;
  readonly minPasswordLength: number;
  readonly imageLimits: ImageLimits;
  readonly now: () => Date;
  /** Publishes a domain event; call only after the change is stored. */
  readonly publish: PublishEvent;
}
