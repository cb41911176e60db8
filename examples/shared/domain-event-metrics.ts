/**
 * `tickwork_domain_events_total{type}`: the domain services publish each business event (`task:approved`,
 * `points:awarded`, …) on the `tickwork:domain` diagnostics channel; this counts them by type.
 */
import { Counter, type Registry } from 'prom-client';
import { subscribeChannels } from './channel-subscriptions.js';

/** The channel the domain services publish their events on. */
export const DOMAIN_CHANNEL = 'tickwork:domain';

/** What an event type must look like to become a label; anything else is counted as `other`. */
const EVENT_TYPE = /^[a-z][a-z0-9._-]{0,40}(:[a-z][a-z0-9._-]{0,40})?$/;

/** Registers the counter on `registry` and counts every event published from now on. Returns the unsubscriber. */
export function countDomainEvents(registry: Registry, onError: (channel: string, error: unknown) => void): () => void {
  const events = new Counter({
    name: 'tickwork_domain_events_total',
    help: 'Domain events (task:approved, points:awarded, …) by type',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  return subscribeChannels(
    {
      [DOMAIN_CHANNEL]: (message) => {
        // The type becomes a label: a value outside the expected shape must not create a series of its own.
        const type = typeof message.type === 'string' && EVENT_TYPE.test(message.type) ? message.type : 'other';
        events.inc({ type });
      },
    },
    onError,
  );
}
