/** The precomputed security headers are exactly what helmet sets on a response. */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import helmet from 'helmet';
import { describe, expect, it } from 'vitest';
import { HELMET_OPTIONS } from '../shared/browser-security.js';
import { securityHeaders } from '../shared/security-headers.js';

const response = () => {
  const res = new ServerResponse(new IncomingMessage(new Socket()));
  res.setHeader('X-Powered-By', 'Express');
  return res;
};

describe('securityHeaders', () => {
  it('sets and removes the same headers as helmet with the same options', () => {
    const byHelmet = response();
    let error: unknown = 'not called';
    helmet(HELMET_OPTIONS)({} as never, byHelmet, (e?: unknown) => {
      error = e;
    });
    expect(error).toBeUndefined();
    const precomputed = response();
    securityHeaders()(precomputed);
    expect(precomputed.getHeaders()).toEqual(byHelmet.getHeaders());
    expect(precomputed.getHeader('x-powered-by')).toBeUndefined();
    expect(precomputed.getHeader('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('refuses options whose headers depend on the request', () => {
    const nonce = () => 'n';
    const options = {
      contentSecurityPolicy: { useDefaults: false, directives: { 'default-src': ["'self'"], 'script-src': [nonce] } },
    };
    expect(() => securityHeaders(options as never)).toThrow(/static/);
  });
});
