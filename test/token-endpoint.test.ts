// /token, the tokens it issues and /userinfo at the HTTP level (TOKEN-01…12, TOKEN-17, JWKS-02,
// IDT-01…10, AT-02…07, UI-01…04, ERR-03, ERR-04). The browser part of the flow is driven with
// Browser + loginThroughBrowser; /token and /userinfo are called directly with app.inject so
// that every parameter is under the test's control. Real Redis, a fresh key prefix per test,
// an injected clock so that expiry is tested without sleeping.
import { randomBytes } from 'node:crypto';
import { SignJWT, createLocalJWKSet, decodeJwt, decodeProtectedHeader, generateKeyPair, jwtVerify, type JWTPayload } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestProvider, type TestProvider } from './support/app.js';
import { Browser } from './support/browser.js';
import { tokenFlow } from './support/token-flow.js';
import {
  HIGH,
  SUBSTANTIAL,
  base64url43,
  basic,
  clientAssertionType,
  clientRecord,
  confidentialClient,
  demoClientRecords,
  idTokenOf,
  issuer,
  orgno,
  otherPid,
  pid,
  pkjwt,
  spa,
  web,
  webSecret,
  type TokenResponse,
} from './support/vocabulary.js';

const long = confidentialClient('tok-long', 'http://localhost:8090', 'token-test-long-lived-secret-0123456789-abcdef');
const noPkce = confidentialClient('tok-nopkce', 'http://localhost:8091', 'token-test-no-pkce-secret-0123456789-abcdefgh');

/** Records beside the demo clients: a longer access token lifetime with a supplier, and a PKCE downgrade. */
const extraClients = [
  { ...clientRecord(long), client_name: 'Token Test Long Lifetime', supplier_orgno: orgno, access_token_lifetime: 300 },
  { ...clientRecord(noPkce), client_name: 'Token Test Without PKCE', code_challenge_method: 'none' },
];

let provider: TestProvider;
/** The provider's clock; tests move it instead of sleeping. */
let now: number;

beforeEach(async () => {
  now = Date.now();
  provider = await startTestProvider({ clients: [...demoClientRecords, ...extraClients], env: { OP_ISSUER: issuer }, clock: () => now });
});
afterEach(async () => provider.close());

const { authorize, clientAssertion, postToken, redeem, tokensFor, expectOAuthError, providerJwks, userinfoGet } = tokenFlow({ provider: () => provider, now: () => now });

describe('/token: method, media type and caching (TOKEN-01)', () => {
  it('TOKEN-01 GET /token is refused with 405 and Allow: POST, OPTIONS (the CORS preflight, TOKEN-18)', async () => {
    const response = await provider.app.inject({ method: 'GET', url: '/token' });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('POST, OPTIONS');
  });

  it('TOKEN-01 a JSON body is refused with 400 invalid_request even when it carries a valid code', async () => {
    const authorized = await authorize(web);
    const response = await provider.app.inject({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/json', authorization: basic(web.id, webSecret) },
      payload: JSON.stringify({ grant_type: 'authorization_code', code: authorized.code, redirect_uri: web.redirectUri, code_verifier: authorized.verifier }),
    });
    expectOAuthError(response, 400, 'invalid_request');
  });

  it('TOKEN-01 a successful response is JSON with Cache-Control no-store and Pragma no-cache', async () => {
    const response = await redeem(await authorize(web));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers.pragma).toBe('no-cache');
  });

  it('TOKEN-01 ERR-03 an error response is JSON with Cache-Control no-store and Pragma no-cache', async () => {
    const response = await redeem(await authorize(web), { code: 'no-such-code' });
    expectOAuthError(response, 400, 'invalid_grant');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers.pragma).toBe('no-cache');
  });
});

