/** The operator console's jobs: fleet-wide state, run history, pause, resume and Run now (admins only). */
import { Router } from 'express';
import { parseInput } from 'tickwork';
import type { Container } from '../../shared/container.js';
import { jobHistoryQuery, jobNameParams } from '../../shared/job-schemas.js';
import { actorOf, adminOnly, authenticate } from '../authenticate.js';

/**
 * `GET /admin/jobs`, `GET /admin/jobs/:name/history`, `POST /admin/jobs/:name/pause`, `…/resume`,
 * `…/trigger`. A non-admin is refused before the parameters are validated.
 */
export function jobsRouter(container: Container): Router {
  const { jobs } = container;
  const router = Router();
  const auth = authenticate(container);

  router.get('/admin/jobs', auth, adminOnly, async (req, res) => {
    res.json(await jobs.list(actorOf(req)));
  });

  router.get('/admin/jobs/:name/history', auth, adminOnly, async (req, res) => {
    const { name } = parseInput(jobNameParams, req.params, 'request', 'params');
    res.json(await jobs.history(actorOf(req), name, parseInput(jobHistoryQuery, req.query, 'request', 'query')));
  });

  for (const action of ['pause', 'resume'] as const) {
    router.post(`/admin/jobs/:name/${action}`, auth, adminOnly, async (req, res) => {
      const { name } = parseInput(jobNameParams, req.params, 'request', 'params');
      res.json(await jobs[action](actorOf(req), name));
    });
  }

  router.post('/admin/jobs/:name/trigger', auth, adminOnly, async (req, res) => {
    const { name } = parseInput(jobNameParams, req.params, 'request', 'params');
    // 202: the request is stored; one instance of the fleet runs it shortly.
    res.status(202).json(await jobs.trigger(actorOf(req), name));
  });
  return router;
}
