// Refresh tokens at the HTTP level (TOKEN-12…17, CLIENT-05, CLIENT-12, CLIENT-13, AT-07, AT-08;
// RFC 6749 §6, §10.4; RFC 9700 §4.14.2). The login is driven with Browser + loginThroughBrowser;
// /token, /token/revoke and /userinfo are called with app.inject so every parameter is under the
// test's control. Real Redis with a fresh key prefix per test; the provider's clock is a mutable
// `now`, so idle windows and the grant's absolute end are crossed without sleeping.
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientRegistryError, parseClientRecords } from '../src/registry/client-registry.js';
import { startTestProvider, type TestProvider } from './support/app.js';
import { tokenFlow } from './support/token-flow.js';
import {
  HIGH,
  base64url43,
  basic,
  clientRecord,
  confidentialClient,
  demoClientRecords,
  issuer,
  orgno,
  pid,
  secretOf,
  spa,
  web,
  webSecret,
  type TestClient,
  type TokenResponse,
} from './support/vocabulary.js';

const reuse = confidentialClient('rt-reuse', 'http://localhost:8100', 'refresh-test-reuse-secret-0123456789-abcdefgh');
const short = confidentialClient('rt-short', 'http://localhost:8101', 'refresh-test-short-secret-0123456789-abcdefgh');
const shortReuse = confidentialClient('rt-short-reuse', 'http://localhost:8102', 'refresh-test-short-reuse-secret-0123456789-ab');
const noRefresh = confidentialClient('rt-norefresh', 'http://localhost:8103', 'refresh-test-no-refresh-secret-0123456789-abcd');

/** The client's record with the refresh_token grant; `extra` adds or overrides. */
const webRecord = (client: TestClient, extra: Record<string, unknown> = {}) => ({
  ...clientRecord(client),
  client_name: `Refresh Test ${client.id}`,
  grant_types: ['authorization_code', 'refresh_token'],
  ...extra,
});

/** CLIENT-12: short lifetimes (access 60 s < refresh 300 s ≤ authorization 900 s). */
const shortLifetimes = { access_token_lifetime: 60, refresh_token_lifetime: 300, authorization_lifetime: 900 };

const extraClients = [
  // CLIENT-13: REUSE with the default lifetimes.
  webRecord(reuse, { refresh_token_usage: 'REUSE' }),
  // CLIENT-13: no refresh_token_usage, so the default ONETIME.
  webRecord(short, shortLifetimes),
  webRecord(shortReuse, { ...shortLifetimes, refresh_token_usage: 'REUSE' }),
  // CLIENT-05: registered for authorization_code only.
  webRecord(noRefresh, { grant_types: ['authorization_code'] }),
];

let provider: TestProvider;
/** The provider's clock in ms; tests move it instead of sleeping. Whole seconds, so lifetimes compare exactly. */
let now: number;
/** The login time of the last `authorize` call (the grant's start, TOKEN-15). */
let loginAt: number;

beforeEach(async () => {
  now = Math.floor(Date.now() / 1000) * 1000;
  provider = await startTestProvider({ clients: [...demoClientRecords, ...extraClients], env: { OP_ISSUER: issuer }, clock: () => now });
});
afterEach(async () => provider.close());

const { authorize, postToken, postAs, refresh, login, refreshOk, expectOAuthError, userinfoGet, expectAccessTokenWorks, expectAccessTokenRefused } = tokenFlow({
  provider: () => provider,
  now: () => now,
  onLogin: (at) => {
    loginAt = at;
  },
});

