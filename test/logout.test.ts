// Single sign-on to the end, and logout: RP-initiated logout (LOGOUT-01…06, LOGOUT-11, ERR-05),
// single logout with front-channel notices (LOGOUT-07…10, LOGOUT-12, SSO-09, TOKEN-19, IDT-10),
// localisation (LOGOUT-13), a different person taking over the browser (SSO-07), and what the
// session's end does and does not touch (SSO-03, SSO-11). Through the real HTTP surface: a
// cookie-keeping browser over app.inject, real Redis under a per-test prefix, and an injected
// clock that is moved to test timers without sleeping.
import { createHash } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair, type JWTPayload } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messages } from '../src/i18n/messages.js';
import { generatePrivateJwk, parseSigningKeySet } from '../src/keys/signing-keys.js';
import { signJwt } from '../src/protocol/jws.js';
import { parseClientRecords } from '../src/registry/client-registry.js';
import { startTestProvider, type TestProvider } from './support/app.js';
import { Browser } from './support/browser.js';
import { ssoFlow } from './support/sso-flow.js';
import {
  MINUTE,
  otherPid as PERSON_B,
  pid as PERSON_A,
  byId,
  clientRecord,
  decodeHtml,
  demoClientRecords,
  demoTestClients,
  htmlLangOf,
  idTokenOf,
  issuer,
  refreshTokenOf,
  setCookieOf,
  titleOf,
  type TestClient,
  type TokenResponse,
} from './support/vocabulary.js';

/** A confidential client of this file (client_secret_basic). */
const client = (id: string, redirectUri: string, postLogout: string, secret: string): TestClient => ({ id, redirectUri, postLogout, auth: { kind: 'basic', secret } });

const registered = byId([
  ...demoTestClients,
  // SSO-08: isolated; its front-channel URI carries its own query.
  client('iso-web', 'https://iso.example.com/cb', 'https://iso.example.com/bye', 'iso-web-client-secret-0123456789-abcdefgh'),
  // CLIENT-11: front-channel URI without frontchannel_logout_session_required.
  client('fcl-bare', 'https://bare.example.net/cb', 'https://bare.example.net/bye', 'fcl-bare-client-secret-0123456789-abcdefg'),
  // CLIENT-03: an api_klient with an API scope (LOGOUT-10); no front-channel URI.
  client('api-klient', 'https://api.example.org/cb', 'https://api.example.org/', 'api-klient-client-secret-0123456789-abcdef'),
  // A client whose client_id is an absolute URI, so an access token can carry it as aud (AT-06).
  client('urn:test:rp', 'https://urn-rp.example.com/cb', 'https://urn-rp.example.com/bye', 'urn-test-rp-client-secret-0123456789-abcd'),
]);

const isoFrontchannel = 'https://iso.example.com/fcl?tenant=a';
const bareFrontchannel = 'https://bare.example.net/logout';
const webFrontchannel = 'http://localhost:8080/frontchannel-logout';

const base = (clientId: string) => ({
  ...clientRecord(registered[clientId]!),
  client_name: `Client ${clientId}`,
  grant_types: ['authorization_code', 'refresh_token'],
});

const clients: unknown[] = [
  ...demoClientRecords,
  { ...base('iso-web'), sso_disabled: true, frontchannel_logout_uri: isoFrontchannel, frontchannel_logout_session_required: true },
  { ...base('fcl-bare'), frontchannel_logout_uri: bareFrontchannel, frontchannel_logout_session_required: false },
  { ...base('api-klient'), integration_type: 'api_klient', scopes: ['openid', 'profile', 'nav:api'], authorization_lifetime: 3600 },
  base('urn:test:rp'),
];

// CLIENT-16: the API scope of api-klient exists in the scope registry.
const scopes: unknown[] = [
  { name: 'nav:api', prefix: 'nav', subscope: 'api', description: 'A test API', owner_orgno: '991825827', allowed_integration_types: ['api_klient'], accessible_for_all: true },
];

let provider: TestProvider;
let now: number;

beforeEach(async () => {
  now = Math.floor(Date.now() / 1000) * 1000;
  provider = await startTestProvider({ clients, scopes, clock: () => now });
});
afterEach(async () => provider.close());

// ---------------------------------------------------------------------------------------------
// Helpers: every hop is visible; nothing is followed automatically (support/sso-flow.ts).

interface Tokens extends TokenResponse {
  id_token: string;
  refresh_token: string;
  claims: JWTPayload;
}

const flow = ssoFlow({
  provider: () => provider,
  registered,
  // A fixed PKCE pair (RFC 7636 §4.1, §4.2).
  verifier: 'logout-test-code-verifier-0123456789-abcdefghijklmnop',
  // The login page is only passed through here; login-and-sso.test.ts checks it.
  checkLoginPage: false,
  // Every client here holds the refresh_token grant, and the grants' fate is what logout tests.
  tokens: (body): Tokens => {
    expect(body.refresh_token).toBeTruthy();
    return { ...body, id_token: idTokenOf(body), refresh_token: refreshTokenOf(body), claims: decodeJwt(idTokenOf(body)) };
  },
});
const { callbackParams, redeem, silent, promptNoneError, tokenRequest } = flow;

/** A full interactive login as `pid` ending in a 303 to the client; the tokens it produced. */
const login = (browser: Browser, clientId: string, params: Record<string, string> = {}, pid = PERSON_A): Promise<Tokens> => flow.login(browser, clientId, params, { pid });

/** /authorize → login page → POST the TestID form as `pid`; the response to the POST. */
const submitLogin = (browser: Browser, clientId: string, params: Record<string, string>, pid: string): Promise<LightMyRequestResponse> =>
  flow.authorizeAndSubmit(browser, clientId, params, { pid });

const refresh = (clientId: string, refreshToken: string) => tokenRequest(clientId, { grant_type: 'refresh_token', refresh_token: refreshToken });

const userinfo = (accessToken: string) => provider.app.inject({ method: 'GET', url: '/userinfo', headers: { authorization: `Bearer ${accessToken}` } });

async function expectGrantDead(clientId: string, tokens: Tokens): Promise<void> {
  const refreshed = await refresh(clientId, tokens.refresh_token);
  expect(refreshed.statusCode, refreshed.body).toBe(400);
  expect((refreshed.json() as { error: string }).error).toBe('invalid_grant');
  const info = await userinfo(tokens.access_token);
  expect(info.statusCode, info.body).toBe(401);
  expect(String(info.headers['www-authenticate'])).toContain('error="invalid_token"');
}

