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
  | { readonly type: 'user:registered'; readonly userId: string }
  | { readonly type: 'user:promoted'; readonly userId: string; readonly actorId: string }
  | { readonly type: 'user:demoted'; readonly userId: string; readonly actorId: string; readonly role: Role }
  | { readonly type: 'app:created'; readonly appId: string; readonly actorId: string }
  | { readonly type: 'app:updated'; readonly appId: string; readonly actorId: string; readonly active: boolean }
  | { readonly type: 'task:claimed'; readonly taskId: string; readonly appId: string; readonly userId: string }
  | { readonly type: 'task:submitted'; readonly taskId: string; readonly userId: string; readonly submission: number }
  | {
      readonly type: 'task:approved' | 'task:rejected';
      readonly taskId: string;
      readonly userId: string;
      readonly reviewerId: string;
      readonly status: TaskStatus;
    }
  | {
      readonly type: 'points:awarded' | 'points:adjusted';
      readonly entryId: string;
      readonly userId: string;
      readonly amount: number;
      readonly actorId: string;
    };

/** Every event type, in the order the lifecycle meets them. */
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