describe('who gets refresh tokens (CLIENT-05, TOKEN-12)', () => {
  it('CLIENT-05 TOKEN-12 a client without refresh_token in grant_types gets no refresh_token from the code exchange', async () => {
    const authorized = await authorize(noRefresh);
    const response = await postAs('/token', noRefresh, { grant_type: 'authorization_code', code: authorized.code, redirect_uri: noRefresh.redirectUri, code_verifier: authorized.verifier });
    expect(response.statusCode, response.body).toBe(200);
    expect(Object.keys(response.json<Record<string, unknown>>()).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'scope', 'token_type']);
  });

  it('CLIENT-05 TOKEN-02 a client without refresh_token in grant_types is unauthorized_client at the refresh_token grant, even with a live token', async () => {
    const { refresh_token } = await login(web);
    expectOAuthError(await refresh(noRefresh, refresh_token), 400, 'unauthorized_client');
  });

  it('CLIENT-05 a refused refresh_token grant attempt by a client without the grant does not burn the owner’s token', async () => {
    const { refresh_token } = await login(web);
    expectOAuthError(await refresh(noRefresh, refresh_token), 400, 'unauthorized_client');
    await refreshOk(web, refresh_token);
  });

  it('CLIENT-05 TOKEN-12 a client with refresh_token in grant_types gets a 256-bit base64url refresh_token', async () => {
    const tokens = await login(web);
    expect(tokens.refresh_token).toMatch(base64url43);
  });
});

