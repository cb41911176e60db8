/** The extractor, the ISIN job, health checks and the OpenAPI document. */
import express, { type RequestHandler, Router } from 'express';
import { parseInput } from 'tickwork';
import { concurrencyGate } from '../../shared/concurrency-gate.js';
import type { Container } from '../../shared/container.js';
import { extractFromBody } from '../../shared/extract-body.js';
import { isinStatusFor, optionalActor } from '../../shared/isin-status-view.js';
import { openApiDocument } from '../../shared/openapi.js';
import { extractQuery } from '../../shared/schemas.js';
import { actorOf, adminOnly, authenticate } from '../authenticate.js';

/** `POST /extract`, `GET /isin/status`, `POST /isin/sync`, `GET /healthz`, `GET /readyz`, `GET /openapi.json`. */
export function systemRouter(container: Container, extractMaxBytes: number): Router {
  const router = Router();
  const document = openApiDocument();

  // Signed-in users only, a bounded number at once, both checked before the body is read. The extractor's input
  // is almost-JSON: it must reach the handler as raw bytes, whatever its media type.
  const { extractMaxConcurrent, extractMaxMatches } = container.config;
  const gate = concurrencyGate(extractMaxConcurrent, 'extract');
  const admit: RequestHandler = (_req, res, next) => {
    gate.enter(res);
    next();
  };
  router.post(
    '/extract',
    authenticate(container),
    admit,
    express.raw({ type: () => true, limit: extractMaxBytes }),
    async (req, res) => {
      const { keys } = parseInput(extractQuery, req.query, 'request', 'query');
      res.json(extractFromBody(Buffer.isBuffer(req.body) ? req.body : undefined, keys, extractMaxMatches));
    },
  );

  router.get('/isin/status', async (req, res) => {
    const actor = await optionalActor(container.services, req.headers);
    res.json(isinStatusFor(await container.isin.status(), actor));
  });

  router.post('/isin/sync', authenticate(container), adminOnly, async (req, res) => {
    res.json(await container.isin.sync(actorOf(req)));
  });

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const readiness = await container.ready();
    res.status(readiness.ok ? 200 : 503).json(readiness);
  });

  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  return router;
}
