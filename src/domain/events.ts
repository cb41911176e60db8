import { channel } from 'node:diagnostics_channel';
import type { Logger } from '../types.js';
import type { Role } from './actor.js';
import type { TaskStatus } from './task.js';

/**
 * The `node:diagnostics_channel` name the domain services publish their events on. Subscribe to count or log
 * them; every message is a {@link DomainEvent}, published once, after the change it reports is stored (after the
 * transaction commits), never for a change that was refused or rolled back.
 *
 * @example
 * ```ts
 * import { subscribe } from 'node:diagnostics_channel';
 * import { DOMAIN_EVENTS_CHANNEL, type DomainEvent } from 'tickwork';
 *
 * const counts = new Map<string, number>();
 * subscribe(DOMAIN_EVENTS_CHANNEL, (message) => {
 *   const { type } = message as DomainEvent;
 *   counts.set(type, (counts.get(type) ?? 0) + 1);
 * });
 * ```
 */
export const DOMAIN_EVENTS_CHANNEL = 'tickwork:domain';

/**
 * What the domain services publish on {@link DOMAIN_EVENTS_CHANNEL}: a `type` and the ids of what changed.
 * Messages carry ids, amounts and statuses only, never an email, a name, a password or a token, so they may be
 * logged as they are.
 */
export type DomainEvent =
  | {
      /** An account was created (`register`, `bootstrapAdmin`). */
      readonly type: 'user:registered';
      /** The new user. */
      readonly userId: string;
    }
  | {
      /** `setRole` made a user an admin. */
      readonly type: 'user:promoted';
      /** The user promoted. */
      readonly userId: string;
      /** The admin who did it. */
      readonly actorId: string;
    }
  | {
      /** `setRole` took admin away from a user. */
      readonly type: 'user:demoted';
      /** The user demoted. */
      readonly userId: string;
      /** The admin who did it (the user themself when stepping down). */
      readonly actorId: string;
      /** The role the user has now. */
      readonly role: Role;
    }
  | {
      /** An admin created an app. */
      readonly type: 'app:created';
      /** The new app. */
      readonly appId: string;
      /** The admin. */
      readonly actorId: string;
    }
  | {
      /** An admin changed an app (deactivating it and listing it again included). */
      readonly type: 'app:updated';
      /** The app. */
      readonly appId: string;
      /** The admin. */
      readonly actorId: string;
      /** Whether the app is listed after the change. */
      readonly active: boolean;
    }
  | {
      /** A user claimed an app. */
      readonly type: 'task:claimed';
      /** The new task. */
      readonly taskId: string;
      /** The app claimed. */
      readonly appId: string;
      /** The user. */
      readonly userId: string;
    }
  | {
      /** A proof was accepted for a task. */
      readonly type: 'task:submitted';
      /** The task. */
      readonly taskId: string;
      /** Its owner. */
      readonly userId: string;
      /** Which submission this is (1 for the first proof). */
      readonly submission: number;
    }
  | {
      /** An admin approved or rejected a task. */
      readonly type: 'task:approved' | 'task:rejected';
      /** The task. */
      readonly taskId: string;
      /** Its owner. */
      readonly userId: string;
      /** The reviewing admin. */
      readonly reviewerId: string;
      /** The task's status now. */
      readonly status: TaskStatus;
    }
  | {
      /** Points were written to the ledger: an approval's award, or an admin's adjustment. */
      readonly type: 'points:awarded' | 'points:adjusted';
      /** The ledger entry. */
      readonly entryId: string;
      /** Whose points. */
      readonly userId: string;
      /** Signed whole points. */
      readonly amount: number;
      /** The admin behind it. */
      readonly actorId: string;
    };

/**
 * Every event type, in the order the lifecycle meets them.
 *
 * @example
 * ```ts
 * import { DOMAIN_EVENT_TYPES } from 'tickwork';
 *
 * // A counter per type, all at zero, for a metrics endpoint.
 * const counts = Object.fromEntries(DOMAIN_EVENT_TYPES.map((type) => [type, 0]));
 * ```
 */
export const DOMAIN_EVENT_TYPES: readonly DomainEvent['type'][] = [
  'user:registered',
  'user:promoted',
  'user:demoted',
  'app:created',
  'app:updated',
  'task:claimed',
  'task:submitted',
  'task:approved',
  'task:rejected',
  'points:awarded',
  'points:adjusted',
];

/** Publishes one event: on the channel when someone listens, and to the logger at info level. @internal */
export type PublishEvent = (event: DomainEvent) => void;

const domainChannel = channel(DOMAIN_EVENTS_CHANNEL);

/**
 * The publisher the services share. Called only once the change is stored; a subscriber or logger that throws
 * must not turn a stored change into a failed call.
 * @internal
 */
export function eventPublisher(logger: Logger | undefined): PublishEvent {
  return (event) => {
    // Building nothing for nobody: the channel is skipped without subscribers (a cheap flag check).
    // A subscriber that throws does not reach the caller: diagnostics_channel reports it on the next tick.
    if (domainChannel.hasSubscribers) domainChannel.publish(event);
    if (logger) {
      try {
        logger.info({ event }, event.type);
      } catch {
        // A failing logger does not undo a stored change.
      }
    }
  };
}