async function expectGrantAlive(clientId: string, tokens: Tokens): Promise<void> {
  const info = await userinfo(tokens.access_token);
  expect(info.statusCode, info.body).toBe(200);
  const refreshed = await refresh(clientId, tokens.refresh_token);
  expect(refreshed.statusCode, refreshed.body).toBe(200);
  expect((refreshed.json() as { access_token?: string }).access_token).toBeTruthy();
}

function logout(browser: Browser, params: Record<string, string> = {}, method: 'GET' | 'POST' = 'GET', path = '/logout'): Promise<LightMyRequestResponse> {
  if (method === 'POST') return browser.post(path, params);
  const query = new URLSearchParams(params).toString();
  return browser.get(query ? `${path}?${query}` : path);
}

/** What a /logout response amounts to. */
interface LogoutPage {
  /** Decoded src of every iframe, in page order. */
  iframes: string[];
  /** Decoded data-post-logout-redirect, if any. */
  continuation: string | undefined;
  loggedOutHeading: boolean;
  frontchannel: boolean;
}

function pageOf(response: LightMyRequestResponse): LogoutPage {
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers.location).toBeUndefined();
  expect(String(response.headers['content-type'])).toMatch(/^text\/html/);
  const raw = /data-post-logout-redirect="([^"]*)"/.exec(response.body)?.[1];
  return {
    iframes: [...response.body.matchAll(/<iframe src="([^"]*)"/g)].map((m) => decodeHtml(m[1]!)),
    continuation: raw === undefined ? undefined : decodeHtml(raw),
    loggedOutHeading: response.body.includes('<h1 id="logged-out">'),
    frontchannel: response.body.includes('id="frontchannel-logout"'),
  };
}

/** LOGOUT-04: no redirect — the logged-out page, or the front-channel page ending there. */
function expectNoRedirect(response: LightMyRequestResponse): LogoutPage {
  const page = pageOf(response);
  expect(page.continuation).toBeUndefined();
  expect(response.body).not.toContain('id="continue-link"');
  expect(page.loggedOutHeading).toBe(true);
  return page;
}

/** A notice URL split into the registered URI part and the parameters we added (order-free). */
function noticeParts(src: string, registeredUri: string): Record<string, string> {
  expect(src.startsWith(registeredUri)).toBe(true);
  const added = src.slice(registeredUri.length);
  expect(added).toMatch(registeredUri.includes('?') ? /^&/ : /^\?/);
  return Object.fromEntries(new URLSearchParams(added.slice(1)));
}

function cspDirectives(response: LightMyRequestResponse): Map<string, string[]> {
  const directives = String(response.headers['content-security-policy']).split(';').map((d) => d.trim().split(/\s+/));
  return new Map(directives.map(([name, ...values]) => [name!, values]));
}

function sessionCookieOf(browser: Browser): string {
  const value = browser.cookies.get('op_sso')?.value;
  expect(value).toBeTruthy();
  return value!;
}

/** A second browser presenting a copied session cookie (to prove the server-side session is gone). */
function browserWithCookie(value: string): Browser {
  const copy = new Browser(provider.app);
  copy.cookies.set('op_sso', { value, path: '/' });
  return copy;
}

/** Three kinds of client in one browser: SSO with and without front-channel URI, isolated, API. */
async function fullSession(browser: Browser) {
  const web = await login(browser, 'demo-web');
  const iso = await login(browser, 'iso-web'); // SSO-08: always authenticates; isolated login
  const api = await silent(browser, 'api-klient', { scope: 'openid profile nav:api' });
  const bare = await silent(browser, 'fcl-bare');
  const spa = await silent(browser, 'demo-spa');
  // A second grant for demo-web under the same sid: still one notice (LOGOUT-08).
  const webAgain = await silent(browser, 'demo-web');
  return { web, iso, api, bare, spa, webAgain };
}

/** Single logout started by demo-web with a valid hint, a registered URI and a state. */
async function logoutFromWeb(browser: Browser, web: Tokens): Promise<LightMyRequestResponse> {
  return logout(browser, { id_token_hint: web.id_token, post_logout_redirect_uri: registered['demo-web']!.postLogout, state: 'bye-1' }, 'POST');
}

// ---------------------------------------------------------------------------------------------

describe('endpoint (LOGOUT-01)', () => {
  it('LOGOUT-01 discovery: end_session_endpoint is issuer + /logout, front-channel logout and its session variant are supported', async () => {
    const response = await provider.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      end_session_endpoint: `${issuer}/logout`,
      frontchannel_logout_supported: true,
      frontchannel_logout_session_supported: true,
    });
    // LOGOUT-09: no back-channel logout, no check_session_iframe.
    const metadata = response.json() as Record<string, unknown>;
    expect(metadata.backchannel_logout_supported).toBeUndefined();
    expect(metadata.check_session_iframe).toBeUndefined();
  });

  for (const [method, path] of [
    ['GET', '/logout'],
    ['POST', '/logout'],
    ['GET', '/endsession'],
    ['POST', '/endsession'],
  ] as const) {
    it(`LOGOUT-01 ${method} ${path} with a valid hint ends the session and redirects to the registered URI`, async () => {
      const browser = new Browser(provider.app);
      const spa = await login(browser, 'demo-spa');
      const cookie = sessionCookieOf(browser);
      const response = await logout(browser, { id_token_hint: spa.id_token, post_logout_redirect_uri: registered['demo-spa']!.postLogout }, method, path);
      expect(response.statusCode, response.body).toBe(303);
      expect(response.headers.location).toBe(registered['demo-spa']!.postLogout);
      expect(await promptNoneError(browserWithCookie(cookie), 'demo-spa')).toBe('login_required');
    });
  }
});

