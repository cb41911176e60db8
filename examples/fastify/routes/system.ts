/** The extractor, the ISIN job, health checks and the OpenAPI document. */
import type { FastifyPluginAsync } from 'fastify';
import { concurrencyGate } from '../../shared/concurrency-gate.js';
import { extractFromBody } from '../../shared/extract-body.js';
import { isinStatusFor, optionalActor } from '../../shared/isin-status-view.js';
import { openApiDocument } from '../../shared/openapi.js';
import { extractQuery } from '../../shared/schemas.js';
import { actorOf, adminOnly } from '../plugin.js';
import type { ZodTypeProvider } from '../zod-type-provider.js';

/** Options of {@link systemRoutes}. */
export interface SystemRoutesOptions {
  /** Largest body `POST /extract` reads, in bytes. */
  readonly extractMaxBytes: number;
}

/** `POST /extract`, `GET /isin/status`, `POST /isin/sync`, `GET /healthz`, `GET /readyz`, `GET /openapi.json`. */
export const systemRoutes: FastifyPluginAsync<SystemRoutesOptions> = async (fastify, options) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const container = app.tickwork;
  const document = openApiDocument();

  // The extractor's input is almost-JSON: it must reach the handler as raw bytes, whatever its media type.
  // Registered in its own encapsulated context so the raw parser applies to this route only.
  // Signed-in users only, a bounded number at once: both onRequest, so checked before the body is read.
  const { extractMaxConcurrent, extractMaxMatches } = container.config;
  const gate = concurrencyGate(extractMaxConcurrent, 'extract');
  await app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.extractMaxBytes }, (_request, body, done) =>
      done(null, body),
    );
    raw.withTypeProvider<ZodTypeProvider>().post(
      '/extract',
      {
        onRequest: [app.authenticate, async (_request, reply) => gate.enter(reply.raw)],
        schema: { querystring: extractQuery },
      },
      async (request) => extractFromBody(request.body as Buffer | undefined, request.query.keys, extractMaxMatches),
    );
  });

  app.get('/isin/status', async (request) =>
    isinStatusFor(await container.isin.status(), await optionalActor(container.services, request.headers)),
  );

  app.post('/isin/sync', { onRequest: [app.authenticate, adminOnly] }, async (request) =>
    container.isin.sync(actorOf(request)),
  );

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const readiness = await container.ready();
    reply.code(readiness.ok ? 200 : 503);
    return readiness;
  });

  app.get('/openapi.json', async () => document);
};
