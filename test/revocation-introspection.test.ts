// /token/revoke (RFC 7009) and /token/introspect (RFC 7662) at the HTTP level: REVOKE-01…05,
// INTROSPECT-01…05, AT-08, ERR-03, ERR-04 and their discovery entries (DISC-02). Tokens come
// from the real flow (Browser + TestID login, then /token); the endpoints are called directly
// with app.inject so that every parameter is under the test's control. Real Redis, a fresh key
// prefix per test, an injected clock so that expiry is tested without sleeping.
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestProvider, type TestProvider } from './support/app.js';
import { Browser } from './support/browser.js';
import { authorizeQuery, tokenFlow } from './support/token-flow.js';
import {
  SUBSTANTIAL,
  basic,
  clientRecord,
  confidentialClient,
  demoClientRecords,
  expectLoginRedirect,
  idTokenOf,
  issuer,
  orgno,
  pid,
  pkjwt,
  refreshTokenOf,
  secretOf,
  spa,
  web,
  webSecret,
  type TestClient,
  type TokenResponse,
} from './support/vocabulary.js';

const introspectionScope = 'idporten:token.introspection';

const introspector = confidentialClient('rt-introspector', 'http://localhost:8096', 'revocation-test-introspector-secret-0123456789');
const plainApi = confidentialClient('rt-api-plain', 'http://localhost:8097', 'revocation-test-plain-api-secret-0123456789ab');

/** The record of an api_klient with the refresh_token grant and `scopes`. */
const apiRecord = (client: TestClient, clientName: string, scopes: string[]) => ({
  ...clientRecord(client),
  client_name: clientName,
  integration_type: 'api_klient',
  scopes,
  grant_types: ['authorization_code', 'refresh_token'],
});

/** INTROSPECT-04: the API scope whose tokens the introspector may see (enforced_aud_for_introspection). */
const apiScope = 'rt:api';
const scopes = [
  {
    name: apiScope,
    prefix: 'rt',
    subscope: 'api',
    description: 'The revocation test API',
    owner_orgno: orgno,
    allowed_integration_types: ['api_klient'],
    accessible_for_all: true,
    enforced_aud_for_introspection: [introspector.id],
  },
];

/** INTROSPECT-03: an api_klient registered with the introspection scope, and one without it. */
const extraClients = [
  apiRecord(introspector, 'Revocation Test Introspector', ['openid', 'profile', introspectionScope, apiScope]),
  apiRecord(plainApi, 'Revocation Test API Client Without Introspection', ['openid', 'profile', apiScope]),
];

const revokePath = '/token/revoke';
const introspectPath = '/token/introspect';
const inactive = '{"active":false}';

let provider: TestProvider;
/** The provider's clock; tests move it instead of sleeping. */
let now: number;

beforeEach(async () => {
  now = Date.now();
  provider = await startTestProvider({ clients: [...demoClientRecords, ...extraClients], scopes, env: { OP_ISSUER: issuer }, clock: () => now });
});
afterEach(async () => provider.close());

const { postForm, postAs, tokensFor: tokensOf, refresh, refreshed, expectOAuthError, expectAccessTokenWorks, expectAccessTokenRefused } = tokenFlow({
  provider: () => provider,
  now: () => now,
  // ERR-03: every error of these endpoints is also never cached.
  errorChecks: { noStore: true },
  // These tests never checked where the code was delivered, only that there was one.
  checkRedirectUri: false,
});

/** Tokens as tokenFlow logs in for them; the API clients ask for the API scope too (INTROSPECT-04). */
const tokensFor: typeof tokensOf = (client, options = {}) => tokensOf(client, client === introspector || client === plainApi ? { scope: `openid profile ${apiScope}`, ...options } : options);

const revoke = (as: TestClient, form: Record<string, string>): Promise<LightMyRequestResponse> => postAs(revokePath, as, form);
const introspect = (as: TestClient, form: Record<string, string>): Promise<LightMyRequestResponse> => postAs(introspectPath, as, form);