describe('the refresh_token request (TOKEN-13)', () => {
  it('TOKEN-13 a confidential client refreshes with its registered client_secret_basic', async () => {
    const { refresh_token } = await login(web);
    const refreshed = await refreshOk(web, refresh_token);
    expect(decodeJwt(refreshed.access_token).client_amr).toBe('client_secret_basic');
  });

  it('TOKEN-13 TOKEN-09 a public client refreshes with client_id only', async () => {
    const { refresh_token } = await login(spa);
    const refreshed = await refreshOk(spa, refresh_token);
    expect(decodeJwt(refreshed.access_token)).toMatchObject({ client_id: spa.id, client_amr: 'none' });
  });

  it('TOKEN-13 a request without refresh_token is invalid_request', async () => {
    await login(web);
    expectOAuthError(await postAs('/token', web, { grant_type: 'refresh_token' }), 400, 'invalid_request');
  });

  it('TOKEN-13 RFC 6749 §3.1 an empty refresh_token is treated as missing: invalid_request', async () => {
    await login(web);
    expectOAuthError(await refresh(web, ''), 400, 'invalid_request');
  });

  it('TOKEN-13 an unknown refresh token is invalid_grant', async () => {
    await login(web);
    expectOAuthError(await refresh(web, randomBytes(32).toString('base64url')), 400, 'invalid_grant');
  });

  it('TOKEN-13 another client’s refresh token presented by an ONETIME client is invalid_grant', async () => {
    const { refresh_token } = await login(web);
    expectOAuthError(await refresh(short, refresh_token), 400, 'invalid_grant');
  });

  it('TOKEN-13 another client’s refresh token presented by a REUSE client is invalid_grant', async () => {
    const { refresh_token } = await login(web);
    expectOAuthError(await refresh(reuse, refresh_token), 400, 'invalid_grant');
  });

  it('TOKEN-13 TOKEN-14 a refresh token refused to another client is not burnt: the owner still refreshes with it', async () => {
    const { refresh_token } = await login(web);
    expectOAuthError(await refresh(short, refresh_token), 400, 'invalid_grant');
    expectOAuthError(await refresh(spa, refresh_token), 400, 'invalid_grant');
    expectOAuthError(await refresh(reuse, refresh_token), 400, 'invalid_grant');
    const refreshed = await refreshOk(web, refresh_token);
    await expectAccessTokenWorks(refreshed.access_token);
  });

  it('TOKEN-13 TOKEN-04 a wrong client secret is 401 invalid_client with a Basic challenge', async () => {
    const { refresh_token } = await login(web);
    const response = await postToken({ grant_type: 'refresh_token', refresh_token }, basic(web.id, 'not-the-secret-of-demo-web-0123456789abcdef'));
    expectOAuthError(response, 401, 'invalid_client');
    expect(response.headers['www-authenticate']).toBe(`Basic realm="${issuer}"`);
  });

  it('TOKEN-13 TOKEN-03 a confidential client sending only client_id (no secret) is 401 invalid_client', async () => {
    const { refresh_token } = await login(web);
    expectOAuthError(await postToken({ grant_type: 'refresh_token', refresh_token, client_id: web.id }), 401, 'invalid_client');
  });

  it('TOKEN-13 a public client’s refresh without client_id is 401 invalid_client', async () => {
    const { refresh_token } = await login(spa);
    expectOAuthError(await postToken({ grant_type: 'refresh_token', refresh_token }), 401, 'invalid_client');
  });

  it('TOKEN-13 a refresh refused for failed client authentication does not burn the token', async () => {
    const { refresh_token } = await login(web);
    expectOAuthError(await postToken({ grant_type: 'refresh_token', refresh_token }, basic(web.id, 'not-the-secret-of-demo-web-0123456789abcdef')), 401, 'invalid_client');
    await refreshOk(web, refresh_token);
  });

  it('TOKEN-13 scope=profile gives an access token with scope profile only', async () => {
    const { refresh_token } = await login(web);
    const refreshed = await refreshOk(web, refresh_token, { scope: 'profile' });
    expect(refreshed.scope).toBe('profile');
    expect(decodeJwt(refreshed.access_token).scope).toBe('profile');
    await expectAccessTokenWorks(refreshed.access_token);
  });

  it('TOKEN-13 after a narrowed refresh the refresh token keeps the full grant: a refresh without scope gives openid profile', async () => {
    const { refresh_token } = await login(web);
    const narrowed = await refreshOk(web, refresh_token, { scope: 'profile' });
    const full = await refreshOk(web, narrowed.refresh_token);
    expect(full.scope).toBe('openid profile');
    expect(decodeJwt(full.access_token).scope).toBe('openid profile');
  });

  it('TOKEN-13 UI-02 scope=openid narrows the access token so that /userinfo answers 403 insufficient_scope', async () => {
    const { refresh_token } = await login(web);
    const refreshed = await refreshOk(web, refresh_token, { scope: 'openid' });
    expect(decodeJwt(refreshed.access_token).scope).toBe('openid');
    expectOAuthError(await userinfoGet(refreshed.access_token), 403, 'insufficient_scope');
  });

  it('TOKEN-13 a scope broader than the grant (profile on an openid-only grant) is invalid_scope', async () => {
    const { refresh_token, scope } = await login(web, { scope: 'openid' });
    expect(scope).toBe('openid');
    expectOAuthError(await refresh(web, refresh_token, { scope: 'openid profile' }), 400, 'invalid_scope');
  });

  it('TOKEN-13 an unknown scope is invalid_scope', async () => {
    const { refresh_token } = await login(web);
    expectOAuthError(await refresh(web, refresh_token, { scope: 'openid profile urn:example:unknown' }), 400, 'invalid_scope');
  });

  it('TOKEN-13 TOKEN-14 an invalid_scope refresh does not use up a ONETIME token: a retry without scope succeeds and the grant lives', async () => {
    const first = await login(web);
    expectOAuthError(await refresh(web, first.refresh_token, { scope: 'openid profile urn:example:unknown' }), 400, 'invalid_scope');
    const retried = await refreshOk(web, first.refresh_token);
    expect(retried.scope).toBe('openid profile');
    expect((await userinfoGet(first.access_token)).statusCode).toBe(200);
  });

  it('TOKEN-15 a refresh in the grant\'s last second is refused rather than minting an access token that is born expired', async () => {
    const { refresh_token } = await login(short);
    now += 900_000 - 500;
    expectOAuthError(await refresh(short, refresh_token), 400, 'invalid_grant');
  });

  it('TOKEN-13 RFC 6749 §3.1 an empty scope parameter counts as omitted: the full grant scope', async () => {
    const { refresh_token } = await login(web);
    const refreshed = await refreshOk(web, refresh_token, { scope: '' });
    expect(refreshed.scope).toBe('openid profile');
    expect(decodeJwt(refreshed.access_token).scope).toBe('openid profile');
  });

  it('TOKEN-13 a scope of only spaces is invalid_scope', async () => {
    const { refresh_token } = await login(web);
    expectOAuthError(await refresh(web, refresh_token, { scope: '   ' }), 400, 'invalid_scope');
  });

  it('TOKEN-13 RFC 6749 §3.2 a repeated refresh_token parameter is invalid_request', async () => {
    const { refresh_token } = await login(web);
    const payload = `grant_type=refresh_token&refresh_token=${refresh_token}&refresh_token=${refresh_token}`;
    const response = await provider.app.inject({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(web.id, webSecret) },
      payload,
    });
    expectOAuthError(response, 400, 'invalid_request');
  });
});