describe('post-logout redirect (LOGOUT-03, LOGOUT-04, LOGOUT-05)', () => {
  it('LOGOUT-04 redirects (303) to post_logout_redirect_uri with state given a valid hint, a live session and a registered URI', async () => {
    const browser = new Browser(provider.app);
    const api = await login(browser, 'api-klient');
    const response = await logout(browser, { id_token_hint: api.id_token, post_logout_redirect_uri: registered['api-klient']!.postLogout, state: 'st-1' });
    expect(response.statusCode, response.body).toBe(303);
    expect(response.headers.location).toBe(`${registered['api-klient']!.postLogout}?state=st-1`);
  });

  it('LOGOUT-04 LOGOUT-08 a client with a front-channel URI gets the front-channel page whose data-post-logout-redirect is the URI with state', async () => {
    const browser = new Browser(provider.app);
    const web = await login(browser, 'demo-web');
    const page = pageOf(await logout(browser, { id_token_hint: web.id_token, post_logout_redirect_uri: registered['demo-web']!.postLogout, state: 'st-2' }));
    expect(page.frontchannel).toBe(true);
    expect(page.continuation).toBe(`${registered['demo-web']!.postLogout}?state=st-2`);
    expect(page.iframes).toHaveLength(1);
  });

  it('LOGOUT-04 (a) without id_token_hint there is no redirect, but the session is ended', async () => {
    const browser = new Browser(provider.app);
    await login(browser, 'demo-spa');
    const cookie = sessionCookieOf(browser);
    expectNoRedirect(await logout(browser, { post_logout_redirect_uri: registered['demo-spa']!.postLogout, client_id: 'demo-spa' }));
    expect(await promptNoneError(browserWithCookie(cookie), 'demo-spa')).toBe('login_required');
  });

  for (const forged of [
    { what: 'signed by another key under our kid', sameKid: true },
    { what: 'signed by another key under its own kid', sameKid: false },
  ]) {
    it(`LOGOUT-03 LOGOUT-04 (a) an id_token ${forged.what} is no hint: no redirect`, async () => {
      const browser = new Browser(provider.app);
      const spa = await login(browser, 'demo-spa');
      const { privateKey } = await generateKeyPair('RS256');
      const ourKid = decodeProtectedHeader(spa.id_token).kid!;
      const token = await new SignJWT({ ...spa.claims })
        .setProtectedHeader({ alg: 'RS256', kid: forged.sameKid ? ourKid : 'attacker-key' })
        .sign(privateKey);
      expectNoRedirect(await logout(browser, { id_token_hint: token, post_logout_redirect_uri: registered['demo-spa']!.postLogout }));
    });
  }

  for (const [what, withSignature] of [
    ['with an empty signature', false],
    ['carrying the genuine signature', true],
  ] as const) {
    it(`LOGOUT-03 LOGOUT-04 (a) an alg:none id_token ${what} is no hint: no redirect`, async () => {
      const browser = new Browser(provider.app);
      const spa = await login(browser, 'demo-spa');
      const [header, payload, signature] = spa.id_token.split('.') as [string, string, string];
      const kid = (JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid: string }).kid;
      const none = Buffer.from(JSON.stringify({ alg: 'none', kid })).toString('base64url');
      const token = `${none}.${payload}.${withSignature ? signature : ''}`;
      expectNoRedirect(await logout(browser, { id_token_hint: token, post_logout_redirect_uri: registered['demo-spa']!.postLogout }));
    });
  }

  it('LOGOUT-03 LOGOUT-04 (a) an access token is no id_token hint, even one whose aud is the client_id', async () => {
    const browser = new Browser(provider.app);
    // AT-06: resource=<client_id> makes the access token's aud that client_id.
    const tokens = await login(browser, 'urn:test:rp', { resource: 'urn:test:rp' });
    expect(decodeJwt(tokens.access_token)).toMatchObject({ aud: 'urn:test:rp', iss: issuer });
    expectNoRedirect(await logout(browser, { id_token_hint: tokens.access_token, post_logout_redirect_uri: registered['urn:test:rp']!.postLogout }));

    // Control: the id_token of the same kind of login does redirect.
    const control = new Browser(provider.app);
    const own = await login(control, 'urn:test:rp', { resource: 'urn:test:rp' });
    const response = await logout(control, { id_token_hint: own.id_token, post_logout_redirect_uri: registered['urn:test:rp']!.postLogout });
    expect(response.statusCode, response.body).toBe(303);
    expect(response.headers.location).toBe(registered['urn:test:rp']!.postLogout);
  });

  it('LOGOUT-03 JWKS-03 an id_token signed by a retired key of ours (still published) is a valid hint: redirect', async () => {
    // Keys after a rotation: `current` signs, `retired` is only kept for verification.
    const [currentJwk, retiredJwk] = await Promise.all([generatePrivateJwk(), generatePrivateJwk()]);
    const keys = await parseSigningKeySet({ keys: [currentJwk, retiredJwk] }, new URL(issuer).host);
    const rotated = await startTestProvider({ clients, scopes, clock: () => now, signingKeys: keys });
    const original = provider;
    provider = rotated;
    try {
      const browser = new Browser(rotated.app);
      const spa = await login(browser, 'demo-spa');
      expect(decodeProtectedHeader(spa.id_token).kid).toBe(keys.active.kid);
      // The same claims as issued before the rotation, under the now retired key.
      const beforeRotation = signJwt(spa.claims, keys.all[1]!);
      expect(decodeProtectedHeader(beforeRotation).kid).toBe(retiredJwk.kid);
      const response = await logout(browser, { id_token_hint: beforeRotation, post_logout_redirect_uri: registered['demo-spa']!.postLogout });
      expect(response.statusCode, response.body).toBe(303);
      expect(response.headers.location).toBe(registered['demo-spa']!.postLogout);
    } finally {
      provider = original;
      await rotated.close();
    }
  });

  it('LOGOUT-03 a client_id that differs from the hint\'s aud means no redirect, even to the hint client\'s registered URI', async () => {
    const browser = new Browser(provider.app);
    const spa = await login(browser, 'demo-spa');
    await silent(browser, 'api-klient');
    expectNoRedirect(await logout(browser, { id_token_hint: spa.id_token, client_id: 'api-klient', post_logout_redirect_uri: registered['demo-spa']!.postLogout }));
  });

  it('LOGOUT-03 a client_id equal to the hint\'s aud is accepted: redirect', async () => {
    const browser = new Browser(provider.app);
    const spa = await login(browser, 'demo-spa');
    const response = await logout(browser, { id_token_hint: spa.id_token, client_id: 'demo-spa', post_logout_redirect_uri: registered['demo-spa']!.postLogout });
    expect(response.statusCode, response.body).toBe(303);
    expect(response.headers.location).toBe(registered['demo-spa']!.postLogout);
  });

  it('LOGOUT-03 a hint whose exp has passed (clock + 10 min, session still live) still redirects', async () => {
    const browser = new Browser(provider.app);
    const web = await login(browser, 'demo-web');
    now += 10 * MINUTE;
    expect(web.claims.exp! * 1000).toBeLessThan(now);
    const page = pageOf(await logout(browser, { id_token_hint: web.id_token, post_logout_redirect_uri: registered['demo-web']!.postLogout }));
    expect(page.continuation).toBe(registered['demo-web']!.postLogout);
  });

  it("LOGOUT-04 (c) CLIENT-10 a post_logout_redirect_uri of another client is refused: no redirect", async () => {
    const browser = new Browser(provider.app);
    const spa = await login(browser, 'demo-spa');
    expectNoRedirect(await logout(browser, { id_token_hint: spa.id_token, post_logout_redirect_uri: registered['demo-web']!.postLogout }));
  });

  for (const [what, altered] of [
    ['an added trailing slash', 'http://localhost:5173//'],
    ['a removed trailing slash', 'http://localhost:5173'],
    ['an extra query', 'http://localhost:5173/?next=1'],
    ['an empty query', 'http://localhost:5173/?'],
    ['an empty fragment', 'http://localhost:5173/#'],
    ['upper-case scheme and host', 'HTTP://LOCALHOST:5173/'],
    ['another loopback host', 'http://127.0.0.1:5173/'],
    ['https instead of http', 'https://localhost:5173/'],
  ] as const) {
    it(`LOGOUT-04 (c) CLIENT-10 a post_logout_redirect_uri altered by ${what} (${altered}) is not an exact match: no redirect`, async () => {
      expect(altered).not.toBe(registered['demo-spa']!.postLogout);
      const browser = new Browser(provider.app);
      const spa = await login(browser, 'demo-spa');
      expectNoRedirect(await logout(browser, { id_token_hint: spa.id_token, post_logout_redirect_uri: altered }));
    });
  }

  it('LOGOUT-04 (c) CLIENT-10 the demo-web URI with an extra path segment or query is not an exact match: no redirect', async () => {
    for (const altered of ['http://localhost:8080/logged-out/', 'http://localhost:8080/logged-out?x=1', 'http://localhost:8080/logged-out/../logged-out']) {
      const browser = new Browser(provider.app);
      const web = await login(browser, 'demo-web');
      const page = expectNoRedirect(await logout(browser, { id_token_hint: web.id_token, post_logout_redirect_uri: altered }));
      // The session still ended with its notice.
      expect(page.iframes).toHaveLength(1);
    }
  });

  it('LOGOUT-04 (b) LOGOUT-06 with no session in the browser: 200 page, no redirect, and the other browser stays logged in', async () => {
    const owner = new Browser(provider.app);
    const spa = await login(owner, 'demo-spa');
    const stranger = new Browser(provider.app);
    const response = await logout(stranger, { id_token_hint: spa.id_token, post_logout_redirect_uri: registered['demo-spa']!.postLogout, state: 's' });
    const page = expectNoRedirect(response);
    expect(page.iframes).toEqual([]);
    expect(response.body).toContain(messages.nb.logout.noSessionText);
    // Nothing was logged out.
    expect(await promptNoneError(owner, 'demo-spa')).toBeNull();
    await expectGrantAlive('demo-spa', spa);
  });

  it("LOGOUT-04 (b) a hint whose sid belongs to an ended session: no redirect, but the browser's new session is ended", async () => {
    const browser = new Browser(provider.app);
    const old = await login(browser, 'demo-web');
    expectNoRedirect(await logout(browser));
    const fresh = await login(browser, 'demo-web');
    expect(fresh.claims.sid).toBeTruthy();
    expect(fresh.claims.sid).not.toBe(old.claims.sid);
    const cookie = sessionCookieOf(browser);

    const page = expectNoRedirect(await logout(browser, { id_token_hint: old.id_token, post_logout_redirect_uri: registered['demo-web']!.postLogout }));
    // The notice names the live session's sid, not the hint's.
    expect(page.iframes.map((src) => new URL(src).searchParams.get('sid'))).toEqual([fresh.claims.sid]);
    expect(await promptNoneError(browserWithCookie(cookie), 'demo-web')).toBe('login_required');
    await expectGrantDead('demo-web', fresh);
  });

  it('LOGOUT-04 (a) by default a client_id without a hint does not replace the hint: no redirect', async () => {
    const browser = new Browser(provider.app);
    await login(browser, 'demo-spa');
    expectNoRedirect(await logout(browser, { client_id: 'demo-spa', post_logout_redirect_uri: registered['demo-spa']!.postLogout }));
  });

  it('LOGOUT-05 state is returned URL-encoded (spaces, &, =, %, +)', async () => {
    const browser = new Browser(provider.app);
    const spa = await login(browser, 'demo-spa');
    const state = 'a b&c=d%e+f';
    const response = await logout(browser, { id_token_hint: spa.id_token, post_logout_redirect_uri: registered['demo-spa']!.postLogout, state });
    expect(response.statusCode, response.body).toBe(303);
    const location = String(response.headers.location);
    expect(location.startsWith(`${registered['demo-spa']!.postLogout}?state=`)).toBe(true);
    const query = location.slice(location.indexOf('?') + 1);
    // One parameter; the space, &, = and + of the value never appear raw.
    expect(query).toMatch(/^state=[A-Za-z0-9%+._~*-]+$/);
    expect([...new URLSearchParams(query)]).toEqual([['state', state]]);
  });

  for (const [what, state] of [
    ['non-ASCII', 'blåbærsyltetøy'],
    ['a tab', 'a\tb'],
    ['a newline', 'a\nb'],
    ['DEL', 'a\x7Fb'],
    ['a NUL', 'a\x00b'],
  ] as const) {
    it(`LOGOUT-05 a state with ${what} is dropped: redirect without state`, async () => {
      const browser = new Browser(provider.app);
      const spa = await login(browser, 'demo-spa');
      const response = await logout(browser, { id_token_hint: spa.id_token, post_logout_redirect_uri: registered['demo-spa']!.postLogout, state }, 'POST');
      expect(response.statusCode, response.body).toBe(303);
      expect(response.headers.location).toBe(registered['demo-spa']!.postLogout);
    });
  }
});

