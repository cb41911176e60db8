/**
 * The Prometheus metrics of an example server (prom-client): the scheduler's runs, the domain events, HTTP
 * requests and Node's default process metrics, in a registry of its own, served by {@link startMetricsServer}
 * on `METRICS_PORT`.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import { countDomainEvents } from './domain-event-metrics.js';
import { httpRequestMetrics, type ObserveRequest } from './http-metrics.js';
import type { ExampleLogger } from './logger.js';
import { countSchedulerEvents } from './scheduler-metrics.js';

/** The metrics of one server. */
export interface Metrics {
  /** Every metric of this server. */
  readonly registry: Registry;
  /** Records one answered request (each server's hook calls it). */
  readonly observeRequest: ObserveRequest;
  /** Stops listening to the diagnostics channels. Idempotent. */
  close(): void;
}

/** What {@link createMetrics} needs. */
export interface MetricsOptions {
  /** The id of the scheduler whose runs are counted. */
  readonly instanceId: string;
  /** Where a failure to count is reported. */
  readonly logger: ExampleLogger;
}

/** Creates the registry and starts counting the scheduler's and the domain's events. */
export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  // A registry of its own rather than prom-client's global one: two servers in one process (the tests) keep
  // their counts apart, and nothing another module registers globally is served by accident.
  collectDefaultMetrics({ register: registry });
  const onError = (channel: string, error: unknown) =>
    options.logger.warn({ err: error, channel }, 'could not count a diagnostics channel message');
  const stops = [countSchedulerEvents(registry, options.instanceId, onError), countDomainEvents(registry, onError)];
  return {
    registry,
    observeRequest: httpRequestMetrics(registry),
    close() {
      for (const stop of stops.splice(0)) stop();
    },
  };
}