describe('ONETIME rotation and reuse detection (TOKEN-14, CLIENT-13, RFC 9700 §4.14.2)', () => {
  it('TOKEN-14 ONETIME each refresh returns a new refresh token', async () => {
    const tokens = await login(web);
    const first = await refreshOk(web, tokens.refresh_token);
    const second = await refreshOk(web, first.refresh_token);
    expect(first.refresh_token).toMatch(base64url43);
    expect(second.refresh_token).toMatch(base64url43);
    expect(new Set([tokens.refresh_token, first.refresh_token, second.refresh_token]).size).toBe(3);
  });

  it('TOKEN-14 ONETIME the previous refresh token fails with invalid_grant after rotation', async () => {
    const tokens = await login(web);
    await refreshOk(web, tokens.refresh_token);
    expectOAuthError(await refresh(web, tokens.refresh_token), 400, 'invalid_grant');
  });

  it('TOKEN-14 ONETIME presenting an already-rotated refresh token revokes the grant: the newest refresh token then fails', async () => {
    const tokens = await login(web);
    const first = await refreshOk(web, tokens.refresh_token);
    const second = await refreshOk(web, first.refresh_token);
    expectOAuthError(await refresh(web, tokens.refresh_token), 400, 'invalid_grant');
    expectOAuthError(await refresh(web, second.refresh_token), 400, 'invalid_grant');
  });

  it('TOKEN-14 AT-08 ONETIME reuse of a rotated refresh token revokes every access token of the grant (code exchange and refreshes)', async () => {
    const tokens = await login(web);
    const first = await refreshOk(web, tokens.refresh_token);
    const second = await refreshOk(web, first.refresh_token);
    for (const accessToken of [tokens.access_token, first.access_token, second.access_token]) await expectAccessTokenWorks(accessToken);
    // The second-to-last token, already rotated: the replay a thief (or the victim) would send.
    expectOAuthError(await refresh(web, first.refresh_token), 400, 'invalid_grant');
    for (const accessToken of [tokens.access_token, first.access_token, second.access_token]) await expectAccessTokenRefused(accessToken);
  });

  it('TOKEN-14 ONETIME reuse revokes only that grant: another grant of the same client and person keeps working', async () => {
    const victim = await login(web);
    const other = await login(web);
    await refreshOk(web, victim.refresh_token);
    expectOAuthError(await refresh(web, victim.refresh_token), 400, 'invalid_grant');
    await expectAccessTokenWorks(other.access_token);
    await refreshOk(web, other.refresh_token);
  });

  it('TOKEN-14 CLIENT-13 a public client rotates (ONETIME): new token each time, the old one refused', async () => {
    const tokens = await login(spa);
    const refreshed = await refreshOk(spa, tokens.refresh_token);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expectOAuthError(await refresh(spa, tokens.refresh_token), 400, 'invalid_grant');
  });

  it('TOKEN-14 CLIENT-13 a public client presenting a rotated token loses the grant', async () => {
    const tokens = await login(spa);
    const refreshed = await refreshOk(spa, tokens.refresh_token);
    expectOAuthError(await refresh(spa, tokens.refresh_token), 400, 'invalid_grant');
    expectOAuthError(await refresh(spa, refreshed.refresh_token), 400, 'invalid_grant');
    await expectAccessTokenRefused(refreshed.access_token);
  });

  it('CLIENT-13 the registry refuses a public client registered with refresh_token_usage REUSE', () => {
    const spaRecord = {
      client_id: 'rt-public',
      client_name: 'Refresh Test Public',
      client_orgno: orgno,
      integration_type: 'idporten',
      application_type: 'browser',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: ['http://localhost:5174/callback'],
      post_logout_redirect_uris: ['http://localhost:5174/'],
    };
    // The same record with the default usage is valid and ONETIME: only REUSE is the problem.
    expect(parseClientRecords([spaRecord], 'test').clients[0]?.refresh_token_usage).toBe('ONETIME');
    let thrown: unknown;
    try {
      parseClientRecords([{ ...spaRecord, refresh_token_usage: 'REUSE' }], 'test');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ClientRegistryError);
    expect((thrown as ClientRegistryError).problems).toEqual([expect.stringMatching(/refresh_token_usage.*ONETIME.*CLIENT-13/)]);
  });

  it('CLIENT-13 TOKEN-14 a confidential client without refresh_token_usage is ONETIME by default', async () => {
    const tokens = await login(short);
    const refreshed = await refreshOk(short, tokens.refresh_token);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expectOAuthError(await refresh(short, tokens.refresh_token), 400, 'invalid_grant');
  });
});