describe('no session, bad input (LOGOUT-06, ERR-05)', () => {
  for (const locale of ['nb', 'nn', 'en', 'se'] as const) {
    it(`LOGOUT-06 ERR-05 LOGOUT-13 without a session: 200 logged-out page in ${locale} (ui_locales), no redirect`, async () => {
      const response = await logout(new Browser(provider.app), { ui_locales: locale, post_logout_redirect_uri: registered['demo-spa']!.postLogout });
      const page = expectNoRedirect(response);
      expect(page.iframes).toEqual([]);
      expect(htmlLangOf(response.body)).toBe(locale);
      expect(titleOf(response.body)).toBe(messages[locale].logout.loggedOutTitle);
      expect(response.body).toContain(messages[locale].logout.noSessionText);
    });
  }

  const garbage: { what: string; query?: string; form?: string }[] = [
    { what: 'a hint that is no JWT and a javascript: URI', query: 'id_token_hint=not.a.jwt&post_logout_redirect_uri=javascript:alert(1)&state=%3Cscript%3E' },
    { what: 'repeated parameters', query: 'id_token_hint=a&id_token_hint=b&post_logout_redirect_uri=http%3A%2F%2Flocalhost%3A5173%2F&post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F&state=1&state=2' },
    { what: 'malformed percent-encoding', query: 'id_token_hint=%E0%A4%A&post_logout_redirect_uri=%ZZ&ui_locales=%FF' },
    { what: 'unknown and bracketed parameter names', query: 'foo=bar&client_id[]=demo-spa&ui_locales=xx-YY&prompt=none' },
    { what: 'empty values', query: 'id_token_hint=&post_logout_redirect_uri=&state=&client_id=&ui_locales=' },
    { what: 'a 40 kB hint in a form POST', form: `id_token_hint=${'a'.repeat(40_000)}&post_logout_redirect_uri=http%3A%2F%2Flocalhost%3A5173%2F` },
    { what: 'repeated parameters in a form POST', form: 'id_token_hint=a&id_token_hint=b&post_logout_redirect_uri=x&post_logout_redirect_uri=y' },
  ];
  for (const bad of garbage) {
    it(`ERR-05 LOGOUT-06 ${bad.what}: the 200 logged-out page, never an OAuth error or a redirect`, async () => {
      const response =
        bad.form !== undefined
          ? await provider.app.inject({ method: 'POST', url: '/logout', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: bad.form })
          : await provider.app.inject({ method: 'GET', url: `/logout?${bad.query!}` });
      const page = expectNoRedirect(response);
      expect(page.iframes).toEqual([]);
      expect(response.body).not.toContain('op-error');
      expect(response.body).not.toMatch(/"error"\s*:/);
    });
  }

  for (const [what, contentType, payload] of [
    ['a JSON body', 'application/json', '{"id_token_hint":"x","post_logout_redirect_uri":"http://localhost:5173/"}'],
    ['a text/plain body', 'text/plain', 'id_token_hint=x'],
  ] as const) {
    it(`ERR-05 ${what} is answered with a localized HTML page, never a JSON error or a redirect`, async () => {
      const response = await provider.app.inject({ method: 'POST', url: '/logout?ui_locales=en', headers: { 'content-type': contentType }, payload });
      expect(response.headers.location).toBeUndefined();
      expect(String(response.headers['content-type'])).toMatch(/^text\/html/);
      expect(htmlLangOf(response.body)).toBe('en');
      expect(() => JSON.parse(response.body) as unknown).toThrow();
    });
  }

  it('LOGOUT-02 ERR-05 repeated id_token_hint with a live session: logged out, but no redirect', async () => {
    const browser = new Browser(provider.app);
    const spa = await login(browser, 'demo-spa');
    const cookie = sessionCookieOf(browser);
    const response = await browser.get(`/logout?${new URLSearchParams([
      ['id_token_hint', spa.id_token],
      ['id_token_hint', spa.id_token],
      ['post_logout_redirect_uri', registered['demo-spa']!.postLogout],
    ]).toString()}`);
    expectNoRedirect(response);
    expect(response.body).toContain(messages.nb.logout.loggedOutText);
    expect(await promptNoneError(browserWithCookie(cookie), 'demo-spa')).toBe('login_required');
  });

  it('LOGOUT-02 ERR-05 a repeated post_logout_redirect_uri with a valid hint and a live session: no redirect', async () => {
    const browser = new Browser(provider.app);
    const spa = await login(browser, 'demo-spa');
    const response = await browser.get(`/logout?${new URLSearchParams([
      ['id_token_hint', spa.id_token],
      ['post_logout_redirect_uri', registered['demo-spa']!.postLogout],
      ['post_logout_redirect_uri', registered['demo-spa']!.postLogout],
    ]).toString()}`);
    expectNoRedirect(response);
  });
});

