/** The app catalogue and claiming an app. */
import { Router } from 'express';
import { parseInput } from 'tickwork';
import { serializeAppList } from '../../shared/app-list-json.js';
import type { Container } from '../../shared/container.js';
import { appsQuery, createAppBody, idParams, updateAppBody } from '../../shared/schemas.js';
import { actorOf, adminOnly, authenticate } from '../authenticate.js';

/** `GET /apps`, `POST /apps`, `PATCH /apps/:id`, `POST /apps/:id/claim`. */
export function appsRouter(container: Container): Router {
  const { services } = container;
  const router = Router();
  // Every route here needs a signed-in user; which user may do what is decided by the services. The
  // middleware is per route, so an unknown path under /apps is a 404, not a 401.
  const auth = authenticate(container);

  router.get('/', auth, async (req, res) => {
    // Serialised by the compiled serializer rather than res.json's JSON.stringify (see app-list-json.ts).
    const query = parseInput(appsQuery, req.query, 'request', 'query');
    res.type('json').send(serializeAppList({ items: await services.apps.list(actorOf(req), query) }));
  });

  router.post('/', auth, adminOnly, async (req, res) => {
    res.status(201).json(await services.apps.create(actorOf(req), parseInput(createAppBody, req.body, 'request')));
  });

  router.patch('/:id', auth, adminOnly, async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'request', 'params');
    res.json(await services.apps.update(actorOf(req), id, parseInput(updateAppBody, req.body, 'request')));
  });

  router.post('/:id/claim', auth, async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'request', 'params');
    res.status(201).json(await services.tasks.claim(actorOf(req), id));
  });
  return router;
}