describe('ONETIME under concurrency on real Redis (TOKEN-14, RFC 9700 §4.14.2)', () => {
  /** Two refreshes with the same token at once; returns [winner, loser] or fails. */
  async function race(tokens: { refresh_token: string }): Promise<[LightMyRequestResponse, LightMyRequestResponse]> {
    const responses = await Promise.all([refresh(web, tokens.refresh_token), refresh(web, tokens.refresh_token)]);
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 400]);
    const winner = responses.find((r) => r.statusCode === 200)!;
    const loser = responses.find((r) => r.statusCode === 400)!;
    return [winner, loser];
  }

  it('TOKEN-14 two simultaneous refreshes with one ONETIME token: exactly one 200, the other 400 invalid_grant', async () => {
    const tokens = await login(web);
    const [winner, loser] = await race(tokens);
    expect(winner.json<TokenResponse>().refresh_token).toMatch(base64url43);
    expectOAuthError(loser, 400, 'invalid_grant');
  });

  it('TOKEN-14 after the race the loser’s reuse detection has revoked the grant: the winner’s new refresh token fails next time', async () => {
    const tokens = await login(web);
    const [winner] = await race(tokens);
    const winnerRefreshToken = winner.json<TokenResponse>().refresh_token!;
    expectOAuthError(await refresh(web, winnerRefreshToken), 400, 'invalid_grant');
  });

  it('TOKEN-14 AT-08 after the race the grant’s access tokens are refused by /userinfo, the winner’s included', async () => {
    const tokens = await login(web);
    const [winner] = await race(tokens);
    await expectAccessTokenRefused(tokens.access_token);
    // On one Redis connection the winner's writes are queued before the loser's SMEMBERS (both
    // continue in the same microtask round and the winner reaches its writes without an await),
    // so the revocation finds and denies the winner's jti as well.
    await expectAccessTokenRefused(winner.json<TokenResponse>().access_token);
  });
});