describe('single logout (LOGOUT-07…LOGOUT-12, SSO-09, TOKEN-19, IDT-10)', () => {
  it('IDT-10 sid is in the id_tokens of session_required clients only; the isolated client has its own sid', async () => {
    const { web, iso, api, bare, spa, webAgain } = await fullSession(new Browser(provider.app));
    expect(web.claims.sid).toEqual(expect.any(String));
    expect(webAgain.claims.sid).toBe(web.claims.sid);
    expect(iso.claims.sid).toEqual(expect.any(String));
    expect(iso.claims.sid).not.toBe(web.claims.sid);
    for (const tokens of [api, bare, spa]) expect(tokens.claims.sid).toBeUndefined();
  });

  it('LOGOUT-08 the front-channel page has one iframe per client with a frontchannel_logout_uri, the initiating client included', async () => {
    const browser = new Browser(provider.app);
    const { web } = await fullSession(browser);
    const page = pageOf(await logoutFromWeb(browser, web));
    expect(page.frontchannel).toBe(true);
    const byOrigin = page.iframes.map((src) => new URL(src).origin).sort();
    expect(byOrigin).toEqual(['http://localhost:8080', 'https://bare.example.net', 'https://iso.example.com'].sort());
  });

  it('LOGOUT-08 IDT-10 the initiating client is notified at its URI with iss and the sid of its id_token', async () => {
    const browser = new Browser(provider.app);
    const { web } = await fullSession(browser);
    const page = pageOf(await logoutFromWeb(browser, web));
    const sources = page.iframes.filter((s) => s.startsWith(webFrontchannel));
    expect(sources).toHaveLength(1);
    expect(noticeParts(sources[0]!, webFrontchannel)).toEqual({ iss: issuer, sid: web.claims.sid });
  });

  it("LOGOUT-08 SSO-09 the isolated client is notified with its own sid, appended after its URI's existing query", async () => {
    const browser = new Browser(provider.app);
    const { web, iso } = await fullSession(browser);
    const page = pageOf(await logoutFromWeb(browser, web));
    const sources = page.iframes.filter((s) => s.startsWith('https://iso.example.com/'));
    expect(sources).toHaveLength(1);
    // The registered `?tenant=a` comes first and unchanged; iss and sid follow with `&`.
    expect(noticeParts(sources[0]!, isoFrontchannel)).toEqual({ iss: issuer, sid: iso.claims.sid });
  });

  it('LOGOUT-08 CLIENT-11 a client without frontchannel_logout_session_required is notified at its bare URI', async () => {
    const browser = new Browser(provider.app);
    const { web } = await fullSession(browser);
    const page = pageOf(await logoutFromWeb(browser, web));
    expect(page.iframes.filter((s) => s.startsWith('https://bare.example.net'))).toEqual([bareFrontchannel]);
  });

  it('LOGOUT-09 clients without a frontchannel_logout_uri get no iframe', async () => {
    const browser = new Browser(provider.app);
    const { web } = await fullSession(browser);
    const response = await logoutFromWeb(browser, web);
    const page = pageOf(response);
    expect(page.iframes).toHaveLength(3);
    for (const src of page.iframes) expect(new URL(src).origin).not.toMatch(/localhost:5173|api\.example\.org/);
    expect(response.body).not.toContain('title="demo-spa"');
    expect(response.body).not.toContain('title="api-klient"');
  });

  it('LOGOUT-09 a session of clients without front-channel URIs ends on the logged-out page with no iframe and no framing allowed', async () => {
    const browser = new Browser(provider.app);
    await login(browser, 'demo-spa');
    await silent(browser, 'api-klient', { scope: 'openid profile nav:api' });
    const response = await logout(browser);
    const page = expectNoRedirect(response);
    expect(page.iframes).toEqual([]);
    expect(response.body).toContain(messages.nb.logout.loggedOutText);
    expect(cspDirectives(response).get('frame-src')).toEqual(["'none'"]);
  });

  it('LOGOUT-04 LOGOUT-07 after the notices the front-channel page continues to the registered URI with state', async () => {
    const browser = new Browser(provider.app);
    const { web } = await fullSession(browser);
    const response = await logoutFromWeb(browser, web);
    expect(pageOf(response).continuation).toBe(`${registered['demo-web']!.postLogout}?state=bye-1`);
    expect(response.body).toContain('<h1 id="logging-out">');
  });

  it('LOGOUT-07 the op_sso cookie is cleared', async () => {
    const browser = new Browser(provider.app);
    const { web } = await fullSession(browser);
    const response = await logoutFromWeb(browser, web);
    const cleared = setCookieOf(response, 'op_sso');
    expect(cleared).toBeDefined();
    expect(cleared).toMatch(/^op_sso=;/);
    expect(cleared).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/);
    expect(browser.cookies.has('op_sso')).toBe(false);
  });

  it('LOGOUT-07 SSO-09 the common and the isolated sessions are gone, even for a copy of the old cookie', async () => {
    const browser = new Browser(provider.app);
    const { web } = await fullSession(browser);
    const cookie = sessionCookieOf(browser);
    await logoutFromWeb(browser, web);
    for (const clientId of ['demo-web', 'iso-web', 'demo-spa']) {
      expect(await promptNoneError(browser, clientId)).toBe('login_required');
      expect(await promptNoneError(browserWithCookie(cookie), clientId)).toBe('login_required');
    }
  });

  it('LOGOUT-07 TOKEN-19 refresh and access tokens of openid/profile-only grants die, for every participating client', async () => {
    const browser = new Browser(provider.app);
    const { web, iso, bare, spa, webAgain } = await fullSession(browser);
    await logoutFromWeb(browser, web);
    await expectGrantDead('demo-web', web);
    await expectGrantDead('demo-web', webAgain);
    await expectGrantDead('iso-web', iso);
    await expectGrantDead('fcl-bare', bare);
    await expectGrantDead('demo-spa', spa);
  });

  it('LOGOUT-10 TOKEN-19 the api_klient grant with an API scope survives logout: userinfo and refresh still work', async () => {
    const browser = new Browser(provider.app);
    const { web, api } = await fullSession(browser);
    await logoutFromWeb(browser, web);
    await expectGrantAlive('api-klient', api);
  });

  it('LOGOUT-10 an api_klient grant asked only for openid profile is login-only and dies with the session', async () => {
    const browser = new Browser(provider.app);
    const web = await login(browser, 'demo-web');
    const api = await silent(browser, 'api-klient');
    await logoutFromWeb(browser, web);
    await expectGrantDead('api-klient', api);
  });

  it("LOGOUT-12 the front-channel page's CSP frames exactly the notified origins, allows its one script by hash, and is never framed", async () => {
    const browser = new Browser(provider.app);
    const { web } = await fullSession(browser);
    const response = await logoutFromWeb(browser, web);
    const csp = cspDirectives(response);
    expect([...(csp.get('frame-src') ?? [])].sort()).toEqual(['http://localhost:8080', 'https://bare.example.net', 'https://iso.example.com'].sort());
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    const scripts = [...response.body.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(1);
    const hash = `'sha256-${createHash('sha256').update(scripts[0]!, 'utf8').digest('base64')}'`;
    expect(csp.get('script-src')).toEqual([hash]);
  });

  it('LOGOUT-12 iframe src values are HTML-escaped (&amp;)', async () => {
    const browser = new Browser(provider.app);
    const { web, iso } = await fullSession(browser);
    const response = await logoutFromWeb(browser, web);
    const rawSrc = /<iframe src="(https:\/\/iso\.example\.com[^"]*)"/.exec(response.body)?.[1] ?? '';
    expect(rawSrc.startsWith('https://iso.example.com/fcl?tenant=a&amp;')).toBe(true);
    // Every & is written as &amp;, and the decoded value is the notice URL.
    expect(rawSrc.match(/&/g)).toHaveLength(2);
    expect(rawSrc.match(/&amp;/g)).toHaveLength(2);
    expect(noticeParts(decodeHtml(rawSrc), isoFrontchannel)).toEqual({ iss: issuer, sid: iso.claims.sid });
  });

  it('LOGOUT-08 the front-channel page proceeds when every iframe loaded or after 5 s, and its iframes are hidden', async () => {
    const browser = new Browser(provider.app);
    const { web } = await fullSession(browser);
    const response = await logoutFromWeb(browser, web);
    const iframes = [...response.body.matchAll(/<iframe [^>]*>/g)].map((m) => m[0]);
    expect(iframes).toHaveLength(3);
    for (const tag of iframes) expect(tag).toMatch(/\shidden[\s>]/);
    const script = /<script>([\s\S]*?)<\/script>/.exec(response.body)?.[1] ?? '';
    expect(script).toContain('setTimeout(go,5000)');
    expect(script).toContain("addEventListener('load'");
  });

  it('LOGOUT-11 no confirmation: the first response has already logged out, and offers no form or button', async () => {
    const browser = new Browser(provider.app);
    const { web } = await fullSession(browser);
    const cookie = sessionCookieOf(browser);
    const response = await logout(browser, { id_token_hint: web.id_token });
    const page = expectNoRedirect(response);
    expect(page.iframes).toHaveLength(3);
    expect(response.body).not.toMatch(/<form|<button/);
    expect(await promptNoneError(browserWithCookie(cookie), 'demo-web')).toBe('login_required');
    await expectGrantDead('demo-web', web);
  });

  it('LOGOUT-07 logout pages and redirects are never cached (Cache-Control: no-store)', async () => {
    const browser = new Browser(provider.app);
    const { web } = await fullSession(browser);
    expect(String((await logoutFromWeb(browser, web)).headers['cache-control'])).toContain('no-store');
    expect(String((await logout(browser)).headers['cache-control'])).toContain('no-store');
    const spaBrowser = new Browser(provider.app);
    const spa = await login(spaBrowser, 'demo-spa');
    const redirect = await logout(spaBrowser, { id_token_hint: spa.id_token, post_logout_redirect_uri: registered['demo-spa']!.postLogout });
    expect(redirect.statusCode).toBe(303);
    expect(String(redirect.headers['cache-control'])).toContain('no-store');
  });

  it('LOGOUT-07 a second logout in the same browser finds no session: the no-session page, no iframes', async () => {
    const browser = new Browser(provider.app);
    const { web } = await fullSession(browser);
    await logoutFromWeb(browser, web);
    const response = await logoutFromWeb(browser, web);
    const page = expectNoRedirect(response);
    expect(page.iframes).toEqual([]);
    expect(response.body).toContain(messages.nb.logout.noSessionText);
  });
});

