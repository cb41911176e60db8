/**
 * The Express 5 example: routers over the shared container, helmet, rate limits on login and registration,
 * multer uploads capped in the parser, zod validation, one error middleware for JSON errors, and structured
 * request logs.
 */
import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { checkOrigin, WEB_ROOT, webConfig } from '../shared/browser-security.js';
import type { Container } from '../shared/container.js';
import { routeNotFound, toHttpError, unsupportedMediaType } from '../shared/http-errors.js';
import { logRequest } from '../shared/logger.js';
import { SECURITY_HEADERS } from '../shared/security-headers.js';
import { expressRateLimits } from './rate-limits.js';
import { requestMetrics } from './request-metrics.js';
import { accountRouter } from './routes/account.js';
import { appsRouter } from './routes/apps.js';
import { jobsRouter } from './routes/jobs.js';
import { systemRouter } from './routes/system.js';
import { tasksRouter } from './routes/tasks.js';
import { usersRouter } from './routes/users.js';

/** Largest JSON body and largest `POST /extract` body, in bytes (the same limits as the Fastify example). */
const JSON_BODY_LIMIT = 64 * 1024;
const EXTRACT_BODY_LIMIT = 10 * 1024 * 1024;

/** Builds the Express app over `container` (not listening yet). */
export function buildExpressApp(container: Container): Express {
  const { config, logger } = container;
  const app = express();
  app.disable('x-powered-by');

  const requestLog: RequestHandler = (req, res, next) => {
    // With logs silent, a request costs no id, no timer and no listener (checked per request, like pino's level).
    if (!logger.isLevelEnabled('error')) return next();
    const started = performance.now();
    const reqId = randomUUID();
    res.on('finish', () => {
      logRequest(logger, {
        reqId,
        method: req.method,
        url: req.originalUrl,
        statusCode: res.statusCode,
        responseTime: Math.round((performance.now() - started) * 100) / 100,
      });
    });
    next();
  };
  const limits = expressRateLimits(container);

  // Only when metrics are on (METRICS_PORT): otherwise a request costs no timer and no listener for them.
  if (container.metrics) app.use(requestMetrics(container.metrics.observeRequest));
  app.use(requestLog);
  // helmet's headers, recorded once at start (SECURITY_HEADERS), set in one loop per request rather than through
  // helmet's dozen middlewares.
  const securityHeaders = Object.entries(SECURITY_HEADERS);
  app.use((_req, res, next) => {
    for (const [name, value] of securityHeaders) res.setHeader(name, value);
    next();
  });
  // The web page's requests travel with the session cookie: refuse the ones another site made a browser send.
  app.use((req, _res, next) => {
    checkOrigin({ method: req.method, secure: req.secure, headers: req.headers });
    next();
  });
  // Before the JSON parser: `POST /extract` reads its body raw.
  app.use(systemRouter(container, EXTRACT_BODY_LIMIT));
  app.use(express.json({ limit: JSON_BODY_LIMIT }));
  // A body express.json() did not take and multer will not either is of a type no route reads: 415, as Fastify
  // answers for a media type it has no parser for.
  app.use((req, _res, next) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody && !req.is('application/json') && !req.is('multipart/form-data')) {
      throw unsupportedMediaType(req.headers['content-type'], ['application/json', 'multipart/form-data']);
    }
    next();
  });
  app.use(accountRouter(container, limits));
  app.use('/apps', appsRouter(container));
  app.use(tasksRouter(container));
  app.use(usersRouter(container));
  app.use(jobsRouter(container));
  // The web page, after the API so API requests never touch the file system.
  app.get('/web-config', (_req, res) => {
    res.json(webConfig(config));
  });
  app.use(express.static(WEB_ROOT, { index: 'index.html' }));

  app.use((req, res) => {
    const { status, body } = routeNotFound(req.method, req.path);
    res.status(status).json(body);
  });
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    const { status, body } = toHttpError(error);
    if (status >= 500) logger.error({ err: error }, 'request failed');
    res.status(status).json(body);
  };
  app.use(onError);
  return app;
}
