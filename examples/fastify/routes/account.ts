/** Sign-up, sign-in and the signed-in user's own data. */
import type { FastifyPluginAsync } from 'fastify';
import { clearedSessionCookie, optionalRequestToken, sessionCookie } from '../../shared/browser-session.js';
import type { RateLimitRule, rateLimitRules } from '../../shared/rate-limits.js';
import { historyQuery, loginBody, myTasksQuery, registerBody } from '../../shared/schemas.js';
import { actorOf } from '../plugin.js';
import type { ZodTypeProvider } from '../zod-type-provider.js';

/** Options of {@link accountRoutes}. */
export interface AccountRoutesOptions {
  /** The login and registration limits (enforced by `@fastify/rate-limit`, registered before these routes). */
  readonly limits: ReturnType<typeof rateLimitRules>;
}

const routeLimit = (rule: RateLimitRule) => ({ rateLimit: { max: rule.max, timeWindow: rule.windowMs } });

/** `POST /auth/register`, `POST /auth/login`, `POST /auth/logout`, `GET /me`, `GET /me/points`, `GET /me/tasks`. */
export const accountRoutes: FastifyPluginAsync<AccountRoutesOptions> = async (fastify, options) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { services } = app.tickwork;

  app.post(
    '/auth/register',
    { schema: { body: registerBody }, config: routeLimit(options.limits.register) },
    async (request, reply) => {
      reply.code(201);
      return services.users.register(request.body);
    },
  );

  app.post(
    '/auth/login',
    { schema: { body: loginBody }, config: routeLimit(options.limits.login) },
    async (request, reply) => {
      const login = await services.users.login(request.body);
      // The web page signs in with the cookie; API clients use the token in the body.
      reply.header('set-cookie', sessionCookie(login.token, login.expiresAt, request.protocol === 'https'));
      return login;
    },
  );

  app.post('/auth/logout', async (request, reply) => {
    const token = optionalRequestToken(request.headers);
    if (token) await services.users.logout(token);
    return reply
      .code(204)
      .header('set-cookie', clearedSessionCookie(request.protocol === 'https'))
      .send();
  });

  app.get('/me', { onRequest: app.authenticate }, async (request) => services.users.profile(actorOf(request)));

  app.get('/me/points', { onRequest: app.authenticate, schema: { querystring: historyQuery } }, async (request) =>
    services.points.statement(actorOf(request), request.query),
  );

  app.get('/me/tasks', { onRequest: app.authenticate, schema: { querystring: myTasksQuery } }, async (request) => ({
    items: await services.tasks.listMine(actorOf(request), request.query),
  }));
};
