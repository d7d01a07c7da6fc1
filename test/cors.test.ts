// TOKEN-18: a browser client (SPA) calls the token, revocation, userinfo and PAR endpoints from
// the origin of its registered redirect URI; no other origin gets CORS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProvider, type TestProvider } from './support/app.js';
import { encodeForm, spa } from './support/vocabulary.js';

const spaOrigin = new URL(spa.redirectUri).origin; // demo-spa's redirect_uri origin (fixtures/demo/clients.json)

describe('CORS for browser clients (TOKEN-18)', () => {
  let provider: TestProvider;
  beforeAll(async () => {
    provider = await startTestProvider();
  });
  afterAll(async () => provider.close());

  const preflight = (url: string, origin: string) =>
    provider.app.inject({ method: 'OPTIONS', url, headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });

  for (const path of ['/token', '/token/revoke', '/userinfo', '/par']) {
    it(`TOKEN-18 ${path} answers a preflight from a browser client's origin`, async () => {
      const response = await preflight(path, spaOrigin);
      expect(response.statusCode).toBe(204);
      expect(response.headers['access-control-allow-origin']).toBe(spaOrigin);
      expect(String(response.headers['access-control-allow-methods'])).toContain('POST');
      expect(response.headers['access-control-allow-headers']).toBe('authorization, content-type');
      expect(response.headers['access-control-allow-credentials']).toBeUndefined();
      expect(response.headers.vary).toBe('Origin');
    });

    it(`TOKEN-18 ${path} gives no CORS permission to any other origin`, async () => {
      for (const origin of ['https://evil.example', 'http://localhost:8080', 'null']) {
        const response = await preflight(path, origin);
        expect(response.headers['access-control-allow-origin'], origin).toBeUndefined();
        expect(response.headers['access-control-allow-methods']).toBeUndefined();
      }
    });
  }

  it('TOKEN-18 the actual token response carries the browser client origin, and only that one', async () => {
    const request = (origin: string) =>
      provider.app.inject({
        method: 'POST',
        url: '/token',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
        payload: encodeForm({ grant_type: 'authorization_code', code: 'unknown', redirect_uri: spa.redirectUri, client_id: spa.id, code_verifier: 'v'.repeat(43) }),
      });
    const fromSpa = await request(spaOrigin);
    expect(fromSpa.statusCode).toBe(400);
    expect(fromSpa.headers['access-control-allow-origin']).toBe(spaOrigin);
    expect((await request('https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('TOKEN-18 introspection and the browser pages get no CORS at all', async () => {
    expect((await preflight('/token/introspect', spaOrigin)).statusCode).toBe(405);
    const authorize = await provider.app.inject({ method: 'GET', url: '/authorize', headers: { origin: spaOrigin } });
    expect(authorize.headers['access-control-allow-origin']).toBeUndefined();
  });
});
