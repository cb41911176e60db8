/** The recorded security headers, set in a loop per request, are exactly what helmet sets on a response. */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import helmet from 'helmet';
import { describe, expect, it } from 'vitest';
import { HELMET_OPTIONS } from '../shared/browser-security.js';
import { SECURITY_HEADERS } from '../shared/security-headers.js';

const response = () => new ServerResponse(new IncomingMessage(new Socket()));

describe('SECURITY_HEADERS', () => {
  it('sets the same headers as helmet with the same options', () => {
    const byHelmet = response();
    let error: unknown = 'not called';
    helmet(HELMET_OPTIONS)({} as never, byHelmet, (e?: unknown) => {
      error = e;
    });
    expect(error).toBeUndefined();
    const recorded = response();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) recorded.setHeader(name, value);
    expect(recorded.getHeaders()).toEqual(byHelmet.getHeaders());
    expect(recorded.getHeader('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});
