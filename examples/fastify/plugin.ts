/**
 * The tickwork plugin for Fastify: decorates the instance with the container and an `authenticate` hook,
 * decorates requests with the signed-in `actor`, and closes the container when Fastify closes. Wrapped with
 * `fastify-plugin`, so the decorations are visible to the routes registered beside it.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { PublicUser } from 'tickwork';
import { assertAdmin } from '../shared/admin-only.js';
import { requestToken } from '../shared/browser-session.js';
import type { Container } from '../shared/container.js';

/** Options of {@link tickworkPlugin}. */
export interface TickworkPluginOptions {
  /** The container the routes use. */
  readonly container: Container;
  /** Close the container in `onClose`; leave false when the caller closes it. @default true */
  readonly closeContainer?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The services, scheduler and ISIN job of the example. */
    tickwork: Container;
    /** `onRequest` hook: signs the request in from its bearer token or session cookie, or answers 401. */
    authenticate(request: FastifyRequest): Promise<void>;
  }
  interface FastifyRequest {
    /** The signed-in user, set by `authenticate`. */
    actor: PublicUser | null;
  }
}

const plugin: FastifyPluginAsync<TickworkPluginOptions> = async (app, options) => {
  const { container } = options;
  app.decorate('tickwork', container);
  app.decorateRequest('actor', null);
  app.decorate('authenticate', async (request: FastifyRequest) => {
    request.actor = await container.services.users.authenticate(requestToken(request.headers));
  });
  if (options.closeContainer !== false) app.addHook('onClose', () => container.close());
};

/** The Fastify plugin that wires a tickwork {@link Container} into an instance. */
export const tickworkPlugin = fp(plugin, { fastify: '5.x', name: 'tickwork' });

/** The actor of a route that ran `authenticate` (a route without it has none: a programming error). */
export function actorOf(request: FastifyRequest): PublicUser {
  if (!request.actor) throw new Error('Route is missing the authenticate hook');
  return request.actor;
}

/**
 * Route `onRequest` hook after `authenticate` on admin-only routes: a non-admin is refused (403) before the body
 * or the parameters are validated, so the answer tells nothing about what a valid request would be.
 */
export async function adminOnly(request: FastifyRequest): Promise<void> {
  assertAdmin(actorOf(request));
}