describe('language (LOGOUT-13)', () => {
  for (const locale of ['nb', 'nn', 'en', 'se'] as const) {
    it(`LOGOUT-13 the front-channel page speaks ${locale} when asked by ui_locales`, async () => {
      const browser = new Browser(provider.app);
      const web = await login(browser, 'demo-web');
      const response = await logout(browser, { id_token_hint: web.id_token, post_logout_redirect_uri: registered['demo-web']!.postLogout, ui_locales: locale });
      expect(pageOf(response).iframes).toHaveLength(1);
      expect(htmlLangOf(response.body)).toBe(locale);
      expect(titleOf(response.body)).toBe(messages[locale].logout.loggingOutTitle);
      expect(response.body).toContain(messages[locale].logout.loggingOutText);
    });

    it(`LOGOUT-13 the logged-out page speaks ${locale} when the IDPORTEN_SELECTED_LANGUAGE cookie says so, over ui_locales`, async () => {
      const browser = new Browser(provider.app);
      await login(browser, 'demo-spa');
      browser.cookies.set('IDPORTEN_SELECTED_LANGUAGE', { value: locale, path: '/' });
      const other = locale === 'en' ? 'nn' : 'en';
      const response = await logout(browser, { ui_locales: other });
      expectNoRedirect(response);
      expect(htmlLangOf(response.body)).toBe(locale);
      expect(titleOf(response.body)).toBe(messages[locale].logout.loggedOutTitle);
      expect(response.body).toContain(messages[locale].logout.loggedOutText);
    });
  }

  it('LOGOUT-13 the front-channel page without redirect follows the language cookie', async () => {
    const browser = new Browser(provider.app);
    await login(browser, 'demo-web');
    browser.cookies.set('IDPORTEN_SELECTED_LANGUAGE', { value: 'se', path: '/' });
    const response = await logout(browser);
    expect(expectNoRedirect(response).iframes).toHaveLength(1);
    expect(htmlLangOf(response.body)).toBe('se');
    expect(titleOf(response.body)).toBe(messages.se.logout.loggedOutTitle);
  });

  it('LOGOUT-13 without ui_locales or cookie the pages are Bokmål', async () => {
    const browser = new Browser(provider.app);
    await login(browser, 'demo-spa');
    const response = await logout(browser);
    expect(htmlLangOf(response.body)).toBe('nb');
    expect(titleOf(response.body)).toBe(messages.nb.logout.loggedOutTitle);
  });
});