describe('/token: grant types (TOKEN-02)', () => {
  it('TOKEN-02 a request without grant_type is invalid_request', async () => {
    expectOAuthError(await redeem(await authorize(web), { grant_type: undefined }), 400, 'invalid_request');
  });

  for (const grantType of ['password', 'client_credentials', 'implicit', 'urn:example:unknown-grant']) {
    it(`TOKEN-02 grant_type=${grantType} is unsupported_grant_type`, async () => {
      const response = await postToken({ grant_type: grantType, code: 'x', redirect_uri: web.redirectUri, refresh_token: 'x', username: 'u', password: 'p' }, basic(web.id, webSecret));
      expectOAuthError(response, 400, 'unsupported_grant_type');
    });
  }

  it('TOKEN-02 grant_type=refresh_token from a client not registered for it is unauthorized_client', async () => {
    const form = { grant_type: 'refresh_token', refresh_token: 'x', client_id: pkjwt.id, client_assertion_type: clientAssertionType, client_assertion: await clientAssertion(pkjwt.id) };
    expectOAuthError(await postToken(form), 400, 'unauthorized_client');
  });

  it('TOKEN-02 DISC-04 discovery advertises exactly the implemented grants: authorization_code, refresh_token and jwt-bearer (TOKEN-21)', async () => {
    const response = await provider.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' });
    expect(response.statusCode).toBe(200);
    expect(response.json<{ grant_types_supported: unknown }>().grant_types_supported).toEqual(['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer']);
  });
});

describe('/token: the authorization_code request (TOKEN-10)', () => {
  it('TOKEN-10 a request without code is invalid_request', async () => {
    expectOAuthError(await redeem(await authorize(web), { code: undefined }), 400, 'invalid_request');
  });

  it('TOKEN-10 a request without redirect_uri is invalid_request', async () => {
    expectOAuthError(await redeem(await authorize(web), { redirect_uri: undefined }), 400, 'invalid_request');
  });

  it('TOKEN-10 an unknown code is invalid_grant', async () => {
    expectOAuthError(await redeem(await authorize(web), { code: randomBytes(32).toString('base64url') }), 400, 'invalid_grant');
  });

  it('TOKEN-10 a code issued to another client is invalid_grant', async () => {
    const authorized = await authorize(web);
    // tok-long authenticates correctly, but the code was issued to demo-web.
    expectOAuthError(await redeem(authorized, {}, long), 400, 'invalid_grant');
  });

  it('TOKEN-10 a redirect_uri other than the one authorized (though registered) is invalid_grant', async () => {
    expectOAuthError(await redeem(await authorize(web), { redirect_uri: 'http://127.0.0.1:8080/callback' }), 400, 'invalid_grant');
  });

  it('TOKEN-10 a missing code_verifier when a challenge was stored is invalid_grant', async () => {
    expectOAuthError(await redeem(await authorize(web), { code_verifier: undefined }), 400, 'invalid_grant');
  });

  it('TOKEN-10 a code_verifier that does not hash to the challenge is invalid_grant', async () => {
    expectOAuthError(await redeem(await authorize(web), { code_verifier: randomBytes(32).toString('base64url') }), 400, 'invalid_grant');
  });

  it('TOKEN-10 a PKCE-downgraded client redeems its code without a code_verifier', async () => {
    const response = await redeem(await authorize(noPkce, { pkce: false }));
    expect(response.statusCode, response.body).toBe(200);
  });

  it('TOKEN-10 a code_verifier sent when no challenge was stored is invalid_grant', async () => {
    const authorized = await authorize(noPkce, { pkce: false });
    expectOAuthError(await redeem(authorized, { code_verifier: randomBytes(32).toString('base64url') }), 400, 'invalid_grant');
  });
});

