/** The admin's user list and role changes. */
import { Router } from 'express';
import { parseInput } from 'tickwork';
import type { Container } from '../../shared/container.js';
import { idParams, roleBody, usersQuery } from '../../shared/schemas.js';
import { actorOf, adminOnly, authenticate } from '../authenticate.js';

/** `GET /admin/users` and `POST /admin/users/:id/role`; the user service decides who may do what. */
export function usersRouter(container: Container): Router {
  const { services } = container;
  const router = Router();
  // Per route: this router is mounted at the root, where an unknown path must stay a 404, not a 401.
  const auth = authenticate(container);

  router.get('/admin/users', auth, adminOnly, async (req, res) => {
    res.json(await services.users.list(actorOf(req), parseInput(usersQuery, req.query, 'request', 'query')));
  });

  router.post('/admin/users/:id/role', auth, adminOnly, async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'request', 'params');
    const { role } = parseInput(roleBody, req.body, 'request');
    res.json(await services.users.setRole(actorOf(req), id, role));
  });
  return router;
}