describe('REUSE (TOKEN-14, CLIENT-13)', () => {
  it('TOKEN-14 REUSE the same refresh token is returned on every refresh', async () => {
    const tokens = await login(reuse);
    const first = await refreshOk(reuse, tokens.refresh_token);
    const second = await refreshOk(reuse, tokens.refresh_token);
    expect(first.refresh_token).toBe(tokens.refresh_token);
    expect(second.refresh_token).toBe(tokens.refresh_token);
  });

  it('TOKEN-14 REUSE the refresh token keeps working after use, three times in a row', async () => {
    const tokens = await login(reuse);
    for (let i = 0; i < 3; i += 1) {
      now += 10_000;
      const refreshed = await refreshOk(reuse, tokens.refresh_token);
      await expectAccessTokenWorks(refreshed.access_token);
    }
  });

  it('TOKEN-14 TOKEN-16 REUSE each refresh gives a fresh access token (a different jti)', async () => {
    const tokens = await login(reuse);
    const first = await refreshOk(reuse, tokens.refresh_token);
    const second = await refreshOk(reuse, tokens.refresh_token);
    const jtis = [tokens.access_token, first.access_token, second.access_token].map((t) => decodeJwt(t).jti);
    expect(new Set(jtis).size).toBe(3);
  });

  it('TOKEN-14 REUSE earlier access tokens stay valid after a refresh (no reuse detection)', async () => {
    const tokens = await login(reuse);
    const first = await refreshOk(reuse, tokens.refresh_token);
    await refreshOk(reuse, tokens.refresh_token);
    await expectAccessTokenWorks(tokens.access_token);
    await expectAccessTokenWorks(first.access_token);
  });
});