describe('/token: code lifetime and single use (TOKEN-11)', () => {
  it('TOKEN-11 a code is still accepted 59 s after it was issued', async () => {
    const authorized = await authorize(web);
    now += 59_000;
    expect((await redeem(authorized)).statusCode).toBe(200);
  });

  it('TOKEN-11 a code is expired 61 s after it was issued (invalid_grant)', async () => {
    const authorized = await authorize(web);
    now += 61_000;
    expectOAuthError(await redeem(authorized), 400, 'invalid_grant');
  });

  it('TOKEN-11 a second redemption of a code fails with invalid_grant', async () => {
    const authorized = await authorize(web);
    expect((await redeem(authorized)).statusCode).toBe(200);
    expectOAuthError(await redeem(authorized), 400, 'invalid_grant');
  });

  it('TOKEN-11 a second redemption of a code revokes the access token of the first', async () => {
    const authorized = await authorize(web);
    const first = await redeem(authorized);
    const accessToken = first.json<TokenResponse>().access_token;
    expect((await userinfoGet(accessToken)).statusCode).toBe(200);
    expectOAuthError(await redeem(authorized), 400, 'invalid_grant');
    const after = await userinfoGet(accessToken);
    expect(after.statusCode).toBe(401);
    expect(after.json<{ error: string }>().error).toBe('invalid_token');
    expect(after.headers['www-authenticate']).toContain('error="invalid_token"');
  });
});

describe('/token: the success response (TOKEN-12)', () => {
  it('TOKEN-12 CLIENT-05 the body is exactly access_token, token_type Bearer, expires_in 120, scope and id_token for a client without the refresh_token grant', async () => {
    const response = await redeem(await authorize(pkjwt));
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<Record<string, unknown>>();
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'scope', 'token_type']);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 120, scope: 'openid profile' });
    expect(typeof body.access_token).toBe('string');
    expect(typeof body.id_token).toBe('string');
  });

  it('TOKEN-12 AT-07 expires_in is the client access_token_lifetime (300 s)', async () => {
    expect((await tokensFor(long)).expires_in).toBe(300);
  });

  it('TOKEN-12 CLIENT-05 a client registered for refresh_token also gets a refresh_token', async () => {
    const body = (await tokensFor(web)) as unknown as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'refresh_token', 'scope', 'token_type']);
    expect(body.refresh_token).toMatch(base64url43);
  });

  it('TOKEN-12 without openid in the scope there is no id_token', async () => {
    const body = (await tokensFor(web, { scope: 'profile' })) as unknown as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
    expect(body.scope).toBe('profile');
  });
});

describe('/token: error status codes (TOKEN-17, ERR-04)', () => {
  it('TOKEN-17 ERR-04 a wrong Basic secret is 401 invalid_client with WWW-Authenticate: Basic', async () => {
    const authorized = await authorize(web);
    const response = await postToken(
      { grant_type: 'authorization_code', code: authorized.code, redirect_uri: web.redirectUri, code_verifier: authorized.verifier! },
      basic(web.id, 'not-the-secret-of-demo-web-0123456789abcdef'),
    );
    expectOAuthError(response, 401, 'invalid_client');
    expect(response.headers['www-authenticate']).toMatch(/^Basic realm="http:\/\/localhost:3000"$/);
  });

  it('TOKEN-17 ERR-04 a failed authentication without the header is 401 invalid_client without WWW-Authenticate', async () => {
    const authorized = await authorize(spa);
    const response = await redeem(authorized, { client_id: 'no-such-client' });
    expectOAuthError(response, 401, 'invalid_client');
    expect(response.headers['www-authenticate']).toBeUndefined();
  });

  it('TOKEN-17 ERR-04 invalid_grant is 400 without a WWW-Authenticate challenge', async () => {
    const response = await redeem(await authorize(web), { code: 'unknown' });
    expectOAuthError(response, 400, 'invalid_grant');
    expect(response.headers['www-authenticate']).toBeUndefined();
  });
});

describe('token signatures (JWKS-02, IDT-01)', () => {
  for (const which of ['id_token', 'access_token'] as const) {
    it(`JWKS-02 IDT-01 the ${which} header is alg RS256, the active kid and the JWKS x5c, without typ`, async () => {
      const tokens = await tokensFor(web);
      const token = which === 'id_token' ? idTokenOf(tokens) : tokens.access_token;
      const jwks = await providerJwks();
      const active = provider.context.signingKeys.active;
      const published = jwks.keys.find((key) => key.kid === active.kid);
      expect(published).toBeDefined();
      const header = decodeProtectedHeader(token);
      expect(Object.keys(header).sort()).toEqual(['alg', 'kid', 'x5c']);
      expect(header.alg).toBe('RS256');
      expect(header.kid).toBe(active.kid);
      expect(header.x5c).toEqual(published!.x5c);
    });

    it(`JWKS-02 the ${which} signature verifies against /jwks.json`, async () => {
      const tokens = await tokensFor(web);
      const token = which === 'id_token' ? idTokenOf(tokens) : tokens.access_token;
      const { payload } = await jwtVerify(token, createLocalJWKSet(await providerJwks()), { algorithms: ['RS256'], issuer, currentDate: new Date(now) });
      expect(payload.iss).toBe(issuer);
    });
  }
});

