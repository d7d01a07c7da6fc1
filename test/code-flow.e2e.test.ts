// The code flow end to end with openid-client as the relying party: discovery, authorization
// request, TestID login, callback validation, token exchange with each client authentication
// method, id_token validation by the library's own checks, userinfo. Real Redis.
import { readFileSync } from 'node:fs';
import { importJWK, type JWK } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, callbackFrom, injectFetch, loginThroughBrowser } from './support/browser.js';
import { startTestProvider, type TestProvider } from './support/app.js';

const issuer = 'http://localhost:3000';
const demoKey = JSON.parse(readFileSync(new URL('../fixtures/demo/demo-pkjwt.private-key.json', import.meta.url), 'utf8')) as JWK;

const webSecret = 'demo-web-secret-for-local-testing-only-0123456789';
const postSecret = 'client-secret-post-secret-0123456789-abcdef';

const extraClients = [
  {
    client_id: 'e2e-post',
    client_secret: postSecret,
    client_name: 'E2E Post Client',
    client_orgno: '991825827',
    integration_type: 'idporten',
    token_endpoint_auth_method: 'client_secret_post',
    redirect_uris: ['http://rp.localhost:8090/cb'],
    post_logout_redirect_uris: ['http://rp.localhost:8090/'],
  },
];

async function clientsFile(): Promise<unknown[]> {
  const demo = JSON.parse(readFileSync(new URL('../fixtures/demo/clients.json', import.meta.url), 'utf8')) as unknown[];
  return [...demo, ...extraClients];
}

interface Case {
  title: string;
  clientId: string;
  redirectUri: string;
  auth: () => Promise<oidc.ClientAuth>;
}

const cases: Case[] = [
  { title: 'TOKEN-04 client_secret_basic', clientId: 'demo-web', redirectUri: 'http://localhost:8080/callback', auth: async () => oidc.ClientSecretBasic(webSecret) },
  { title: 'TOKEN-05 client_secret_post', clientId: 'e2e-post', redirectUri: 'http://rp.localhost:8090/cb', auth: async () => oidc.ClientSecretPost(postSecret) },
  {
    title: 'TOKEN-06 private_key_jwt',
    clientId: 'demo-pkjwt',
    redirectUri: 'http://localhost:8081/callback',
    auth: async () => oidc.PrivateKeyJwt({ key: (await importJWK(demoKey, 'RS256')) as Parameters<typeof oidc.PrivateKeyJwt>[0] extends { key: infer K } ? K : never, kid: demoKey.kid! }),
  },
  { title: 'TOKEN-09 a public client (none)', clientId: 'demo-spa', redirectUri: 'http://localhost:5173/callback', auth: async () => oidc.None() },
];

describe('authorization code flow with openid-client', () => {
  let provider: TestProvider;
  beforeAll(async () => {
    provider = await startTestProvider({ clients: await clientsFile(), env: { OP_ISSUER: issuer } });
  });
  afterAll(async () => provider.close());

  const configure = async (c: Case) => {
    const config = await oidc.discovery(new URL(issuer), c.clientId, { id_token_signed_response_alg: 'RS256' }, await c.auth(), {
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
          redirect_uri: c.redirectUri,
          scope: 'openid profile',
          code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
          nonce,
          response_mode: responseMode,
        });
        const browser = new Browser(provider.app);
        const { response } = await loginThroughBrowser(browser, url.href, { pid: '21879498012', acr: 'idporten-loa-high' });
        const tokens = await oidc.authorizationCodeGrant(config, callbackFrom(response), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
        const claims = tokens.claims()!;
        expect(claims).toMatchObject({ iss: issuer, aud: c.clientId, pid: '21879498012', acr: 'idporten-loa-high', amr: ['TestID'], locale: 'nb', nonce });
        expect(tokens.token_type).toBe('bearer');
        expect(tokens.scope).toBe('openid profile');
        const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
        expect(info).toEqual({ sub: claims.sub, pid: '21879498012', locale: 'nb' });
      });
    }
  }
});
