/** The admin's user list and role changes. */
import type { FastifyPluginAsync } from 'fastify';
import { idParams, roleBody, usersQuery } from '../../shared/schemas.js';
import { actorOf, adminOnly } from '../plugin.js';
import type { ZodTypeProvider } from '../zod-type-provider.js';

/** `GET /admin/users` and `POST /admin/users/:id/role`; the user service decides who may do what. */
export const userRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { services } = app.tickwork;
  app.addHook('onRequest', app.authenticate);

  app.get('/admin/users', { onRequest: adminOnly, schema: { querystring: usersQuery } }, async (request) =>
    services.users.list(actorOf(request), request.query),
  );

  app.post(
    '/admin/users/:id/role',
    { onRequest: adminOnly, schema: { params: idParams, body: roleBody } },
    async (request) => services.users.setRole(actorOf(request), request.params.id, request.body.role),
  );
};
