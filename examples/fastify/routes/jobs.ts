/** The operator console's jobs: fleet-wide state, run history, pause, resume and Run now (admins only). */
import type { FastifyPluginAsync } from 'fastify';
import { jobHistoryQuery, jobNameParams } from '../../shared/job-schemas.js';
import { actorOf, adminOnly } from '../plugin.js';
import type { ZodTypeProvider } from '../zod-type-provider.js';

/**
 * `GET /admin/jobs`, `GET /admin/jobs/:name/history`, `POST /admin/jobs/:name/pause`, `…/resume`,
 * `…/trigger`. Both checks run `onRequest`, so a non-admin is refused before the parameters are validated.
 */
export const jobRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { jobs } = app.tickwork;
  const onRequest = [app.authenticate, adminOnly];

  app.get('/admin/jobs', { onRequest }, async (request) => jobs.list(actorOf(request)));

  app.get(
    '/admin/jobs/:name/history',
    { onRequest, schema: { params: jobNameParams, querystring: jobHistoryQuery } },
    async (request) => jobs.history(actorOf(request), request.params.name, request.query),
  );

  for (const action of ['pause', 'resume'] as const) {
    app.post(`/admin/jobs/:name/${action}`, { onRequest, schema: { params: jobNameParams } }, async (request) =>
      jobs[action](actorOf(request), request.params.name),
    );
  }

  app.post('/admin/jobs/:name/trigger', { onRequest, schema: { params: jobNameParams } }, async (request, reply) => {
    // 202: the request is stored; one instance of the fleet runs it shortly.
    reply.code(202);
    return jobs.trigger(actorOf(request), request.params.name);
  });
};