describe('idle window and absolute end (TOKEN-15, AT-07, CLIENT-12)', () => {
  // rt-short and rt-short-reuse: access 60 s, refresh (idle) 300 s, authorization (absolute) 900 s.

  it('TOKEN-15 a refresh 299 s after the refresh token was issued works', async () => {
    const tokens = await login(short);
    now += 299_000;
    await refreshOk(short, tokens.refresh_token);
  });

  it('TOKEN-15 a refresh 301 s after the refresh token was issued (idle window 300 s) is invalid_grant', async () => {
    const tokens = await login(short);
    now += 301_000;
    expectOAuthError(await refresh(short, tokens.refresh_token), 400, 'invalid_grant');
  });

  it('TOKEN-15 ONETIME each refresh renews the idle window: +299 s and another +299 s both work', async () => {
    const tokens = await login(short);
    now += 299_000;
    const first = await refreshOk(short, tokens.refresh_token);
    // 598 s after the login: long past the first token's idle window.
    now += 299_000;
    await refreshOk(short, first.refresh_token);
  });

  it('TOKEN-15 ONETIME 301 s after the last use the newest refresh token is invalid_grant, still inside the grant', async () => {
    const tokens = await login(short);
    now += 299_000;
    const first = await refreshOk(short, tokens.refresh_token);
    now += 299_000;
    const second = await refreshOk(short, first.refresh_token);
    // 899 s after the login: the grant (900 s) still runs; the idle window does not.
    now += 301_000;
    expect(now - loginAt).toBeLessThan(900_000);
    expectOAuthError(await refresh(short, second.refresh_token), 400, 'invalid_grant');
  });

  it('TOKEN-15 REUSE each refresh renews the idle window: +299 s and another +299 s both work with the same token', async () => {
    const tokens = await login(shortReuse);
    now += 299_000;
    const first = await refreshOk(shortReuse, tokens.refresh_token);
    now += 299_000;
    const second = await refreshOk(shortReuse, tokens.refresh_token);
    expect([first.refresh_token, second.refresh_token]).toEqual([tokens.refresh_token, tokens.refresh_token]);
  });

  it('TOKEN-15 REUSE 301 s after the last use the token is invalid_grant, still inside the grant', async () => {
    const tokens = await login(shortReuse);
    now += 299_000;
    await refreshOk(shortReuse, tokens.refresh_token);
    now += 299_000;
    await refreshOk(shortReuse, tokens.refresh_token);
    now += 301_000;
    expect(now - loginAt).toBeLessThan(900_000);
    expectOAuthError(await refresh(shortReuse, tokens.refresh_token), 400, 'invalid_grant');
  });

  it('TOKEN-15 ONETIME with refreshes every 250 s, a refresh 1000 s after the login (authorization_lifetime 900 s) is invalid_grant', async () => {
    let { refresh_token } = await login(short);
    for (let i = 0; i < 3; i += 1) {
      now += 250_000;
      ({ refresh_token } = await refreshOk(short, refresh_token));
    }
    // 250 s since the last use (inside the idle window), but 1000 s since the login.
    now += 250_000;
    expect(now - loginAt).toBe(1_000_000);
    expectOAuthError(await refresh(short, refresh_token), 400, 'invalid_grant');
  });

  it('TOKEN-15 REUSE with refreshes every 250 s, a refresh 1000 s after the login is invalid_grant', async () => {
    const { refresh_token } = await login(shortReuse);
    for (let i = 0; i < 3; i += 1) {
      now += 250_000;
      await refreshOk(shortReuse, refresh_token);
    }
    now += 250_000;
    expectOAuthError(await refresh(shortReuse, refresh_token), 400, 'invalid_grant');
  });

  it('TOKEN-15 a refresh token issued 30 s before the grant ends fails at the grant’s end, though its idle window would run 270 s more', async () => {
    let { refresh_token } = await login(short);
    for (const at of [250_000, 500_000, 750_000, 870_000]) {
      now = loginAt + at;
      ({ refresh_token } = await refreshOk(short, refresh_token));
    }
    now = loginAt + 900_000;
    expectOAuthError(await refresh(short, refresh_token), 400, 'invalid_grant');
  });

  it('TOKEN-15 AT-07 a refresh 30 s before the grant ends gives expires_in 30, below access_token_lifetime 60', async () => {
    let { refresh_token } = await login(short);
    for (const at of [250_000, 500_000, 750_000]) {
      now = loginAt + at;
      ({ refresh_token } = await refreshOk(short, refresh_token));
    }
    now = loginAt + 870_000;
    const refreshed = await refreshOk(short, refresh_token);
    expect(refreshed.expires_in).toBe(30);
  });

  it('TOKEN-15 AT-07 the access token of a refresh near the grant’s end has exp − iat = expires_in and exp at the grant’s end, not past it', async () => {
    let { refresh_token } = await login(short);
    for (const at of [250_000, 500_000, 750_000]) {
      now = loginAt + at;
      ({ refresh_token } = await refreshOk(short, refresh_token));
    }
    now = loginAt + 870_000;
    const refreshed = await refreshOk(short, refresh_token);
    const claims = decodeJwt(refreshed.access_token);
    expect(claims.exp! - claims.iat!).toBe(refreshed.expires_in);
    expect(claims.exp! * 1000).toBe(loginAt + 900_000);
  });

  it('TOKEN-15 AT-07 a refresh well inside the grant gives the full access_token_lifetime (60 s)', async () => {
    const tokens = await login(short);
    now += 100_000;
    const refreshed = await refreshOk(short, tokens.refresh_token);
    expect(refreshed.expires_in).toBe(60);
    const claims = decodeJwt(refreshed.access_token);
    expect(claims.exp! - claims.iat!).toBe(60);
  });

  it('TOKEN-15 AT-07 REUSE a refresh 30 s before the grant ends gives expires_in 30', async () => {
    const { refresh_token } = await login(shortReuse);
    for (const at of [250_000, 500_000, 750_000]) {
      now = loginAt + at;
      await refreshOk(shortReuse, refresh_token);
    }
    now = loginAt + 870_000;
    const refreshed = await refreshOk(shortReuse, refresh_token);
    expect(refreshed.expires_in).toBe(30);
    const claims = decodeJwt(refreshed.access_token);
    expect(claims.exp! * 1000).toBe(loginAt + 900_000);
  });
});

