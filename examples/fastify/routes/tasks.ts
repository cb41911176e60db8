/** Proof uploads and reviews. */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { TickworkError } from 'tickwork';
import { multipartError } from '../../shared/http-errors.js';
import { idParams, rejectBody, reviewQuery } from '../../shared/schemas.js';
import { actorOf, adminOnly } from '../plugin.js';
import type { ZodTypeProvider } from '../zod-type-provider.js';

/** The multipart field that carries the screenshot. */
export const PROOF_FIELD = 'screenshot';

/** The bytes of the one file field, or `VALIDATION` when it is missing or named otherwise. */
async function readProofFile(request: FastifyRequest): Promise<Buffer> {
  const file = await request.file();
  if (!file || file.fieldname !== PROOF_FIELD) {
    throw new TickworkError('VALIDATION', `Send the image as multipart field "${PROOF_FIELD}"`, {
      details: { fields: [{ path: PROOF_FIELD, message: 'Required', code: 'invalid_type' }] },
    });
  }
  // toBuffer() throws the parser's 413 as soon as the stream passes the fileSize limit.
  return file.toBuffer();
}

/**
 * `POST /tasks/:id/proof`, `GET /tasks/:id/proof`, `GET /admin/tasks`, `POST /tasks/:id/approve`,
 * `POST /tasks/:id/reject`. Needs `@fastify/multipart` registered with a `fileSize` limit.
 */
export const taskRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { services } = app.tickwork;
  app.addHook('onRequest', app.authenticate);

  app.post('/tasks/:id/proof', { schema: { params: idParams } }, async (request) => {
    const bytes = await readProofFile(request).catch((error: unknown) => {
      throw multipartError(error);
    });
    return services.tasks.submitProof(actorOf(request), request.params.id, bytes);
  });

  app.get('/tasks/:id/proof', { schema: { params: idParams } }, async (request, reply) => {
    const proof = await services.tasks.readProof(actorOf(request), request.params.id);
    return reply
      .type(proof.mime)
      .header('content-disposition', `inline; filename="proof-${proof.sha256.slice(0, 16)}"`)
      .header('cache-control', 'private, no-store')
      .send(Buffer.from(proof.bytes.buffer, proof.bytes.byteOffset, proof.bytes.byteLength));
  });

  app.get('/admin/tasks', { onRequest: adminOnly, schema: { querystring: reviewQuery } }, async (request) =>
    services.tasks.listForReview(actorOf(request), request.query),
  );

  app.post('/tasks/:id/approve', { onRequest: adminOnly, schema: { params: idParams } }, async (request) =>
    services.tasks.approve(actorOf(request), request.params.id),
  );

  app.post(
    '/tasks/:id/reject',
    { onRequest: adminOnly, schema: { params: idParams, body: rejectBody } },
    async (request) => services.tasks.reject(actorOf(request), request.params.id, request.body),
  );
};
