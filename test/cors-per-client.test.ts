// TOKEN-18: a response is readable cross-origin only from the origins of the calling client's own
// redirect URIs, not from those of every browser client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProvider, type TestProvider } from './support/app.js';
import { Browser } from './support/browser.js';
import { ssoFlow } from './support/sso-flow.js';
import { byId, clientRecord, demoClientRecords, demoTestClients, type TestClient, type TokenResponse } from './support/vocabulary.js';

const spaOrigin = 'http://localhost:5173'; // demo-spa
const otherOrigin = 'http://localhost:5174'; // other-spa
const other: TestClient = { id: 'other-spa', redirectUri: `${otherOrigin}/callback`, postLogout: `${otherOrigin}/`, auth: { kind: 'none' } };
const registered = byId([...demoTestClients, other]);

describe('TOKEN-18: CORS per calling client', () => {
  let provider: TestProvider;
  beforeAll(async () => {
    provider = await startTestProvider({
      clients: [...demoClientRecords, { ...clientRecord(other), client_name: 'Other SPA', application_type: 'browser' }],
    });
  });
  afterAll(async () => provider.close());

  const flow = ssoFlow<TokenResponse>({ provider: () => provider, registered, verifier: 'cors-per-client-verifier-0123456789-abcdefghijklm', checkLoginPage: false, tokens: (body) => body });

  const tokenRequest = (origin: string, clientId: string, redirectUri: string) =>
    provider.app.inject({
      method: 'POST',
      url: '/token',
      headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'authorization_code', code: 'unknown', redirect_uri: redirectUri, client_id: clientId, code_verifier: 'v'.repeat(43) }).toString(),
    });

  it("TOKEN-18 /token answers another browser client's origin without Access-Control-Allow-Origin", async () => {
    const own = await tokenRequest(spaOrigin, 'demo-spa', `${spaOrigin}/callback`);
    expect(own.statusCode).toBe(400);
    expect(own.headers['access-control-allow-origin']).toBe(spaOrigin);
    const foreign = await tokenRequest(otherOrigin, 'demo-spa', `${spaOrigin}/callback`);
    expect(foreign.statusCode).toBe(400);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    expect((await tokenRequest(otherOrigin, 'other-spa', `${otherOrigin}/callback`)).headers['access-control-allow-origin']).toBe(otherOrigin);
  });

  it("TOKEN-18 /userinfo lets only the token's own client read the answer cross-origin", async () => {
    const tokens = await flow.login(new Browser(provider.app), 'demo-spa');
    const userinfo = (origin: string) => provider.app.inject({ method: 'GET', url: '/userinfo', headers: { origin, authorization: `Bearer ${tokens.access_token}` } });
    expect((await userinfo(spaOrigin)).headers['access-control-allow-origin']).toBe(spaOrigin);
    expect((await userinfo(otherOrigin)).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('TOKEN-18 a preflight, which names no client, is answered for the origin of any browser client', async () => {
    for (const origin of [spaOrigin, otherOrigin]) {
      const response = await provider.app.inject({ method: 'OPTIONS', url: '/token', headers: { origin, 'access-control-request-method': 'POST' } });
      expect(response.headers['access-control-allow-origin']).toBe(origin);
    }
  });
});