describe('id_token claims (IDT-02…IDT-10)', () => {
  it('IDT-02 the claim set is exactly sub amr iss pid locale nonce sid aud acr auth_time exp iat jti', async () => {
    const claims = decodeJwt(idTokenOf(await tokensFor(web, { nonce: 'n-0S6_WzA2Mj' })));
    expect(Object.keys(claims).sort()).toEqual(['acr', 'amr', 'aud', 'auth_time', 'exp', 'iat', 'iss', 'jti', 'locale', 'nonce', 'pid', 'sid', 'sub']);
  });

  it('IDT-03 iss is the issuer and aud is the client_id as a single string', async () => {
    const claims = decodeJwt(idTokenOf(await tokensFor(web)));
    expect(claims.iss).toBe(issuer);
    expect(claims.aud).toBe(web.id);
  });

  it('IDT-04 sub is 43 base64url characters and does not contain the pid', async () => {
    const claims = decodeJwt(idTokenOf(await tokensFor(web)));
    expect(claims.sub).toMatch(base64url43);
    expect(claims.sub).not.toContain(pid);
  });

  it('IDT-04 sub is stable for the same person and client across two logins', async () => {
    const first = decodeJwt(idTokenOf(await tokensFor(web)));
    const second = decodeJwt(idTokenOf(await tokensFor(web)));
    expect(second.sub).toBe(first.sub);
  });

  it('IDT-04 sub differs between two clients for the same pid', async () => {
    const atWeb = decodeJwt(idTokenOf(await tokensFor(web)));
    const atPkjwt = decodeJwt(idTokenOf(await tokensFor(pkjwt)));
    expect(atWeb.pid).toBe(atPkjwt.pid);
    expect(atPkjwt.sub).not.toBe(atWeb.sub);
  });

  it('IDT-04 sub differs between two persons at the same client', async () => {
    const one = decodeJwt(idTokenOf(await tokensFor(web)));
    const other = decodeJwt(idTokenOf(await tokensFor(web, { pid: otherPid })));
    expect(other.sub).not.toBe(one.sub);
  });

  it('IDT-05 pid is the authenticated fødselsnummer as a string', async () => {
    expect(decodeJwt(idTokenOf(await tokensFor(web, { pid: otherPid }))).pid).toBe(otherPid);
  });

  it('IDT-06 acr is the level achieved and amr is the array ["TestID"]', async () => {
    const claims = decodeJwt(idTokenOf(await tokensFor(web, { acr: HIGH })));
    expect(claims.acr).toBe(HIGH);
    expect(claims.amr).toEqual(['TestID']);
  });

  it('IDT-07 auth_time is the login time, iat the issue time and exp = iat + 120', async () => {
    const loginSeconds = Math.floor(now / 1000);
    const authorized = await authorize(web);
    now += 5_000;
    const response = await redeem(authorized);
    const claims = decodeJwt(idTokenOf(response.json<TokenResponse>()));
    expect(claims.auth_time).toBe(loginSeconds);
    expect(claims.iat).toBe(Math.floor(now / 1000));
    expect(claims.exp).toBe(claims.iat! + 120);
  });

  it('IDT-07 jti is unique across two logins', async () => {
    const first = decodeJwt(idTokenOf(await tokensFor(web)));
    const second = decodeJwt(idTokenOf(await tokensFor(web)));
    expect(first.jti).toMatch(/^[A-Za-z0-9_-]{11,}$/);
    expect(second.jti).toMatch(/^[A-Za-z0-9_-]{11,}$/);
    expect(second.jti).not.toBe(first.jti);
  });

  it('IDT-08 nonce is copied unchanged when sent', async () => {
    const nonce = 'a nonce with spaces & symbols/+=';
    expect(decodeJwt(idTokenOf(await tokensFor(web, { nonce }))).nonce).toBe(nonce);
  });

  it('IDT-08 there is no nonce claim when none was sent', async () => {
    expect(decodeJwt(idTokenOf(await tokensFor(web)))).not.toHaveProperty('nonce');
  });

  it('IDT-08 there is no at_hash and no c_hash', async () => {
    const claims = decodeJwt(idTokenOf(await tokensFor(web, { nonce: 'n' })));
    expect(claims).not.toHaveProperty('at_hash');
    expect(claims).not.toHaveProperty('c_hash');
  });

  it('IDT-09 locale is nb by default', async () => {
    expect(decodeJwt(idTokenOf(await tokensFor(web))).locale).toBe('nb');
  });

  it('IDT-09 locale is en when ui_locales=en was sent', async () => {
    expect(decodeJwt(idTokenOf(await tokensFor(web, { uiLocales: 'en' }))).locale).toBe('en');
  });

  it('IDT-10 sid is present for a client with frontchannel_logout_session_required', async () => {
    expect(decodeJwt(idTokenOf(await tokensFor(web))).sid).toMatch(/^[A-Za-z0-9_-]{16,}$/);
  });

  it('IDT-10 sid is absent for a client without frontchannel_logout_session_required', async () => {
    expect(decodeJwt(idTokenOf(await tokensFor(pkjwt)))).not.toHaveProperty('sid');
  });
});