describe('another person in the same browser (SSO-07)', () => {
  it("SSO-07 LOGOUT-08 person B's login first shows the front-channel page for A's clients, continuing to the client with B's code", async () => {
    const browser = new Browser(provider.app);
    const a = await login(browser, 'demo-web');
    const response = await submitLogin(browser, 'demo-web', { prompt: 'login', state: 'b-state' }, PERSON_B);
    const page = pageOf(response);
    expect(page.iframes).toHaveLength(1);
    expect(noticeParts(page.iframes[0]!, webFrontchannel)).toEqual({ iss: issuer, sid: a.claims.sid });
    expect(page.continuation).toBeDefined();
    const query = callbackParams(page.continuation!, 'demo-web');
    expect(query.get('state')).toBe('b-state');
    expect(query.get('iss')).toBe(issuer);
    const b = await redeem('demo-web', query.get('code'));
    expect(b.claims.pid).toBe(PERSON_B);
    expect(b.claims.sid).toEqual(expect.any(String));
    expect(b.claims.sid).not.toBe(a.claims.sid);
  });

  it("SSO-07 TOKEN-19 A's login-only grants are dead after B logs in, and the session is now B's", async () => {
    const browser = new Browser(provider.app);
    const a = await login(browser, 'demo-web');
    const aSpa = await silent(browser, 'demo-spa');
    const oldCookie = sessionCookieOf(browser);
    const response = await submitLogin(browser, 'demo-web', { prompt: 'login' }, PERSON_B);
    await redeem('demo-web', callbackParams(pageOf(response).continuation!, 'demo-web').get('code'));
    await expectGrantDead('demo-web', a);
    await expectGrantDead('demo-spa', aSpa);
    expect(await promptNoneError(browserWithCookie(oldCookie), 'demo-spa')).toBe('login_required');
    const next = await silent(browser, 'demo-spa');
    expect(next.claims.pid).toBe(PERSON_B);
  });

  it("SSO-07 LOGOUT-10 A's grant with an API scope survives B's takeover", async () => {
    const browser = new Browser(provider.app);
    await login(browser, 'demo-spa');
    const api = await silent(browser, 'api-klient', { scope: 'openid profile nav:api' });
    await login(browser, 'demo-spa', { prompt: 'login' }, PERSON_B);
    await expectGrantAlive('api-klient', api);
  });

  it("SSO-07 SSO-09 person B logging in to an isolated client ends A's common login too: one browser session, one person", async () => {
    const browser = new Browser(provider.app);
    const a = await login(browser, 'demo-spa');
    const response = await submitLogin(browser, 'iso-web', {}, PERSON_B);
    expect(response.statusCode, response.body).toBe(303);
    await expectGrantDead('demo-spa', a);
    expect(await promptNoneError(browser, 'demo-spa')).toBe('login_required');
  });

  it('SSO-07 LOGOUT-09 when no client of the old session has a front-channel URI, B is redirected to the client at once', async () => {
    const browser = new Browser(provider.app);
    const a = await login(browser, 'demo-spa');
    const response = await submitLogin(browser, 'demo-spa', { prompt: 'login' }, PERSON_B);
    expect(response.statusCode, response.body).toBe(303);
    const b = await redeem('demo-spa', callbackParams(String(response.headers.location), 'demo-spa').get('code'));
    expect(b.claims.pid).toBe(PERSON_B);
    await expectGrantDead('demo-spa', a);
  });

  it('SSO-05 the same person logging in again with prompt=login keeps the session: no front-channel page, tokens alive', async () => {
    const browser = new Browser(provider.app);
    const a = await login(browser, 'demo-web');
    const again = await login(browser, 'demo-web', { prompt: 'login' });
    expect(again.claims.sid).toBe(a.claims.sid);
    await expectGrantAlive('demo-web', a);
  });
});