/** REVOKE-04 RFC 7009 §2.2: 200, empty body, not cached. */
function expectRevoked(response: LightMyRequestResponse): void {
  expect(response.statusCode, response.body).toBe(200);
  expect(response.body).toBe('');
  expect(response.headers['cache-control']).toBe('no-store');
}

/** TOKEN-13: a dead refresh token is invalid_grant. */
async function expectRefreshTokenRefused(client: TestClient, refreshToken: string): Promise<void> {
  expectOAuthError(await refresh(client, refreshToken), 400, 'invalid_grant');
}

/** INTROSPECT-04: exactly {"active":false}, byte for byte, as JSON and never cached. */
function expectInactive(response: LightMyRequestResponse): void {
  expect(response.statusCode, response.body).toBe(200);
  expect(response.body).toBe(inactive);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.headers['cache-control']).toBe('no-store');
}

function expectActive(response: LightMyRequestResponse): Record<string, unknown> {
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json<Record<string, unknown>>();
  expect(body.active).toBe(true);
  return body;
}

describe('/token/revoke: the request (REVOKE-01)', () => {
  it('REVOKE-01 ERR-04 GET /token/revoke is refused with 405 and Allow: POST, OPTIONS (the CORS preflight, TOKEN-18)', async () => {
    const response = await provider.app.inject({ method: 'GET', url: `${revokePath}?token=x` });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('POST, OPTIONS');
  });

  it('REVOKE-01 a JSON body is 400 invalid_request and the token it names keeps working', async () => {
    const { access_token } = await tokensFor(web);
    const response = await provider.app.inject({
      method: 'POST',
      url: revokePath,
      headers: { 'content-type': 'application/json', authorization: basic(web.id, webSecret) },
      payload: JSON.stringify({ token: access_token }),
    });
    expectOAuthError(response, 400, 'invalid_request');
    await expectAccessTokenWorks(access_token);
  });

  it('REVOKE-01 a request without token is 400 invalid_request', async () => {
    expectOAuthError(await revoke(web, {}), 400, 'invalid_request');
  });

  it('REVOKE-01 an empty token parameter is 400 invalid_request', async () => {
    expectOAuthError(await revoke(web, { token: '' }), 400, 'invalid_request');
  });

  it('REVOKE-01 a repeated token parameter is 400 invalid_request and revokes nothing', async () => {
    const { access_token } = await tokensFor(web);
    const payload = `token=${encodeURIComponent(access_token)}&token=${encodeURIComponent(access_token)}`;
    const response = await provider.app.inject({
      method: 'POST',
      url: revokePath,
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(web.id, webSecret) },
      payload,
    });
    expectOAuthError(response, 400, 'invalid_request');
    await expectAccessTokenWorks(access_token);
  });

  it('REVOKE-01 token_type_hint=access_token revokes an access token', async () => {
    const { access_token } = await tokensFor(web);
    expectRevoked(await revoke(web, { token: access_token, token_type_hint: 'access_token' }));
    await expectAccessTokenRefused(access_token);
  });

  it('REVOKE-01 token_type_hint=refresh_token revokes a refresh token', async () => {
    const tokens = await tokensFor(web);
    expectRevoked(await revoke(web, { token: refreshTokenOf(tokens), token_type_hint: 'refresh_token' }));
    await expectRefreshTokenRefused(web, refreshTokenOf(tokens));
  });

  it('REVOKE-01 a wrong hint (refresh_token for an access token) only widens the search: the access token is revoked', async () => {
    const { access_token } = await tokensFor(web);
    expectRevoked(await revoke(web, { token: access_token, token_type_hint: 'refresh_token' }));
    await expectAccessTokenRefused(access_token);
  });

  it('REVOKE-01 a wrong hint (access_token for a refresh token) only widens the search: the refresh token is revoked', async () => {
    const tokens = await tokensFor(web);
    expectRevoked(await revoke(web, { token: refreshTokenOf(tokens), token_type_hint: 'access_token' }));
    await expectRefreshTokenRefused(web, refreshTokenOf(tokens));
  });

  it('REVOKE-01 an unknown hint value still revokes an access token', async () => {
    const { access_token } = await tokensFor(web);
    expectRevoked(await revoke(web, { token: access_token, token_type_hint: 'urn:example:unknown-hint' }));
    await expectAccessTokenRefused(access_token);
  });

  it('REVOKE-01 an unknown hint value still revokes a refresh token', async () => {
    const tokens = await tokensFor(web);
    expectRevoked(await revoke(web, { token: refreshTokenOf(tokens), token_type_hint: 'id_token' }));
    await expectRefreshTokenRefused(web, refreshTokenOf(tokens));
  });
});

