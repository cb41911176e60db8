/** A Fastify hook recording each answered request in the shared HTTP metrics. */
import type { FastifyInstance } from 'fastify';
import type { ObserveRequest } from '../shared/http-metrics.js';

/** Adds an `onResponse` hook recording method, matched route pattern (`/apps/:id`), status and duration. */
export function addRequestMetrics(app: FastifyInstance, observe: ObserveRequest): void {
  app.addHook('onResponse', (request, reply, done) => {
    // The not-found handler has no route: its url is undefined, counted as `none`.
    const route = request.is404 ? undefined : request.routeOptions.url;
    observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}