describe('session timers and token lifetimes (SSO-03, SSO-11)', () => {
  it('SSO-03 an idle-expired session sends nothing: after 31 min /logout shows the no-session page with no iframes and no redirect', async () => {
    const browser = new Browser(provider.app);
    const { web } = await fullSession(browser);
    now += 31 * MINUTE;
    const response = await logoutFromWeb(browser, web);
    const page = expectNoRedirect(response);
    expect(page.iframes).toEqual([]);
    expect(page.frontchannel).toBe(false);
    expect(response.body).toContain(messages.nb.logout.noSessionText);
    expect(cspDirectives(response).get('frame-src')).toEqual(["'none'"]);
  });

  it('SSO-03 a session past its 120-minute maximum sends nothing either', async () => {
    const browser = new Browser(provider.app);
    const web = await login(browser, 'demo-web');
    for (let i = 0; i < 4; i++) {
      now += 25 * MINUTE;
      await silent(browser, 'demo-spa');
    }
    now += 21 * MINUTE; // 121 minutes after the login, 21 minutes after the last request
    const page = expectNoRedirect(await logoutFromWeb(browser, web));
    expect(page.iframes).toEqual([]);
  });

  it('SSO-11 LOGOUT-10 after logout an API-scope grant keeps working past the session timers, until its own authorization_lifetime', async () => {
    const browser = new Browser(provider.app);
    const web = await login(browser, 'demo-web');
    const api = await silent(browser, 'api-klient', { scope: 'openid profile nav:api' });
    await logoutFromWeb(browser, web);
    let refreshToken = api.refresh_token;
    // Every 9 minutes (inside the 600 s idle window) for 54 minutes: beyond the 30-minute session
    // idle limit, within the client's 3600 s authorization_lifetime.
    for (let i = 0; i < 6; i++) {
      now += 9 * MINUTE;
      const refreshed = await refresh('api-klient', refreshToken);
      expect(refreshed.statusCode, `refresh at ${(i + 1) * 9} min: ${refreshed.body}`).toBe(200);
      const body = refreshed.json() as { access_token: string; refresh_token: string };
      expect((await userinfo(body.access_token)).statusCode).toBe(200);
      refreshToken = body.refresh_token;
    }
    now += 7 * MINUTE; // 61 minutes: past authorization_lifetime
    const late = await refresh('api-klient', refreshToken);
    expect(late.statusCode, late.body).toBe(400);
    expect((late.json() as { error: string }).error).toBe('invalid_grant');
  });

  it("SSO-11 IDT-12 an id_token's exp is iat + 120 s, whatever the session has left", async () => {
    const browser = new Browser(provider.app);
    const first = await login(browser, 'demo-web');
    expect(first.claims.exp! - first.claims.iat!).toBe(120);
    for (let i = 0; i < 4; i++) {
      now += 29 * MINUTE;
      await silent(browser, 'demo-spa');
    }
    now += 59_000; // 116 min 59 s: the session's absolute end is 3 min 1 s away
    const late = await silent(browser, 'demo-web');
    expect(late.claims.exp! - late.claims.iat!).toBe(120);
    expect(late.claims.auth_time).toBe(first.claims.auth_time);
    now += 3 * MINUTE + 1000; // the session's absolute end; the id_token's exp is not moved
    expect(await promptNoneError(browser, 'demo-web')).toBe('login_required');
  });

  it('SSO-03 SSO-11 passive expiry revokes nothing: a refresh token keeps refreshing after the session idle-expired', async () => {
    const browser = new Browser(provider.app);
    await login(browser, 'demo-web');
    now += 29 * MINUTE;
    const spa = await silent(browser, 'demo-spa'); // the session's last activity: idle until 59 min
    let refreshToken = spa.refresh_token;
    for (const minute of [38, 47, 56, 65]) {
      now += 9 * MINUTE;
      const refreshed = await refresh('demo-spa', refreshToken);
      expect(refreshed.statusCode, `refresh at ${minute} min: ${refreshed.body}`).toBe(200);
      refreshToken = (refreshed.json() as { refresh_token: string }).refresh_token;
    }
    // At 65 minutes the session itself is gone.
    expect(await promptNoneError(browser, 'demo-spa')).toBe('login_required');
  });
});

describe('registration rules used by logout (CLIENT-10, CLIENT-11)', () => {
  it('CLIENT-11 a frontchannel_logout_uri on a host none of the redirect_uris use stops start-up', () => {
    const record = { ...base('fcl-bare'), frontchannel_logout_uri: 'https://elsewhere.example.net/logout' };
    expect(() => parseClientRecords([record], 'test')).toThrow(/frontchannel_logout_uri/);
  });

  it('CLIENT-11 frontchannel_logout_session_required defaults to false', () => {
    const record = { ...base('fcl-bare'), frontchannel_logout_uri: bareFrontchannel };
    const [client] = parseClientRecords([record], 'test').clients;
    expect(client!.frontchannel_logout_session_required).toBe(false);
  });
});