describe('/token/revoke: client authentication (REVOKE-02)', () => {
  it('REVOKE-02 a client_secret_basic client revokes with its Basic credentials', async () => {
    const { access_token } = await tokensFor(web);
    expectRevoked(await revoke(web, { token: access_token }));
    await expectAccessTokenRefused(access_token);
  });

  it('REVOKE-02 a public client revokes with only client_id in the form body', async () => {
    const tokens = await tokensFor(spa);
    expectRevoked(await revoke(spa, { token: refreshTokenOf(tokens) }));
    await expectRefreshTokenRefused(spa, refreshTokenOf(tokens));
  });

  it('REVOKE-02 a private_key_jwt client revokes with a client assertion addressed to the issuer', async () => {
    const { access_token } = await tokensFor(pkjwt);
    expectRevoked(await revoke(pkjwt, { token: access_token }));
    await expectAccessTokenRefused(access_token);
  });

  it('REVOKE-02 TOKEN-07 a private_key_jwt assertion addressed to the revocation endpoint URL is 401 invalid_client (only the issuer or the token endpoint)', async () => {
    const { access_token } = await tokensFor(pkjwt);
    expectOAuthError(await postAs(revokePath, pkjwt, { token: access_token }, `${issuer}${revokePath}`), 401, 'invalid_client');
    expectRevoked(await postAs(revokePath, pkjwt, { token: access_token }, `${issuer}/token`));
    await expectAccessTokenRefused(access_token);
  });

  it('REVOKE-02 TOKEN-07 a private_key_jwt assertion addressed to the introspection endpoint is 401 invalid_client, and the token survives', async () => {
    const { access_token } = await tokensFor(pkjwt);
    expectOAuthError(await postAs(revokePath, pkjwt, { token: access_token }, `${issuer}${introspectPath}`), 401, 'invalid_client');
    await expectAccessTokenWorks(access_token);
  });

  it('REVOKE-02 REVOKE-04 ERR-04 a wrong Basic secret is 401 invalid_client with a Basic challenge, and the token survives', async () => {
    const { access_token } = await tokensFor(web);
    const response = await postForm(revokePath, { token: access_token }, basic(web.id, 'not-the-secret-of-demo-web-0123456789abcdef'));
    expectOAuthError(response, 401, 'invalid_client');
    expect(response.headers['www-authenticate']).toBe(`Basic realm="${issuer}"`);
    await expectAccessTokenWorks(access_token);
  });

  it('REVOKE-02 REVOKE-04 a request without any client authentication is 401 invalid_client, and the token survives', async () => {
    const { access_token } = await tokensFor(web);
    const response = await postForm(revokePath, { token: access_token });
    expectOAuthError(response, 401, 'invalid_client');
    expect(response.headers['www-authenticate']).toBeUndefined();
    await expectAccessTokenWorks(access_token);
  });

  it('REVOKE-02 a confidential client cannot pass as public by sending only client_id (401 invalid_client)', async () => {
    const { access_token } = await tokensFor(web);
    expectOAuthError(await postForm(revokePath, { token: access_token, client_id: web.id }), 401, 'invalid_client');
    await expectAccessTokenWorks(access_token);
  });

  it('REVOKE-02 client_secret_post by a client registered for client_secret_basic is 401 invalid_client', async () => {
    const { access_token } = await tokensFor(web);
    const response = await postForm(revokePath, { token: access_token, client_id: web.id, client_secret: webSecret });
    expectOAuthError(response, 401, 'invalid_client');
    await expectAccessTokenWorks(access_token);
  });
});

