/**
 * The Fastify example: one instance with security headers, multipart uploads capped in the parser, rate
 * limits on login and registration, zod validation, JSON errors, structured request logs, and the tickwork
 * routes.
 */
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, LogController } from 'fastify';
import { checkOrigin, WEB_ROOT, webConfig } from '../shared/browser-security.js';
import type { Container } from '../shared/container.js';
import { routeNotFound, shuttingDown, toHttpError } from '../shared/http-errors.js';
import { logRequest } from '../shared/logger.js';
import { rateLimitedError, rateLimitRules } from '../shared/rate-limits.js';
import { answerClientError, SECURITY_HEADERS } from '../shared/security-headers.js';
import { httpServerOptions } from '../shared/timeouts.js';
import { tickworkPlugin } from './plugin.js';
import { addRequestMetrics } from './request-metrics.js';
import { accountRoutes } from './routes/account.js';
import { appRoutes } from './routes/apps.js';
import { jobRoutes } from './routes/jobs.js';
import { systemRoutes } from './routes/system.js';
import { taskRoutes } from './routes/tasks.js';
import { userRoutes } from './routes/users.js';
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
    // Fastify's own 503 while closing has neither the error shape nor the security headers: the onRequest
    // hook below answers those requests instead.
    return503OnClosing: false,
    // A longer path parameter than any id (200 characters) is the router's 414, in the error shape below.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // The router's own refusals (a URL that does not decode, an over-long parameter) answer before any hook
    // runs: give them the error shape and the security headers here.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const { status, body } = toHttpError(error);
      reply.code(status).headers(SECURITY_HEADERS).send(body);
    },
    // What Node's parser refuses before there is a request: the same shape and headers.
    clientErrorHandler: answerClientError,
    // The header, request and keep-alive bounds (Fastify sets the last two on the server itself).
    http: httpServerOptions(config.timeouts),
    requestTimeout: config.timeouts.httpRequestMs,
    keepAliveTimeout: config.timeouts.httpKeepAliveMs,
  });
  app.setValidatorCompiler(zodValidatorCompiler);
  // JSON bodies only (multipart is added by its plugin, raw bodies by POST /extract): a text/plain body is a
  // 415 here as it is in the Express example.
  app.removeContentTypeParser('text/plain');

  // With logs silent, a request costs no logger: no child per request, no log line built (checked per request,
  // so raising the level later takes effect at once).
  app.setChildLoggerFactory((parent, bindings, childOptions) =>
    logger.isLevelEnabled('error') ? parent.child(bindings, childOptions) : parent,
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

  // Only when metrics are on (METRICS_PORT): otherwise a request costs no hook for them.
  if (container.metrics) addRequestMetrics(app, container.metrics.observeRequest);

  app.setErrorHandler(async (error, request, reply) => {
    const { status, body } = toHttpError(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler(async (request, reply) => {
    const { status, body } = routeNotFound(request.method, request.url.split('?')[0] ?? request.url);
    return reply.code(status).send(body);
  });

  // Security headers: helmet's, recorded once at start (SECURITY_HEADERS), set in one loop per request.
  // @fastify/helmet 13 calls helmet(options) again for every request, which halved the requests/s of a small
  // route in our measurements, and even helmet built once runs a dozen middlewares per request.
  const securityHeaders = Object.entries(SECURITY_HEADERS);
  app.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of securityHeaders) reply.raw.setHeader(name, value);
    done();
  });
  // A request that reaches a closing server (pipelined, or on a keep-alive connection still busy) is shed
  // before any work, with the security headers just set, the error shape and `Connection: close`.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done();
    const { status, body } = shuttingDown();
    reply.code(status).header('connection', 'close').send(body);
  });
  // The web page's requests travel with the session cookie: refuse the ones another site made a browser send.
  // A callback hook, not an async one: the check is synchronous (Fastify turns a throw into the error answer),
  // and an async hook costs every request a promise and a microtask.
  app.addHook('onRequest', (request, _reply, done) => {
    checkOrigin({ method: request.method, secure: request.protocol === 'https', headers: request.headers });
    done();
  });
  // With Redis the counters are shared by the fleet (keys under REDIS_PREFIX); otherwise per process.
  await app.register(rateLimit, {
    global: false,
    ...(container.redis ? { redis: container.redis, nameSpace: `${config.redisPrefix}rate-limit:` } : {}),
    errorResponseBuilder: (_request, context) => rateLimitedError(context.max, context.ttl),
  });
  await app.register(multipart, {
    throwFileSizeLimit: true,
    limits: { fileSize: config.uploadMaxBytes, files: 1, fields: 0, parts: 2, fieldNameSize: 100, headerPairs: 20 },
  });
  await app.register(tickworkPlugin, { container, closeContainer: options.closeContainer ?? true });
  await app.register(accountRoutes, { limits: rateLimitRules(config) });
  await app.register(appRoutes);
  await app.register(taskRoutes);
  await app.register(userRoutes);
  await app.register(jobRoutes);
  await app.register(systemRoutes, { extractMaxBytes: EXTRACT_BODY_LIMIT });
  // The web page: one route per file present at start (no wildcard, so unknown paths stay the JSON 404).
  await app.register(fastifyStatic, { root: WEB_ROOT, wildcard: false, index: 'index.html' });
  app.get('/web-config', async () => webConfig(config));
  return app;
}
