// JARM (AUTHZ-17, AUTHZ-15, DISC-02; JARM §2.1–2.3): response_mode query.jwt, form_post.jwt and
// jwt wrap the authorization response — code and state, or the error fields — in one RS256 JWT
// `response` with iss, aud = client_id and exp. Through the HTTP surface on real Redis, and end to
// end with openid-client's own JARM validation (useJwtResponseMode).
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, callbackFrom, injectFetch, loginThroughBrowser } from './support/browser.js';
import { startTestProvider, type TestProvider } from './support/app.js';
import {
  HIGH,
  authorizationUrl,
  base64url43,
  demoClientRecords,
  expectLoginRedirect,
  formPostAction,
  formPostFields,
  issuer,
  pid,
  pkcePair,
  web,
  webSecret,
} from './support/vocabulary.js';

describe('JARM response modes (AUTHZ-17)', () => {
  let provider: TestProvider;
  beforeAll(async () => {
    provider = await startTestProvider({ clients: demoClientRecords, env: { OP_ISSUER: issuer } });
  });
  afterAll(async () => provider.close());

  const jwks = async () => createLocalJWKSet((await provider.app.inject({ method: 'GET', url: '/jwks.json' })).json());
  const url = (extra: Record<string, string | undefined>) =>
    authorizationUrl('/authorize', { clientId: web.id, redirectUri: web.redirectUri, state: 'st-1', challenge: pkcePair().challenge }, extra);

  /** The one `response` parameter, verified with our published keys. */
  async function verified(parameters: URLSearchParams | [string, string][]): Promise<Record<string, unknown>> {
    const entries = [...(parameters instanceof URLSearchParams ? parameters.entries() : parameters)];
    expect(entries.map(([name]) => name)).toEqual(['response']);
    const jwt = entries[0]![1];
    const header = decodeProtectedHeader(jwt);
    // JWKS-02: RS256 with kid and x5c, like every JWS we issue.
    expect(header).toMatchObject({ alg: 'RS256', kid: expect.any(String), x5c: expect.any(Array) });
    const { payload } = await jwtVerify(jwt, await jwks(), { issuer, audience: web.id, algorithms: ['RS256'] });
    return payload as Record<string, unknown>;
  }

  const queryOf = (location: string) => new URL(location).searchParams;

  for (const mode of ['query.jwt', 'jwt'] as const) {
    it(`AUTHZ-17 response_mode=${mode}: a 303 to the redirect_uri with one signed response holding code, state, iss, aud and exp (≤ 10 min)`, async () => {
      const { response } = await loginThroughBrowser(new Browser(provider.app), url({ response_mode: mode }), { pid });
      expect(response.statusCode).toBe(303);
      const location = String(response.headers.location);
      expect(location.startsWith(`${web.redirectUri}?response=`)).toBe(true);
      const claims = await verified(queryOf(location));
      expect(claims).toMatchObject({ iss: issuer, aud: web.id, state: 'st-1' });
      expect(claims.code).toMatch(base64url43);
      const now = Math.floor(Date.now() / 1000);
      expect(claims.exp as number).toBeGreaterThan(now);
      expect(claims.exp as number).toBeLessThanOrEqual(now + 600);
      expect(Object.keys(claims).sort()).toEqual(['aud', 'code', 'exp', 'iss', 'state']);
    });
  }

  it('AUTHZ-17 response_mode=form_post.jwt: the form_post page carries one hidden response field', async () => {
    const { response } = await loginThroughBrowser(new Browser(provider.app), url({ response_mode: 'form_post.jwt' }), { pid });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(formPostAction(response.body)).toBe(web.redirectUri);
    const claims = await verified(formPostFields(response.body));
    expect(claims).toMatchObject({ iss: issuer, aud: web.id, state: 'st-1', code: expect.stringMatching(base64url43) });
  });

  it('AUTHZ-17 AUTHZ-15 an error after redirect_uri validation is wrapped the same way: error, error_description, state', async () => {
    const response = await provider.app.inject({ method: 'GET', url: url({ response_mode: 'query.jwt', scope: 'openid bogus' }) });
    expect(response.statusCode).toBe(303);
    const claims = await verified(queryOf(String(response.headers.location)));
    expect(claims).toMatchObject({ iss: issuer, aud: web.id, error: 'invalid_scope', state: 'st-1', error_description: expect.stringContaining('bogus') });
    expect(claims.code).toBeUndefined();
  });

  it('AUTHZ-17 AUTHZ-26 a cancelled login under form_post.jwt answers access_denied inside the JWT', async () => {
    const { response } = await loginThroughBrowser(new Browser(provider.app), url({ response_mode: 'form_post.jwt' }), { action: 'cancel' });
    expect(response.statusCode).toBe(200);
    expect(await verified(formPostFields(response.body))).toMatchObject({ error: 'access_denied', state: 'st-1', aud: web.id });
  });

  it('AUTHZ-15 an unknown response_mode is still answered in plain query, not wrapped', async () => {
    const response = await provider.app.inject({ method: 'GET', url: url({ response_mode: 'fragment.jwt' }) });
    const query = queryOf(String(response.headers.location));
    expect(query.get('error')).toBe('invalid_request');
    expect(query.get('response')).toBeNull();
  });

  it('AUTHZ-17 an error before redirect_uri validation is the error page, never a JARM redirect', async () => {
    const response = await provider.app.inject({ method: 'GET', url: url({ response_mode: 'query.jwt', redirect_uri: 'https://evil.example/cb' }) });
    expect(response.statusCode).toBe(400);
    expect(response.headers.location).toBeUndefined();
  });

  it('AUTHZ-17 a JARM request proceeds to the login page like any other', async () => {
    expectLoginRedirect(await provider.app.inject({ method: 'GET', url: url({ response_mode: 'form_post.jwt' }) }));
  });

  it('DISC-02 AUTHZ-17 discovery advertises the JARM modes and authorization_signing_alg_values_supported RS256', async () => {
    const metadata = (await provider.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' })).json();
    expect(metadata.response_modes_supported).toEqual(['query', 'form_post', 'query.jwt', 'form_post.jwt']);
    expect(metadata.authorization_signing_alg_values_supported).toEqual(['RS256']);
  });

  describe('end to end with openid-client (useJwtResponseMode)', () => {
    const configure = async () => {
      const config = await oidc.discovery(new URL(issuer), web.id, { id_token_signed_response_alg: 'RS256' }, oidc.ClientSecretBasic(webSecret), {
        [oidc.customFetch]: injectFetch(provider.app) as never,
        execute: [oidc.allowInsecureRequests],
      });
      oidc.useJwtResponseMode(config);
      return config;
    };

    for (const mode of ['jwt', 'form_post.jwt'] as const) {
      it(`AUTHZ-17 openid-client validates the ${mode} response and redeems its code`, async () => {
        const config = await configure();
        const verifier = oidc.randomPKCECodeVerifier();
        const state = oidc.randomState();
        const nonce = oidc.randomNonce();
        const built = oidc.buildAuthorizationUrl(config, {
          redirect_uri: web.redirectUri,
          scope: 'openid profile',
          code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
          nonce,
        });
        // openid-client asks for `jwt`; form_post.jwt is chosen on the URL.
        expect(built.searchParams.get('response_mode')).toBe('jwt');
        if (mode === 'form_post.jwt') built.searchParams.set('response_mode', mode);
        const { response } = await loginThroughBrowser(new Browser(provider.app), built.href, { pid, acr: HIGH });
        const tokens = await oidc.authorizationCodeGrant(config, callbackFrom(response), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
        expect(tokens.claims()).toMatchObject({ iss: issuer, aud: web.id, pid, acr: HIGH });
      });
    }

    it('AUTHZ-17 openid-client surfaces an error delivered inside the JWT', async () => {
      const config = await configure();
      const built = oidc.buildAuthorizationUrl(config, { redirect_uri: web.redirectUri, scope: 'openid profile', state: 'st-err', code_challenge: pkcePair().challenge, code_challenge_method: 'S256', prompt: 'none' });
      const response = await provider.app.inject({ method: 'GET', url: built.pathname + built.search });
      await expect(oidc.authorizationCodeGrant(config, callbackFrom(response), { pkceCodeVerifier: 'x'.repeat(43), expectedState: 'st-err' })).rejects.toMatchObject({ error: 'login_required' });
    });
  });
});
