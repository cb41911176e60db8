/**
 * The rate limits both servers apply, in one place: which routes, how many per client address, over which
 * window, and the `RATE_LIMITED` error they answer. Each framework enforces them with its own library
 * (`@fastify/rate-limit`, `express-rate-limit`); with `REDIS_URL` the counters live in Redis under
 * `REDIS_PREFIX`, so the whole fleet shares one budget per address.
 */
import { TickworkError } from 'tickwork';
import type { ExampleConfig } from './config.js';

/** One limited route. */
export interface RateLimitRule {
  /** Requests allowed per client address and window. */
  readonly max: number;
  /** Window length in milliseconds. */
  readonly windowMs: number;
  /** Key prefix of this rule's counters in Redis (after `REDIS_PREFIX`). */
  readonly name: string;
}

/** The limits: logins per minute (guessing passwords) and registrations per hour (filling the user table, and scrypt work). */
export function rateLimitRules(config: Pick<ExampleConfig, 'loginRateLimit' | 'registerRateLimit'>): {
  readonly login: RateLimitRule;
  readonly register: RateLimitRule;
} {
  return {
    login: { max: config.loginRateLimit, windowMs: 60_000, name: 'login' },
    register: { max: config.registerRateLimit, windowMs: 3_600_000, name: 'register' },
  };
}

/** The error of a request over its limit of `max`; `retryAfterMs` is how long until the window frees a slot. */
export function rateLimitedError(max: number, retryAfterMs: number): TickworkError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new TickworkError('RATE_LIMITED', `Too many attempts; try again in ${seconds} s`, {
    details: { limit: max, retryAfterMs },
  });
}
