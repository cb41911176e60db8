/** The app catalogue and claiming an app. */
import type { FastifyPluginAsync } from 'fastify';
import { serializeAppList } from '../../shared/app-list-json.js';
import { appsQuery, createAppBody, idParams, updateAppBody } from '../../shared/schemas.js';
import { actorOf, adminOnly } from '../plugin.js';
import type { ZodTypeProvider } from '../zod-type-provider.js';

/** `GET /apps`, `POST /apps`, `PATCH /apps/:id`, `POST /apps/:id/claim`. */
export const appRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { services } = app.tickwork;
  // Every route here needs a signed-in user; which user may do what is decided by the services.
  app.addHook('onRequest', app.authenticate);

  // The shared serializer (see app-list-json.ts), not a response schema: it keeps the JSON of listings that
  // cannot change, and a string with a JSON type skips Fastify's serialisation hooks.
  app.get('/apps', { schema: { querystring: appsQuery } }, async (request, reply) =>
    reply
      .type('application/json; charset=utf-8')
      .send(serializeAppList({ items: await services.apps.list(actorOf(request), request.query) })),
  );

  app.post('/apps', { onRequest: adminOnly, schema: { body: createAppBody } }, async (request, reply) => {
    reply.code(201);
    return services.apps.create(actorOf(request), request.body);
  });

  app.patch('/apps/:id', { onRequest: adminOnly, schema: { params: idParams, body: updateAppBody } }, async (request) =>
    services.apps.update(actorOf(request), request.params.id, request.body),
  );

  app.post('/apps/:id/claim', { schema: { params: idParams } }, async (request, reply) => {
    reply.code(201);
    return services.tasks.claim(actorOf(request), request.params.id);
  });
};