describe('levels and methods (AUTHZ-12, AUTHN-02, IDT-12)', () => {
  it('AUTHZ-12 the acr issued is the level achieved, above the requested minimum when the user chose higher', async () => {
    // No acr_values: the minimum is substantial (AUTHZ-11), the tester picks high.
    const tokens = await tokensFor(web, { acr: HIGH });
    expect(decodeJwt(idTokenOf(tokens)).acr).toBe(HIGH);
    expect(decodeJwt(tokens.access_token).acr).toBe(HIGH);
  });

  it('AUTHN-02 TestID logins carry amr ["TestID"] with the level the tester chose', async () => {
    for (const acr of [SUBSTANTIAL, HIGH]) {
      const claims = decodeJwt(idTokenOf(await tokensFor(web, { acr })));
      expect(claims).toMatchObject({ amr: ['TestID'], acr });
    }
  });

  it('IDT-12 the id_token lives 120 s however long the SSO session still has', async () => {
    const browser = new Browser(provider.app);
    const first = decodeJwt(idTokenOf(await tokensFor(web, { browser })));
    now += 25 * 60_000;
    // Answered from the session (no new login): still exp = iat + 120, not the session's end.
    const second = decodeJwt(idTokenOf(await tokensFor(web, { browser })));
    expect(second.auth_time).toBe(first.auth_time);
    expect(second.exp! - second.iat!).toBe(120);
  });
});

