/**
 * The Fastify example: one instance with security headers, multipart uploads capped in the parser, a rate
 * limit on login, zod validation, JSON errors, structured request logs, and the tickwork routes.
 */
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { TickworkError } from '../../src/errors.js';
import { checkOrigin, WEB_ROOT, webConfig } from '../shared/browser-security.js';
import type { Container } from '../shared/container.js';
import { routeNotFound, toHttpError } from '../shared/http-errors.js';
import { logRequest } from '../shared/logger.js';
import { securityHeaders } from '../shared/security-headers.js';
import { tickworkPlugin } from './plugin.js';
import { accountRoutes } from './routes/account.js';
import { appRoutes } from './routes/apps.js';
import { systemRoutes } from './routes/system.js';
import { taskRoutes } from './routes/tasks.js';
import { zodValidatorCompiler } from './zod-type-provider.js';

/** Largest JSON body and largest `POST /extract` body, in bytes. */
const JSON_BODY_LIMIT = 64 * 1024;
const EXTRACT_BODY_LIMIT = 10 * 1024 * 1024;

/** Options of {@link buildFastifyApp}. */
export interface FastifyAppOptions {
  /** Close the container when the app closes. @default true */
  readonly closeContainer?: boolean;
}

/** Builds the Fastify app over `container` (not listening yet). */
export async function buildFastifyApp(container: Container, options: FastifyAppOptions = {}): Promise<FastifyInstance> {
  const { config, logger } = container;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // One request log line, written by the onResponse hook below in the shape both examples share.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: JSON_BODY_LIMIT,
    // Let `close()` end idle keep-alive connections, so shutdown is not held up by an idle client.
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.setValidatorCompiler(zodValidatorCompiler);
  // JSON bodies only (multipart is added by its plugin, raw bodies by POST /extract): a text/plain body is a
  // 415 here as it is in the Express example.
  app.removeContentTypeParser('text/plain');

  // With logs silent, a request costs no logger: no child per request, no log line built (checked per request,
  // so raising the level later takes effect at once).
  app.setChildLoggerFactory((parent, bindings, options) =>
    logger.isLevelEnabled('error') ? parent.child(bindings, options) : parent,
  );
  app.addHook('onResponse', (request, reply, done) => {
    if (!logger.isLevelEnabled('error')) return done();
    // The root logger: request.log already carries reqId, and the shared line sets it itself.
    logRequest(app.log, {
      reqId: request.id,
      method: request.method,
      url: request.url,
      statusCode: reply.statusCode,
      responseTime: Math.round(reply.elapsedTime * 100) / 100,
    });
    done();
  });

  app.setErrorHandler(async (error, request, reply) => {
    const { status, body } = toHttpError(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler(async (request, reply) => {
    const { status, body } = routeNotFound(request.method, request.url.split('?')[0] ?? request.url);
    return reply.code(status).send(body);
  });

  // Security headers from helmet, worked out once (see security-headers.ts). @fastify/helmet 13 calls
  // helmet(options) again for every request, which halved the requests/s of a small route in our measurements.
  const setSecurityHeaders = securityHeaders();
  app.addHook('onRequest', (_request, reply, done) => {
    setSecurityHeaders(reply.raw);
    done();
  });
  // The web page's requests travel with the session cookie: refuse the ones another site made a browser send.
  app.addHook('onRequest', async (request) =>
    checkOrigin({ method: request.method, secure: request.protocol === 'https', headers: request.headers }),
  );
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new TickworkError('RATE_LIMITED', `Too many attempts; try again in ${context.after}`, {
        details: { limit: context.max, retryAfterMs: context.ttl },
      }),
  });
  await app.register(multipart, {
    throwFileSizeLimit: true,
    limits: { fileSize: config.uploadMaxBytes, files: 1, fields: 0, parts: 2, fieldNameSize: 100, headerPairs: 20 },
  });
  await app.register(tickworkPlugin, { container, closeContainer: options.closeContainer ?? true });
  await app.register(accountRoutes, { loginRateLimit: config.loginRateLimit });
  await app.register(appRoutes);
  await app.register(taskRoutes);
  await app.register(systemRoutes, { extractMaxBytes: EXTRACT_BODY_LIMIT });
  // The web page: one route per file present at start (no wildcard, so unknown paths stay the JSON 404).
  await app.register(fastifyStatic, { root: WEB_ROOT, wildcard: false, index: 'index.html' });
  app.get('/web-config', async () => webConfig(config));
  return app;
}
