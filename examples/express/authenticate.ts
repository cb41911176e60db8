/** Signing a request in from its bearer token or session cookie, as Express middleware. */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { PublicUser } from 'tickwork';
import { assertAdmin } from '../shared/admin-only.js';
import { requestToken } from '../shared/browser-session.js';
import type { Container } from '../shared/container.js';

declare global {
  namespace Express {
    interface Request {
      /** The signed-in user, set by the `authenticate` middleware. */
      actor?: PublicUser;
    }
  }
}

/**
 * Middleware that sets `req.actor` from `Authorization: Bearer <token>` or the session cookie, or passes a 401 to
 * the error handler.
 */
export function authenticate(container: Container): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    req.actor = await container.services.users.authenticate(requestToken(req.headers));
    next();
  };
}

/** The actor of a route behind `authenticate` (a route without it has none: a programming error). */
export function actorOf(req: Request): PublicUser {
  if (!req.actor) throw new Error('Route is missing the authenticate middleware');
  return req.actor;
}

/**
 * Middleware after `authenticate` on admin-only routes: a non-admin is refused (403) before the body or the
 * parameters are looked at, so the answer tells nothing about what a valid request would be.
 */
export const adminOnly: RequestHandler = (req, _res, next) => {
  assertAdmin(actorOf(req));
  next();
};