describe('access token claims (AT-02…AT-07)', () => {
  it('AT-02 the claim set is exactly sub acr scope iss client_amr pid exp iat jti client_id consumer', async () => {
    const claims = decodeJwt((await tokensFor(web)).access_token);
    expect(Object.keys(claims).sort()).toEqual(['acr', 'client_amr', 'client_id', 'consumer', 'exp', 'iat', 'iss', 'jti', 'pid', 'scope', 'sub']);
  });

  it('AT-02 iss, acr, scope and client_id carry the values of the login', async () => {
    const claims = decodeJwt((await tokensFor(web, { acr: HIGH })).access_token);
    expect(claims).toMatchObject({ iss: issuer, acr: HIGH, scope: 'openid profile', client_id: web.id });
  });

  it('AT-02 jti is a random base64url value, different from the id_token jti and across logins', async () => {
    const first = await tokensFor(web);
    const second = await tokensFor(web);
    const jti = decodeJwt(first.access_token).jti;
    expect(jti).toMatch(/^[A-Za-z0-9_-]{11,}$/);
    expect(jti).not.toBe(decodeJwt(idTokenOf(first)).jti);
    expect(decodeJwt(second.access_token).jti).not.toBe(jti);
  });

  it('AT-03 consumer is the client_orgno as iso6523-actorid-upis and there is no supplier without supplier_orgno', async () => {
    const claims = decodeJwt((await tokensFor(web)).access_token);
    expect(claims.consumer).toEqual({ authority: 'iso6523-actorid-upis', ID: `0192:${orgno}` });
    expect(claims).not.toHaveProperty('supplier');
    expect(claims).not.toHaveProperty('client_orgno');
  });

  it('AT-03 supplier is present for a client with supplier_orgno', async () => {
    const claims = decodeJwt((await tokensFor(long)).access_token);
    expect(claims.supplier).toEqual({ authority: 'iso6523-actorid-upis', ID: `0192:${orgno}` });
  });

  for (const [client, method] of [
    [web, 'client_secret_basic'],
    [pkjwt, 'private_key_jwt'],
    [spa, 'none'],
  ] as const) {
    it(`AT-04 client_amr is ${method} for ${client.id}`, async () => {
      expect(decodeJwt((await tokensFor(client)).access_token).client_amr).toBe(method);
    });
  }

  it('AT-05 sub equals the id_token sub and pid is the authenticated person', async () => {
    const tokens = await tokensFor(web, { pid: otherPid });
    const access = decodeJwt(tokens.access_token);
    const id = decodeJwt(idTokenOf(tokens));
    expect(access.sub).toBe(id.sub);
    expect(access.pid).toBe(otherPid);
  });

  it('AT-06 aud is absent when no resource was requested', async () => {
    expect(decodeJwt((await tokensFor(web)).access_token)).not.toHaveProperty('aud');
  });

  it('AT-06 aud is a string for one resource', async () => {
    const claims = decodeJwt((await tokensFor(web, { resources: ['https://api.example.no/'] })).access_token);
    expect(claims.aud).toBe('https://api.example.no/');
  });

  it('AT-06 aud is an array for two resources', async () => {
    const claims = decodeJwt((await tokensFor(web, { resources: ['https://api.example.no/', 'https://other.example.no/v1'] })).access_token);
    expect(claims.aud).toEqual(['https://api.example.no/', 'https://other.example.no/v1']);
  });

  it('AT-07 exp − iat is the default access_token_lifetime 120', async () => {
    const claims: JWTPayload = decodeJwt((await tokensFor(web)).access_token);
    expect(claims.iat).toBe(Math.floor(now / 1000));
    expect(claims.exp! - claims.iat!).toBe(120);
  });

  it('AT-07 exp − iat is the client access_token_lifetime 300', async () => {
    const claims: JWTPayload = decodeJwt((await tokensFor(long)).access_token);
    expect(claims.exp! - claims.iat!).toBe(300);
  });
});

