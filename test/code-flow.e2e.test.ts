// The code flow end to end with openid-client as the relying party: discovery, authorization
// request, TestID login, callback validation, token exchange with each client authentication
// method, id_token validation by the library's own checks, userinfo. Real Redis.
import { importJWK } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, callbackFrom, injectFetch, loginThroughBrowser } from './support/browser.js';
import { startTestProvider, type TestProvider } from './support/app.js';
import { HIGH, clientRecord, confidentialClient, demoClientRecords, demoPkjwtKey, issuer, pid, pkjwt, secretOf, spa, web, webSecret, type TestClient } from './support/vocabulary.js';

const post = confidentialClient('e2e-post', 'http://rp.localhost:8090', 'client-secret-post-secret-0123456789-abcdef', 'post');

const extraClients = [{ ...clientRecord(post), client_name: 'E2E Post Client' }];

interface Case {
  title: string;
  client: TestClient;
  auth: () => Promise<oidc.ClientAuth>;
}

const cases: Case[] = [
  { title: 'TOKEN-04 client_secret_basic', client: web, auth: async () => oidc.ClientSecretBasic(webSecret) },
  { title: 'TOKEN-05 client_secret_post', client: post, auth: async () => oidc.ClientSecretPost(secretOf(post)) },
  {
    title: 'TOKEN-06 private_key_jwt',
    client: pkjwt,
    auth: async () =>
      oidc.PrivateKeyJwt({ key: (await importJWK(demoPkjwtKey, 'RS256')) as Parameters<typeof oidc.PrivateKeyJwt>[0] extends { key: infer K } ? K : never, kid: demoPkjwtKey.kid! }),
  },
  { title: 'TOKEN-09 a public client (none)', client: spa, auth: async () => oidc.None() },
];

describe('authorization code flow with openid-client', () => {
  let provider: TestProvider;
  beforeAll(async () => {
    provider = await startTestProvider({ clients: [...demoClientRecords, ...extraClients], env: { OP_ISSUER: issuer } });
  });
  afterAll(async () => provider.close());

  const configure = async (c: Case) => {
    const config = await oidc.discovery(new URL(issuer), c.client.id, { id_token_signed_response_alg: 'RS256' }, await c.auth(), {
      [oidc.customFetch]: injectFetch(provider.app) as never,
      execute: [oidc.allowInsecureRequests],
    });
    return config;
  };

  for (const c of cases) {
    for (const responseMode of ['query', 'form_post'] as const) {
      it(`${c.title} completes the flow with response_mode=${responseMode} (AUTHZ-18 IDT-01 UI-03)`, async () => {
        const config = await configure(c);
        const verifier = oidc.randomPKCECodeVerifier();
        const state = oidc.randomState();
        const nonce = oidc.randomNonce();
        const url = oidc.buildAuthorizationUrl(config, {
          redirect_uri: c.client.redirectUri,
          scope: 'openid profile',
          code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
          nonce,
          response_mode: responseMode,
        });
        const browser = new Browser(provider.app);
        const { response } = await loginThroughBrowser(browser, url.href, { pid, acr: HIGH });
        const tokens = await oidc.authorizationCodeGrant(config, callbackFrom(response), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
        const claims = tokens.claims()!;
        expect(claims).toMatchObject({ iss: issuer, aud: c.client.id, pid, acr: HIGH, amr: ['TestID'], locale: 'nb', nonce });
        expect(tokens.token_type).toBe('bearer');
        expect(tokens.scope).toBe('openid profile');
        const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
        expect(info).toEqual({ sub: claims.sub, pid, locale: 'nb' });
      });
    }
  }
});
