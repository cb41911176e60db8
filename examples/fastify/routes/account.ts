/** Sign-up, sign-in and the signed-in user's own data. */
import type { FastifyPluginAsync } from 'fastify';
import { historyQuery, loginBody, myTasksQuery, registerBody } from '../../shared/schemas.js';
import { actorOf } from '../plugin.js';
import type { ZodTypeProvider } from '../zod-type-provider.js';

/** Options of {@link accountRoutes}. */
export interface AccountRoutesOptions {
  /** Login attempts allowed per client address and minute. */
  readonly loginRateLimit: number;
}

/** `POST /auth/register`, `POST /auth/login`, `GET /me`, `GET /me/points`, `GET /me/tasks`. */
export const accountRoutes: FastifyPluginAsync<AccountRoutesOptions> = async (fastify, options) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { services } = app.tickwork;

  app.post('/auth/register', { schema: { body: registerBody } }, async (request, reply) => {
    reply.code(201);
    return services.users.register(request.body);
  });

  app.post(
    '/auth/login',
    { schema: { body: loginBody }, config: { rateLimit: { max: options.loginRateLimit, timeWindow: '1 minute' } } },
    async (request) => services.users.login(request.body),
  );

  app.get('/me', { onRequest: app.authenticate }, async (request) => services.users.profile(actorOf(request)));

  app.get('/me/points', { onRequest: app.authenticate, schema: { querystring: historyQuery } }, async (request) =>
    services.points.statement(actorOf(request), request.query),
  );

  app.get('/me/tasks', { onRequest: app.authenticate, schema: { querystring: myTasksQuery } }, async (request) => ({
    items: await services.tasks.listMine(actorOf(request), request.query),
  }));
};