describe('/userinfo: presenting the token (UI-01)', () => {
  it('UI-01 GET with an Authorization: Bearer header answers 200', async () => {
    const response = await userinfoGet((await tokensFor(web)).access_token);
    expect(response.statusCode, response.body).toBe(200);
  });

  it('UI-01 POST with an Authorization: Bearer header answers 200', async () => {
    const { access_token } = await tokensFor(web);
    const response = await provider.app.inject({ method: 'POST', url: '/userinfo', headers: { authorization: `Bearer ${access_token}` } });
    expect(response.statusCode, response.body).toBe(200);
  });

  it('UI-01 POST with the form field access_token answers 200', async () => {
    const { access_token } = await tokensFor(web);
    const response = await provider.app.inject({
      method: 'POST',
      url: '/userinfo',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ access_token }).toString(),
    });
    expect(response.statusCode, response.body).toBe(200);
  });

  it('UI-01 an access_token in the query string is refused with 400 invalid_request', async () => {
    const { access_token } = await tokensFor(web);
    const response = await provider.app.inject({ method: 'GET', url: `/userinfo?${new URLSearchParams({ access_token })}` });
    expectOAuthError(response, 400, 'invalid_request');
  });

  it('UI-01 a token in both the header and the body is refused with 400 invalid_request', async () => {
    const { access_token } = await tokensFor(web);
    const response = await provider.app.inject({
      method: 'POST',
      url: '/userinfo',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${access_token}` },
      payload: new URLSearchParams({ access_token }).toString(),
    });
    expectOAuthError(response, 400, 'invalid_request');
  });

  it('UI-04 an Authorization header with another scheme is a bare 401 Bearer challenge without an error code (RFC 6750 §3.1)', async () => {
    const response = await provider.app.inject({ method: 'GET', url: '/userinfo', headers: { authorization: basic(web.id, 'whatever-secret') } });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe(`Bearer realm="${issuer}"`);
    expect(response.body).toBe('');
  });

  it('UI-01 a malformed Bearer header is refused with 400 invalid_request', async () => {
    const response = await provider.app.inject({ method: 'GET', url: '/userinfo', headers: { authorization: 'Bearer two tokens' } });
    expectOAuthError(response, 400, 'invalid_request');
  });
});

describe('/userinfo: which tokens are accepted (UI-02)', () => {
  it('UI-02 an id_token presented as bearer token is 401 invalid_token', async () => {
    const response = await userinfoGet(idTokenOf(await tokensFor(web)));
    expectOAuthError(response, 401, 'invalid_token');
  });

  it('UI-02 a copy of a genuine access token signed by another key (same kid) is 401 invalid_token', async () => {
    const { access_token } = await tokensFor(web);
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(decodeJwt(access_token)).setProtectedHeader(decodeProtectedHeader(access_token) as { alg: string }).sign(privateKey);
    expect(decodeJwt(forged)).toEqual(decodeJwt(access_token));
    expectOAuthError(await userinfoGet(forged), 401, 'invalid_token');
  });

  it('UI-02 an access token is still accepted 1 s before its exp', async () => {
    const { access_token } = await tokensFor(web);
    now += 119_000;
    expect((await userinfoGet(access_token)).statusCode).toBe(200);
  });

  it('UI-02 an expired access token is 401 invalid_token', async () => {
    const { access_token } = await tokensFor(web);
    now += 121_000;
    expectOAuthError(await userinfoGet(access_token), 401, 'invalid_token');
  });

  it('UI-02 UI-04 a token without the profile scope is 403 insufficient_scope', async () => {
    const { access_token, scope } = await tokensFor(web, { scope: 'openid' });
    expect(scope).toBe('openid');
    const response = await userinfoGet(access_token);
    expectOAuthError(response, 403, 'insufficient_scope');
    expect(response.headers['www-authenticate']).toContain('error="insufficient_scope"');
  });
});

describe('/userinfo: the response (UI-03)', () => {
  it('UI-03 the body is exactly {sub, pid, locale} with sub as in the id_token, JSON and no-store', async () => {
    const tokens = await tokensFor(web);
    const response = await userinfoGet(tokens.access_token);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual({ sub: decodeJwt(idTokenOf(tokens)).sub, pid, locale: 'nb' });
  });

  it('UI-03 locale is the language of the login (en)', async () => {
    const response = await userinfoGet((await tokensFor(web, { uiLocales: 'en' })).access_token);
    expect(response.json<{ locale: string }>().locale).toBe('en');
  });
});

describe('/userinfo: errors (UI-04)', () => {
  it('UI-04 no token is 401 with a bare Bearer challenge naming the issuer as realm', async () => {
    const response = await provider.app.inject({ method: 'GET', url: '/userinfo' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe(`Bearer realm="${issuer}"`);
  });

  it('UI-04 an invalid token is 401 with error="invalid_token" in the challenge', async () => {
    const response = await userinfoGet('not.a.token');
    expectOAuthError(response, 401, 'invalid_token');
    const challenge = String(response.headers['www-authenticate']);
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain(`realm="${issuer}"`);
    expect(challenge).toContain('error="invalid_token"');
  });
});
