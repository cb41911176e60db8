/** Subscribing to several `node:diagnostics_channel` channels at once, with one call to undo it. */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';

/** A channel's message as published: an object whose fields are read by name, or anything else. */
export type ChannelMessage = Readonly<Record<string, unknown>>;

/**
 * Subscribes `handlers` (channel name → handler) and returns the function that unsubscribes them all. A
 * handler that throws is caught here: Node reports a subscriber's exception as an uncaught one, which would
 * stop the process over a metrics problem.
 */
export function subscribeChannels(
  handlers: Readonly<Record<string, (message: ChannelMessage) => void>>,
  onError: (channel: string, error: unknown) => void,
): () => void {
  const subscribed = Object.entries(handlers).map(([channel, handler]) => {
    const listener = (message: unknown) => {
      if (typeof message !== 'object' || message === null) return;
      try {
        handler(message as ChannelMessage);
      } catch (error) {
        onError(channel, error);
      }
    };
    subscribe(channel, listener);
    return [channel, listener] as const;
  });
  return () => {
    for (const [channel, listener] of subscribed) unsubscribe(channel, listener);
  };
}

/**
 * A message field as a metric label: a short string as it is, anything else `unknown`. Label values come
 * from a bounded set (job names, outcomes, reasons); the cut keeps a surprising value from bloating a series.
 */
export function labelOf(value: unknown): string {
  return typeof value === 'string' && value.length > 0 ? value.slice(0, 100) : 'unknown';
}
