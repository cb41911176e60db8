/** Proof uploads and reviews. */
import { type RequestHandler, Router } from 'express';
import multer from 'multer';
import { parseInput, TickworkError } from 'tickwork';
import type { Container } from '../../shared/container.js';
import { multipartError, unsupportedMediaType } from '../../shared/http-errors.js';
import { idParams, rejectBody, reviewQuery } from '../../shared/schemas.js';
import { actorOf, adminOnly, authenticate } from '../authenticate.js';

/** The multipart field that carries the screenshot. */
export const PROOF_FIELD = 'screenshot';

/**
 * `POST /tasks/:id/proof`, `GET /tasks/:id/proof`, `POST /tasks/:id/approve`, `POST /tasks/:id/reject` and
 * `GET /admin/tasks`. Uploads are held in memory and capped by multer itself (`LIMIT_FILE_SIZE` → 413).
 */
export function tasksRouter(container: Container): Router {
  const { services, config } = container;
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: config.uploadMaxBytes, files: 1, fields: 0, parts: 2, fieldNameSize: 100, headerPairs: 20 },
  });
  const router = Router();
  // Per route, not router.use(): this router is mounted at the root, where every unknown path must stay a 404.
  const auth = authenticate(container);

  // multer passes over a body that is not multipart; the documented answer for one is 415, as on Fastify.
  const multipartOnly: RequestHandler = (req, _res, next) => {
    if (!req.is('multipart/form-data'))
      throw unsupportedMediaType(req.headers['content-type'], ['multipart/form-data']);
    next();
  };
  const parseUpload: RequestHandler = (req, res, next) =>
    upload.single(PROOF_FIELD)(req, res, (error?: unknown) =>
      next(error === undefined ? undefined : multipartError(error)),
    );
  router.post('/tasks/:id/proof', auth, multipartOnly, parseUpload, async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'request', 'params');
    if (!req.file) {
      throw new TickworkError('VALIDATION', `Send the image as multipart field "${PROOF_FIELD}"`, {
        details: { fields: [{ path: PROOF_FIELD, message: 'Required', code: 'invalid_type' }] },
      });
    }
    res.json(await services.tasks.submitProof(actorOf(req), id, req.file.buffer));
  });

  router.get('/tasks/:id/proof', auth, async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'request', 'params');
    const proof = await services.tasks.readProof(actorOf(req), id);
    res
      .type(proof.mime)
      .set('content-disposition', `inline; filename="proof-${proof.sha256.slice(0, 16)}"`)
      .set('cache-control', 'private, no-store')
      .send(Buffer.from(proof.bytes.buffer, proof.bytes.byteOffset, proof.bytes.byteLength));
  });

  router.get('/admin/tasks', auth, adminOnly, async (req, res) => {
    res.json(await services.tasks.listForReview(actorOf(req), parseInput(reviewQuery, req.query, 'request', 'query')));
  });

  router.post('/tasks/:id/approve', auth, adminOnly, async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'request', 'params');
    res.json(await services.tasks.approve(actorOf(req), id));
  });

  router.post('/tasks/:id/reject', auth, adminOnly, async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'request', 'params');
    res.json(await services.tasks.reject(actorOf(req), id, parseInput(rejectBody, req.body, 'request')));
  });
  return router;
}