describe('/token/revoke: what is revoked (REVOKE-03)', () => {
  it('REVOKE-03 revoking the refresh token invalidates that refresh token', async () => {
    const tokens = await tokensFor(web);
    expectRevoked(await revoke(web, { token: refreshTokenOf(tokens) }));
    await expectRefreshTokenRefused(web, refreshTokenOf(tokens));
  });

  it("REVOKE-03 revoking the refresh token invalidates the grant's access token at /userinfo", async () => {
    const tokens = await tokensFor(web);
    await expectAccessTokenWorks(tokens.access_token);
    expectRevoked(await revoke(web, { token: refreshTokenOf(tokens) }));
    await expectAccessTokenRefused(tokens.access_token);
  });

  it('REVOKE-03 revoking the current refresh token after a rotation invalidates every access token of the grant', async () => {
    const first = await tokensFor(web);
    const second = await refreshed(web, refreshTokenOf(first));
    await expectAccessTokenWorks(first.access_token);
    await expectAccessTokenWorks(second.access_token);
    expectRevoked(await revoke(web, { token: refreshTokenOf(second) }));
    await expectAccessTokenRefused(first.access_token);
    await expectAccessTokenRefused(second.access_token);
  });

  it('REVOKE-03 revoking a rotated-out refresh token invalidates the newer refresh token of the same grant', async () => {
    const first = await tokensFor(web);
    const second = await refreshed(web, refreshTokenOf(first));
    expectRevoked(await revoke(web, { token: refreshTokenOf(first) }));
    await expectRefreshTokenRefused(web, refreshTokenOf(second));
    await expectAccessTokenRefused(second.access_token);
  });

  it("REVOKE-03 revoking the access token invalidates the grant's refresh token", async () => {
    const tokens = await tokensFor(web);
    expectRevoked(await revoke(web, { token: tokens.access_token }));
    await expectRefreshTokenRefused(web, refreshTokenOf(tokens));
  });

  it('REVOKE-03 revoking the first access token also invalidates the refresh token issued by a later refresh', async () => {
    const first = await tokensFor(web);
    const second = await refreshed(web, refreshTokenOf(first));
    expectRevoked(await revoke(web, { token: first.access_token }));
    await expectRefreshTokenRefused(web, refreshTokenOf(second));
    await expectAccessTokenRefused(second.access_token);
  });

  it('REVOKE-03 the SSO session is untouched: the next /authorize in the same browser is answered without the login page', async () => {
    const browser = new Browser(provider.app);
    const tokens = await tokensFor(web, { browser });
    expectRevoked(await revoke(web, { token: refreshTokenOf(tokens) }));
    const again = await browser.get(`/authorize?${authorizeQuery(web, randomBytes(32).toString('base64url'))}`);
    expect(again.statusCode, again.body).toBe(303);
    const location = new URL(String(again.headers.location), issuer);
    expect(`${location.origin}${location.pathname}`).toBe(web.redirectUri);
    expect(location.searchParams.get('code')).toMatch(/.+/);
    // Control: a browser without the session is sent to the login page.
    const stranger = await new Browser(provider.app).get(`/authorize?${authorizeQuery(web, randomBytes(32).toString('base64url'))}`);
    expectLoginRedirect(stranger);
  });

  it("REVOKE-03 another client's grant in the same SSO session keeps its access token and refresh token", async () => {
    const browser = new Browser(provider.app);
    const webTokens = await tokensFor(web, { browser });
    const spaTokens = await tokensFor(spa, { browser });
    expectRevoked(await revoke(web, { token: webTokens.access_token }));
    await expectAccessTokenRefused(webTokens.access_token);
    await expectAccessTokenWorks(spaTokens.access_token);
    await refreshed(spa, refreshTokenOf(spaTokens));
  });

  it('REVOKE-03 a refresh that runs while the grant is being revoked leaves no live token behind', async () => {
    const first = await tokensFor(web);
    // Force the interleaving: the revocation has listed the grant's tokens, and before it writes
    // anything a refresh with the still-live refresh token runs to completion. The store is the
    // real Redis store; only the moment is chosen.
    const store = provider.context.store;
    const members = store.members.bind(store);
    let concurrent: Promise<LightMyRequestResponse> | undefined;
    store.members = async (key: string) => {
      const listed = await members(key);
      if (concurrent === undefined && key.endsWith(':tokens')) {
        concurrent = refresh(web, refreshTokenOf(first));
        await concurrent;
      }
      return listed;
    };
    expectRevoked(await revoke(web, { token: first.access_token }));
    expect(concurrent).toBeDefined();
    const raced = await concurrent!;
    if (raced.statusCode === 200) {
      // Whatever the racing refresh issued must have died with the grant.
      const issued = raced.json<TokenResponse>();
      await expectAccessTokenRefused(issued.access_token);
      await expectRefreshTokenRefused(web, refreshTokenOf(issued));
    } else {
      expectOAuthError(raced, 400, 'invalid_grant');
    }
    await expectAccessTokenRefused(first.access_token);
  });

  it('REVOKE-03 another grant of the same client (a second login) is untouched', async () => {
    const revoked = await tokensFor(web);
    const other = await tokensFor(web);
    expectRevoked(await revoke(web, { token: refreshTokenOf(revoked) }));
    await expectAccessTokenRefused(revoked.access_token);
    await expectAccessTokenWorks(other.access_token);
    await refreshed(web, refreshTokenOf(other));
  });
});