describe('the refresh response (TOKEN-16, TOKEN-12)', () => {
  it('TOKEN-16 TOKEN-12 the body is exactly access_token, token_type Bearer, expires_in, scope and refresh_token: no id_token', async () => {
    const tokens = await login(web);
    expect(tokens.id_token).toBeDefined();
    const response = await refresh(web, tokens.refresh_token);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<Record<string, unknown>>();
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 120, scope: 'openid profile' });
    expect(typeof body.access_token).toBe('string');
  });

  it('TOKEN-16 the new access token has a fresh iat, exp and jti', async () => {
    const tokens = await login(web);
    const original = decodeJwt(tokens.access_token);
    now += 30_000;
    const claims = decodeJwt((await refreshOk(web, tokens.refresh_token)).access_token);
    expect(claims.iat).toBe(Math.floor(now / 1000));
    expect(claims.iat).toBe(original.iat! + 30);
    expect(claims.exp).toBe(claims.iat! + 120);
    expect(claims.jti).toMatch(/^[A-Za-z0-9_-]{11,}$/);
    expect(claims.jti).not.toBe(original.jti);
  });

  it('TOKEN-16 AT-05 the new access token has the same sub, acr, pid and client_id as the original', async () => {
    const tokens = await login(web, { acr: HIGH });
    const original = decodeJwt(tokens.access_token);
    expect(original.acr).toBe(HIGH);
    const claims = decodeJwt((await refreshOk(web, tokens.refresh_token)).access_token);
    expect(claims.sub).toBe(original.sub);
    expect(claims.sub).toBe(decodeJwt(tokens.id_token!).sub);
    expect(claims.acr).toBe(HIGH);
    expect(claims.pid).toBe(pid);
    expect(claims.client_id).toBe(web.id);
  });

  it('TOKEN-16 the new access token works at /userinfo with the same sub and pid', async () => {
    const tokens = await login(web);
    const refreshed = await refreshOk(web, tokens.refresh_token);
    const response = await userinfoGet(refreshed.access_token);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ sub: decodeJwt(tokens.id_token!).sub, pid, locale: 'nb' });
  });
});

describe('media type, caching and errors (TOKEN-01, TOKEN-17)', () => {
  it('TOKEN-01 a successful refresh response is JSON with Cache-Control no-store and Pragma no-cache', async () => {
    const tokens = await login(web);
    const response = await refresh(web, tokens.refresh_token);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers.pragma).toBe('no-cache');
  });

  it('TOKEN-01 TOKEN-17 a refused refresh is JSON {error, error_description} with Cache-Control no-store and Pragma no-cache', async () => {
    await login(web);
    const response = await refresh(web, randomBytes(32).toString('base64url'));
    expectOAuthError(response, 400, 'invalid_grant');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers.pragma).toBe('no-cache');
    expect(response.headers['www-authenticate']).toBeUndefined();
  });

  it('TOKEN-17 ERR-03 the error_description of a refused refresh does not echo the refresh token', async () => {
    const tokens = await login(web);
    await refreshOk(web, tokens.refresh_token);
    const response = await refresh(web, tokens.refresh_token);
    expectOAuthError(response, 400, 'invalid_grant');
    expect(response.body).not.toContain(tokens.refresh_token);
  });
});

describe('revoked grants (AT-08, REVOKE-03)', () => {
  it('AT-08 REVOKE-03 after the grant is revoked at /token/revoke, the access token a refresh issued is refused by /userinfo', async () => {
    const tokens = await login(reuse);
    const refreshed = await refreshOk(reuse, tokens.refresh_token);
    await expectAccessTokenWorks(refreshed.access_token);
    const revoked = await provider.app.inject({
      method: 'POST',
      url: '/token/revoke',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(reuse.id, secretOf(reuse)) },
      payload: new URLSearchParams({ token: tokens.refresh_token, token_type_hint: 'refresh_token' }).toString(),
    });
    expect(revoked.statusCode, revoked.body).toBe(200);
    await expectAccessTokenRefused(refreshed.access_token);
  });

  it('TOKEN-13 REVOKE-03 a REUSE refresh token of a grant revoked at /token/revoke is invalid_grant', async () => {
    const tokens = await login(reuse);
    const refreshed = await refreshOk(reuse, tokens.refresh_token);
    const revoked = await provider.app.inject({
      method: 'POST',
      url: '/token/revoke',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(reuse.id, secretOf(reuse)) },
      payload: new URLSearchParams({ token: refreshed.access_token }).toString(),
    });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expectOAuthError(await refresh(reuse, tokens.refresh_token), 400, 'invalid_grant');
  });
});
