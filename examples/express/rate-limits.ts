/**
 * The login and registration limits of the Express example: `express-rate-limit`, with `rate-limit-redis` as
 * its store when the container has Redis, so every process of a fleet counts against the same budget.
 */
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { type RedisReply, RedisStore } from 'rate-limit-redis';
import type { Container } from '../shared/container.js';
import { type RateLimitRule, rateLimitedError, rateLimitRules } from '../shared/rate-limits.js';

/** One middleware per limited route. */
export interface ExpressRateLimits {
  /** For `POST /auth/login`. */
  readonly login: RequestHandler;
  /** For `POST /auth/register`. */
  readonly register: RequestHandler;
}

/** Builds the limiters for `container` (in-process counters without Redis). */
export function expressRateLimits(container: Container): ExpressRateLimits {
  const { config, redis } = container;
  const rules = rateLimitRules(config);
  const limiter = (rule: RateLimitRule): RequestHandler =>
    rateLimit({
      windowMs: rule.windowMs,
      limit: rule.max,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      ...(redis
        ? {
            store: new RedisStore({
              prefix: `${config.redisPrefix}rate-limit:${rule.name}:`,
              sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply>,
            }),
          }
        : {}),
      handler: (req, _res, next) => {
        const resetTime = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
        next(rateLimitedError(rule.max, resetTime ? resetTime.getTime() - Date.now() : rule.windowMs));
      },
    });
  return { login: limiter(rules.login), register: limiter(rules.register) };
}
