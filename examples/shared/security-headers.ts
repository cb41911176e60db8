/**
 * The security headers of every answer, worked out once. helmet's middleware is a chain of a dozen functions
 * that each validate and set one header on every request; with static options (ours: {@link HELMET_OPTIONS}
 * has no per-request CSP nonce) they always set the same values. So helmet runs once, at start, against a
 * recorder, and each request gets the recorded headers in one loop: the same headers, from the same
 * maintained library, without rebuilding them per request.
 */
import type { ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';
import { HELMET_OPTIONS } from './browser-security.js';

/** What helmet did to a response: headers set, headers removed. */
interface Recorded {
  readonly set: [name: string, value: string][];
  readonly removed: string[];
}

/** Whether a CSP directive is computed per request (a function, such as a nonce), which a recording cannot hold. */
function hasDynamicDirective(options: HelmetOptions): boolean {
  const csp = options.contentSecurityPolicy;
  const directives = typeof csp === 'object' ? Object.values(csp.directives ?? {}) : [];
  return directives.some(
    (value) => typeof value === 'function' || (Array.isArray(value) && value.some((v) => typeof v === 'function')),
  );
}

function record(options: HelmetOptions): Recorded {
  if (hasDynamicDirective(options))
    throw new Error('securityHeaders needs static helmet options: a CSP directive is a function');
  const recorded: Recorded = { set: [], removed: [] };
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      recorded.set.push([name, String(value)]);
    },
    removeHeader(name: string) {
      recorded.removed.push(name);
    },
  };
  let failure: unknown;
  let finished = false;
  helmet(options)({} as never, recorder as never, (error?: unknown) => {
    failure = error;
    finished = true;
  });
  // helmet's middlewares are synchronous; anything else would mean headers that depend on the request.
  if (!finished || failure) throw new Error(`helmet did not set static headers: ${String(failure ?? 'async')}`);
  return recorded;
}

/**
 * Returns a function that puts helmet's headers for `options` on a response (and removes the ones helmet
 * removes, such as `X-Powered-By`). `options` must be static: no function-valued CSP directives.
 */
export function securityHeaders(options: HelmetOptions = HELMET_OPTIONS): (response: ServerResponse) => void {
  const { set, removed } = record(options);
  return (response) => {
    for (const name of removed) response.removeHeader(name);
    for (const [name, value] of set) response.setHeader(name, value);
  };
}
