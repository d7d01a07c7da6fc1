// Every answer carries helmet's security headers, computed once at start (src/http/security-headers.ts);
// a page replaces only the CSP with its own. The expected set is the one the Fastify wrapper of
// helmet sent before the headers were precomputed, header for header.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProvider, type TestProvider } from '../support/app.js';

const expected = {
  'content-security-policy': "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'cross-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'DENY',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

describe('security headers on every answer', () => {
  let provider: TestProvider;
  beforeAll(async () => {
    provider = await startTestProvider();
  });
  afterAll(async () => provider.close());

  it('discovery, a 404, a token error and the JWKS carry the whole set', async () => {
    for (const request of [
      { method: 'GET' as const, url: '/.well-known/openid-configuration' },
      { method: 'GET' as const, url: '/no-such-path' },
      { method: 'GET' as const, url: '/jwks' },
      { method: 'POST' as const, url: '/token', payload: 'grant_type=authorization_code', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    ]) {
      const response = await provider.app.inject(request);
      for (const [name, value] of Object.entries(expected)) expect(response.headers[name], `${request.url} ${name}`).toBe(value);
      expect(response.headers['x-powered-by']).toBeUndefined();
    }
  });

  it("AUTHZ-28 a page keeps every header and replaces the CSP with its own stricter one", async () => {
    const response = await provider.app.inject({ method: 'GET', url: '/authorize' });
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    for (const [name, value] of Object.entries(expected)) {
      if (name === 'content-security-policy') continue;
      expect(response.headers[name], name).toBe(value);
    }
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'none'");
    expect(csp).not.toBe(expected['content-security-policy']);
  });
});
