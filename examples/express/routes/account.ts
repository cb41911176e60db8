/** Sign-up, sign-in and the signed-in user's own data. */
import { Router } from 'express';
import { parseInput } from 'tickwork';
import { clearedSessionCookie, optionalRequestToken, sessionCookie } from '../../shared/browser-session.js';
import type { Container } from '../../shared/container.js';
import { historyQuery, loginBody, myTasksQuery, registerBody } from '../../shared/schemas.js';
import { actorOf, authenticate } from '../authenticate.js';
import type { ExpressRateLimits } from '../rate-limits.js';

/**
 * `POST /auth/register`, `POST /auth/login` (both rate-limited), `POST /auth/logout`, `GET /me`, `GET /me/points`,
 * `GET /me/tasks`.
 */
export function accountRouter(container: Container, limits: ExpressRateLimits): Router {
  const { services } = container;
  const router = Router();

  router.post('/auth/register', limits.register, async (req, res) => {
    res.status(201).json(await services.users.register(parseInput(registerBody, req.body, 'request')));
  });

  router.post('/auth/login', limits.login, async (req, res) => {
    const login = await services.users.login(parseInput(loginBody, req.body, 'request'));
    // The web page signs in with the cookie; API clients use the token in the body.
    res.setHeader('set-cookie', sessionCookie(login.token, login.expiresAt, req.secure));
    res.json(login);
  });

  router.post('/auth/logout', async (req, res) => {
    const token = optionalRequestToken(req.headers);
    if (token) await services.users.logout(token);
    res.setHeader('set-cookie', clearedSessionCookie(req.secure));
    res.status(204).end();
  });

  const me = Router();
  const auth = authenticate(container);
  me.get('/', auth, async (req, res) => {
    res.json(await services.users.profile(actorOf(req)));
  });
  me.get('/points', auth, async (req, res) => {
    res.json(await services.points.statement(actorOf(req), parseInput(historyQuery, req.query, 'request', 'query')));
  });
  me.get('/tasks', auth, async (req, res) => {
    res.json({
      items: await services.tasks.listMine(actorOf(req), parseInput(myTasksQuery, req.query, 'request', 'query')),
    });
  });
  router.use('/me', me);
  return router;
}
