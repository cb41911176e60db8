/** The extractor, the ISIN job, health checks and the OpenAPI document. */
import express, { Router } from 'express';
import type { Container } from '../../shared/container.js';
import { extractFromBody } from '../../shared/extract-body.js';
import { openApiDocument } from '../../shared/openapi.js';
import { extractQuery, parseInput } from '../../shared/schemas.js';
import { actorOf, authenticate } from '../authenticate.js';

/** `POST /extract`, `GET /isin/status`, `POST /isin/sync`, `GET /healthz`, `GET /readyz`, `GET /openapi.json`. */
export function systemRouter(container: Container, extractMaxBytes: number): Router {
  const router = Router();
  const document = openApiDocument();

  // The extractor's input is almost-JSON: it must reach the handler as raw bytes, whatever its media type.
  router.post('/extract', express.raw({ type: () => true, limit: extractMaxBytes }), async (req, res) => {
    const { keys } = parseInput(extractQuery, req.query, 'query');
    res.json(extractFromBody(Buffer.isBuffer(req.body) ? req.body : undefined, keys));
  });

  router.get('/isin/status', async (_req, res) => {
    res.json(await container.isin.status());
  });

  router.post('/isin/sync', authenticate(container), async (req, res) => {
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
