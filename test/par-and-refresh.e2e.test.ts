// PAR, refresh, revocation and introspection driven by openid-client, on real Redis.
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, callbackFrom, injectFetch, loginThroughBrowser } from './support/browser.js';
import { startTestProvider, type TestProvider } from './support/app.js';
import { clientRecord, confidentialClient, demoClientRecords, expectErrorPage, issuer, pid, secretOf, spa, web, webSecret } from './support/vocabulary.js';

const api = confidentialClient('e2e-api', 'http://api.localhost:8095', 'api-client-secret-0123456789-0123456789');

/** INTROSPECT-04: an API scope whose tokens the API client itself may introspect. */
const apiScope = { name: 'e2e:api', prefix: 'e2e', subscope: 'api', description: 'The E2E API', owner_orgno: '991825827', allowed_integration_types: ['api_klient'], accessible_for_all: true, enforced_aud_for_introspection: [api.id] };

const apiClient = {
  ...clientRecord(api),
  client_name: 'E2E API Client',
  integration_type: 'api_klient',
  scopes: ['openid', 'profile', 'idporten:token.introspection', apiScope.name],
  grant_types: ['authorization_code', 'refresh_token'],
};

describe('PAR and the token lifecycle with openid-client', () => {
  let provider: TestProvider;
  beforeAll(async () => {
    provider = await startTestProvider({ clients: [...demoClientRecords, apiClient], scopes: [apiScope], env: { OP_ISSUER: issuer } });
  });
  afterAll(async () => provider.close());

  const configure = (clientId: string, auth: oidc.ClientAuth) =>
    oidc.discovery(new URL(issuer), clientId, undefined, auth, { [oidc.customFetch]: injectFetch(provider.app) as never, execute: [oidc.allowInsecureRequests] });

  async function loginWithPar(config: oidc.Configuration, redirectUri: string, scope = 'openid profile') {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = await oidc.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: redirectUri,
      scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    // PAR-09: only client_id and request_uri travel through the browser.
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    const { response } = await loginThroughBrowser(new Browser(provider.app), url.href);
    const tokens = await oidc.authorizationCodeGrant(config, callbackFrom(response), { pkceCodeVerifier: verifier, expectedState: state });
    return { tokens, url };
  }

  for (const [title, clientId, redirectUri, auth] of [
    ['a confidential client', web.id, web.redirectUri, () => oidc.ClientSecretBasic(webSecret)],
    ['a public client', spa.id, spa.redirectUri, () => oidc.None()],
  ] as const) {
    it(`PAR-04 PAR-07 ${title} pushes its request, logs in with the request_uri and gets tokens`, async () => {
      const config = await configure(clientId, auth());
      const { tokens, url } = await loginWithPar(config, redirectUri);
      expect(tokens.claims()).toMatchObject({ aud: clientId, pid });
      // PAR-08: the request_uri was used up by that login.
      const again = await new Browser(provider.app).get(url.href);
      expectErrorPage(again, 'invalid_request_uri');
    });

    it(`TOKEN-14 ${title} refreshes with rotation, and the old refresh token then fails`, async () => {
      const config = await configure(clientId, auth());
      const { tokens } = await loginWithPar(config, redirectUri);
      const first = tokens.refresh_token!;
      const refreshed = await oidc.refreshTokenGrant(config, first);
      expect(refreshed.refresh_token).toBeDefined();
      expect(refreshed.refresh_token).not.toBe(first);
      expect(refreshed.id_token).toBeUndefined();
      expect(await oidc.fetchUserInfo(config, refreshed.access_token, tokens.claims()!.sub)).toMatchObject({ pid });
      await expect(oidc.refreshTokenGrant(config, first)).rejects.toMatchObject({ error: 'invalid_grant' });
      // RFC 9700 §4.14.2: the reuse ended the grant, so the newest refresh token is dead too.
      await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    });
  }

  it('REVOKE-03 INTROSPECT-05 a client introspects its own access token, revokes it, and it is then inactive everywhere', async () => {
    const config = await configure(api.id, oidc.ClientSecretBasic(secretOf(api)));
    const { tokens } = await loginWithPar(config, api.redirectUri, `openid profile ${apiScope.name}`);
    const active = await oidc.tokenIntrospection(config, tokens.access_token);
    expect(active).toMatchObject({ active: true, token_type: 'Bearer', client_id: api.id, pid, scope: `openid profile ${apiScope.name}` });
    await oidc.tokenRevocation(config, tokens.refresh_token!);
    expect(await oidc.tokenIntrospection(config, tokens.access_token)).toEqual({ active: false });
    await expect(oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).rejects.toBeDefined();
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