describe('/token/revoke: responses (REVOKE-04)', () => {
  it('REVOKE-04 a valid token is answered 200 with an empty body and Cache-Control no-store', async () => {
    const { access_token } = await tokensFor(web);
    expectRevoked(await revoke(web, { token: access_token }));
  });

  it('REVOKE-04 an already revoked token is answered 200 with an empty body again', async () => {
    const tokens = await tokensFor(web);
    expectRevoked(await revoke(web, { token: refreshTokenOf(tokens) }));
    expectRevoked(await revoke(web, { token: refreshTokenOf(tokens) }));
    expectRevoked(await revoke(web, { token: tokens.access_token }));
  });

  it('REVOKE-04 an expired access token (clock past exp) is answered 200 with an empty body', async () => {
    const { access_token } = await tokensFor(web);
    now = (decodeJwt(access_token).exp! + 1) * 1000;
    expectRevoked(await revoke(web, { token: access_token }));
  });

  it('REVOKE-04 an unknown random token is answered 200 with an empty body', async () => {
    expectRevoked(await revoke(web, { token: randomBytes(32).toString('base64url') }));
  });

  it('REVOKE-04 a garbage string is answered 200 with an empty body', async () => {
    expectRevoked(await revoke(web, { token: 'not a token at all: ä ✓ <>&"' }));
  });

  it('REVOKE-04 a malformed JWT-looking string is answered 200 with an empty body', async () => {
    expectRevoked(await revoke(web, { token: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln' }));
  });

  it('REVOKE-04 an access token issued to another client is 400 invalid_grant and keeps working', async () => {
    const { access_token } = await tokensFor(web);
    const response = await revoke(spa, { token: access_token });
    expectOAuthError(response, 400, 'invalid_grant');
    expect(response.headers['www-authenticate']).toBeUndefined();
    await expectAccessTokenWorks(access_token);
  });

  it('REVOKE-04 a refresh token issued to another client is 400 invalid_grant, and its grant keeps working', async () => {
    const tokens = await tokensFor(web);
    expectOAuthError(await revoke(spa, { token: refreshTokenOf(tokens), token_type_hint: 'refresh_token' }), 400, 'invalid_grant');
    await expectAccessTokenWorks(tokens.access_token);
    await refreshed(web, refreshTokenOf(tokens));
  });
});

describe('/token/revoke: JWT access tokens are deny-listed (REVOKE-05, AT-08)', () => {
  it('REVOKE-05 AT-08 a revoked JWT access token is refused by /userinfo with 401 invalid_token, though it is unexpired and correctly signed', async () => {
    const { access_token } = await tokensFor(web);
    await expectAccessTokenWorks(access_token);
    expectRevoked(await revoke(web, { token: access_token }));
    expect(decodeJwt(access_token).exp! * 1000).toBeGreaterThan(now);
    await expectAccessTokenRefused(access_token);
  });

  it('REVOKE-05 AT-08 a revoked JWT access token stays inactive at introspection until its exp, while a sibling token is active', async () => {
    const revoked = await tokensFor(introspector);
    const sibling = await tokensFor(introspector);
    expectRevoked(await revoke(introspector, { token: revoked.access_token }));
    const exp = decodeJwt(revoked.access_token).exp!;
    for (const at of [now, now + 60_000, (exp - 1) * 1000]) {
      now = at;
      expectInactive(await introspect(introspector, { token: revoked.access_token }));
      await expectAccessTokenRefused(revoked.access_token);
      expectActive(await introspect(introspector, { token: sibling.access_token }));
    }
  });
});

describe('/token/introspect: the request (INTROSPECT-01)', () => {
  it('INTROSPECT-01 ERR-04 GET /token/introspect is refused with 405 and Allow: POST', async () => {
    const response = await provider.app.inject({ method: 'GET', url: `${introspectPath}?token=x` });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('POST');
  });

  it('INTROSPECT-01 a JSON body is 400 invalid_request', async () => {
    const { access_token } = await tokensFor(introspector);
    const response = await provider.app.inject({
      method: 'POST',
      url: introspectPath,
      headers: { 'content-type': 'application/json', authorization: basic(introspector.id, secretOf(introspector)) },
      payload: JSON.stringify({ token: access_token }),
    });
    expectOAuthError(response, 400, 'invalid_request');
  });

  it('INTROSPECT-01 a request without token is 400 invalid_request', async () => {
    expectOAuthError(await introspect(introspector, {}), 400, 'invalid_request');
  });

  it('INTROSPECT-01 a token_type_hint (even a wrong one) does not change the answer', async () => {
    const { access_token } = await tokensFor(introspector);
    const plain = expectActive(await introspect(introspector, { token: access_token }));
    const hinted = expectActive(await introspect(introspector, { token: access_token, token_type_hint: 'refresh_token' }));
    expect(hinted).toEqual(plain);
  });
});

describe('/token/introspect: caller authentication (INTROSPECT-02)', () => {
  it('INTROSPECT-02 ERR-04 a wrong Basic secret is 401 invalid_client with a Basic challenge', async () => {
    const { access_token } = await tokensFor(introspector);
    const response = await postForm(introspectPath, { token: access_token }, basic(introspector.id, 'not-the-introspector-secret-0123456789abcd'));
    expectOAuthError(response, 401, 'invalid_client');
    expect(response.headers['www-authenticate']).toBe(`Basic realm="${issuer}"`);
  });

  it('INTROSPECT-02 a request without client authentication is 401 invalid_client', async () => {
    const { access_token } = await tokensFor(introspector);
    expectOAuthError(await postForm(introspectPath, { token: access_token }), 401, 'invalid_client');
  });

  it('INTROSPECT-02 the introspecting client named without its secret (client_id only) is 401 invalid_client', async () => {
    const { access_token } = await tokensFor(introspector);
    expectOAuthError(await postForm(introspectPath, { token: access_token, client_id: introspector.id }), 401, 'invalid_client');
  });

  it('INTROSPECT-02 RFC 7662 §4 a public client (auth method none) is 401 invalid_client, whatever its scopes', async () => {
    const { access_token } = await tokensFor(spa);
    expectOAuthError(await introspect(spa, { token: access_token }), 401, 'invalid_client');
  });

  it('INTROSPECT-02 an unknown client is 401 invalid_client', async () => {
    const { access_token } = await tokensFor(introspector);
    expectOAuthError(await postForm(introspectPath, { token: access_token }, basic('rt-no-such-client', secretOf(introspector))), 401, 'invalid_client');
  });
});

describe('/token/introspect: caller authorization (INTROSPECT-03)', () => {
  it('INTROSPECT-03 an authenticated api_klient without the idporten:token.introspection scope is 403 unauthorized_client, even for its own active token', async () => {
    const { access_token } = await tokensFor(plainApi);
    await expectAccessTokenWorks(access_token);
    expectOAuthError(await introspect(plainApi, { token: access_token }), 403, 'unauthorized_client');
  });

  it('INTROSPECT-03 an idporten login client (no introspection scope) is 403 unauthorized_client', async () => {
    const { access_token } = await tokensFor(web);
    expectOAuthError(await introspect(web, { token: access_token }), 403, 'unauthorized_client');
  });
});

describe('/token/introspect: exactly {"active":false} (INTROSPECT-04)', () => {
  it('INTROSPECT-04 a refresh token is inactive', async () => {
    const tokens = await tokensFor(introspector);
    expectInactive(await introspect(introspector, { token: refreshTokenOf(tokens), token_type_hint: 'refresh_token' }));
  });

  it('INTROSPECT-04 an id_token is inactive', async () => {
    const tokens = await tokensFor(introspector);
    expectInactive(await introspect(introspector, { token: idTokenOf(tokens) }));
  });

  it('INTROSPECT-04 a garbage string is inactive', async () => {
    expectInactive(await introspect(introspector, { token: 'not a token at all: ä ✓ <>&"' }));
  });

  it('INTROSPECT-04 a malformed JWT-looking string is inactive', async () => {
    expectInactive(await introspect(introspector, { token: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln' }));
  });

  it('INTROSPECT-04 an access token is still active 1 s before exp', async () => {
    const { access_token } = await tokensFor(introspector);
    now = (decodeJwt(access_token).exp! - 1) * 1000;
    expect(expectActive(await introspect(introspector, { token: access_token })).expires_in).toBe(1);
  });

  it('INTROSPECT-04 an expired access token (clock at exp) is inactive', async () => {
    const { access_token } = await tokensFor(introspector);
    now = decodeJwt(access_token).exp! * 1000;
    expectInactive(await introspect(introspector, { token: access_token }));
  });

  it('INTROSPECT-04 a revoked access token is inactive', async () => {
    const { access_token } = await tokensFor(introspector);
    expectActive(await introspect(introspector, { token: access_token }));
    expectRevoked(await revoke(introspector, { token: access_token }));
    expectInactive(await introspect(introspector, { token: access_token }));
  });

  it('INTROSPECT-04 the access token of a grant revoked through its refresh token is inactive', async () => {
    const tokens = await tokensFor(introspector);
    expectRevoked(await revoke(introspector, { token: refreshTokenOf(tokens) }));
    expectInactive(await introspect(introspector, { token: tokens.access_token }));
  });

  it('INTROSPECT-04 a copy of a genuine access token signed by another key (same header) is inactive', async () => {
    const { access_token } = await tokensFor(introspector);
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(decodeJwt(access_token)).setProtectedHeader(decodeProtectedHeader(access_token) as { alg: string }).sign(privateKey);
    expect(decodeJwt(forged)).toEqual(decodeJwt(access_token));
    expectInactive(await introspect(introspector, { token: forged }));
  });

  it('INTROSPECT-04 an access token of another client is active for the introspector its scope names (enforced_aud_for_introspection)', async () => {
    const { access_token } = await tokensFor(plainApi);
    expect(expectActive(await introspect(introspector, { token: access_token })).client_id).toBe(plainApi.id);
  });

  it('INTROSPECT-04 an access token none of whose scopes names the introspector (a login token) is inactive, though it is valid', async () => {
    const { access_token } = await tokensFor(web);
    await expectAccessTokenWorks(access_token);
    expectInactive(await introspect(introspector, { token: access_token }));
  });
});

describe('/token/introspect: the active response (INTROSPECT-05)', () => {
  it('INTROSPECT-05 the body is exactly the listed claims, with the access token values, token_type Bearer and expires_in', async () => {
    const { access_token } = await tokensFor(introspector);
    const claims = decodeJwt(access_token);
    const body = expectActive(await introspect(introspector, { token: access_token }));
    expect(Object.keys(body).sort()).toEqual(['acr', 'active', 'client_amr', 'client_id', 'consumer', 'exp', 'expires_in', 'iat', 'iss', 'jti', 'pid', 'scope', 'sub', 'token_type']);
    expect(body).toEqual({
      active: true,
      token_type: 'Bearer',
      scope: `openid profile ${apiScope}`,
      client_id: introspector.id,
      iss: issuer,
      sub: claims.sub,
      pid,
      acr: SUBSTANTIAL,
      client_amr: 'client_secret_basic',
      consumer: { authority: 'iso6523-actorid-upis', ID: `0192:${orgno}` },
      iat: claims.iat,
      exp: claims.exp,
      expires_in: claims.exp! - Math.floor(now / 1000),
      jti: claims.jti,
    });
  });

  it('INTROSPECT-05 the sub is the pairwise sub of the id_token, not the pid', async () => {
    const tokens = await tokensFor(introspector);
    const body = expectActive(await introspect(introspector, { token: tokens.access_token }));
    expect(body.sub).toBe(decodeJwt(idTokenOf(tokens)).sub);
    expect(body.sub).not.toBe(pid);
  });

  it('INTROSPECT-05 expires_in is exp minus the current time (the clock moved 30 s)', async () => {
    const { access_token } = await tokensFor(introspector);
    const exp = decodeJwt(access_token).exp!;
    now += 30_000;
    const body = expectActive(await introspect(introspector, { token: access_token }));
    expect(body.expires_in).toBe(exp - Math.floor(now / 1000));
    expect(body.expires_in).toBe(90);
    expect(body.exp).toBe(exp);
  });

  it('INTROSPECT-05 aud is present (as a string) when the token was issued for one resource', async () => {
    const { access_token } = await tokensFor(introspector, { resources: ['https://api.example.no/'] });
    const body = expectActive(await introspect(introspector, { token: access_token }));
    expect(body.aud).toBe('https://api.example.no/');
  });

  it('INTROSPECT-05 aud is an array when the token was issued for two resources', async () => {
    const { access_token } = await tokensFor(introspector, { resources: ['https://api.example.no/', 'https://other.example.no/v1'] });
    const body = expectActive(await introspect(introspector, { token: access_token }));
    expect(body.aud).toEqual(['https://api.example.no/', 'https://other.example.no/v1']);
  });

  it('INTROSPECT-05 aud is absent when the token had no resource', async () => {
    const { access_token } = await tokensFor(introspector);
    expect(expectActive(await introspect(introspector, { token: access_token }))).not.toHaveProperty('aud');
  });

  it('INTROSPECT-05 the response is application/json with Cache-Control no-store and Pragma no-cache', async () => {
    const { access_token } = await tokensFor(introspector);
    const response = await introspect(introspector, { token: access_token });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers.pragma).toBe('no-cache');
  });

  it('INTROSPECT-05 an access token from a refresh is active with its own jti and the grant subject', async () => {
    const first = await tokensFor(introspector);
    const second = await refreshed(introspector, refreshTokenOf(first));
    const body = expectActive(await introspect(introspector, { token: second.access_token }));
    expect(body.jti).toBe(decodeJwt(second.access_token).jti);
    expect(body.jti).not.toBe(decodeJwt(first.access_token).jti);
    expect(body.sub).toBe(decodeJwt(first.access_token).sub);
  });
});

describe('discovery of revocation and introspection (DISC-02)', () => {
  it('DISC-02 REVOKE-01 INTROSPECT-01 discovery lists both endpoints under the issuer with their authentication methods', async () => {
    const response = await provider.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' });
    expect(response.statusCode).toBe(200);
    const metadata = response.json<Record<string, unknown>>();
    expect(metadata).toMatchObject({
      revocation_endpoint: `${issuer}/token/revoke`,
      introspection_endpoint: `${issuer}/token/introspect`,
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
      revocation_endpoint_auth_signing_alg_values_supported: ['RS256'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      introspection_endpoint_auth_signing_alg_values_supported: ['RS256'],
    });
  });
});
