// Login, SSO and token helpers shared by the tests that drive the provider through app.inject
// with the cookie-keeping Browser of ./browser.ts (login-and-sso.test.ts, logout.test.ts), and the
// bits of an authorization request the Chromium tests (test/browser) build the same way.
//
// ssoFlow() is the one copy of "authorize → TestID page → callback → /token": every hop is
// visible and nothing is followed automatically. Where the test files want different things it
// takes an option instead of guessing: how much the login page itself is checked on the way
// through, and what a redeemed code is handed back as.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestProvider } from './app.js';
import type { Browser } from './browser.js';

/** The issuer of a test provider started without OP_ISSUER. */
export const issuer = 'http://localhost:3000';
export const MINUTE = 60_000;
export const SUBSTANTIAL = 'idporten-loa-substantial';
export const HIGH = 'idporten-loa-high';
/** AUTHN-08: valid synthetic number (born 21 Jul 1994); the person a login is for unless told. */
export const SYNTHETIC_PID = '21879498012';

/**
 * A PKCE pair (RFC 7636 §4.1, §4.2) with its S256 challenge: for a fixed `verifier` (a test file
 * binds all its codes to one), else for a fresh random 43-character one.
 */
export function pkcePair(verifier: string = randomBytes(32).toString('base64url')): { verifier: string; challenge: string } {
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** client_secret_basic (RFC 6749 §2.3.1): both parts form-encoded before base64. */
export const basicAuthorization = (clientId: string, secret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** The parts of a code-flow authorization request (scope openid profile, S256 PKCE) that vary. */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  state: string;
  /** Left out of the request when undefined. */
  nonce?: string;
  challenge: string;
}

/**
 * `endpoint`?query of an authorization request; `extra` adds parameters or overrides the
 * defaults. Spaces come out as URLSearchParams writes them (`+`) unless `spaces` is '%20', the
 * form the Chromium tests navigate to.
 */
export function authorizationUrl(endpoint: string, request: AuthorizationRequest, extra: Record<string, string> = {}, spaces: '+' | '%20' = '+'): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    scope: 'openid profile',
    state: request.state,
    ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
    code_challenge: request.challenge,
    code_challenge_method: 'S256',
    ...extra,
  }).toString();
  return `${endpoint}?${spaces === '%20' ? query.replace(/\+/g, '%20') : query}`;
}

// ---------------------------------------------------------------------------------------------
// Clients

/** What a test needs to know of a registered client to drive its flows. */
export interface TestClient {
  redirectUri: string;
  /** The one registered post_logout_redirect_uri. */
  postLogout: string;
  /** Basic authentication at /token; public clients send client_id only. */
  secret?: string;
}

/** The demo-web and demo-spa records of fixtures/demo/clients.json, as the tests drive them. */
export const demoTestClients = {
  // Demo file: frontchannel_logout_uri http://localhost:8080/frontchannel-logout, session_required.
  'demo-web': { redirectUri: 'http://localhost:8080/callback', postLogout: 'http://localhost:8080/logged-out', secret: 'demo-web-secret-for-local-testing-only-0123456789' },
  // Demo file: public, no frontchannel_logout_uri.
  'demo-spa': { redirectUri: 'http://localhost:5173/callback', postLogout: 'http://localhost:5173/' },
} as const satisfies Record<string, TestClient>;

/** Every record of fixtures/demo/clients.json, to register next to a test file's own clients. */
export const demoClientRecords = JSON.parse(readFileSync(new URL('../../fixtures/demo/clients.json', import.meta.url), 'utf8')) as unknown[];

/**
 * The registration record of `client` as an idporten client of our test organisation with its
 * one redirect_uri and post_logout_redirect_uri; spread what a test needs beyond that over it
 * (client_name at least).
 */
export const clientRecord = (clientId: string, client: TestClient) => ({
  client_id: clientId,
  client_secret: client.secret,
  client_orgno: '991825827',
  integration_type: 'idporten',
  redirect_uris: [client.redirectUri],
  post_logout_redirect_uris: [client.postLogout],
});

// ---------------------------------------------------------------------------------------------
// Reading pages

/** The hidden csrf input of the login form (docs/interface.md); throws when the page has none. */
export function csrfOf(body: string): string {
  const csrf = /<input type="hidden" name="csrf" value="([^"]+)">/.exec(body)?.[1];
  if (!csrf) throw new Error(`no csrf field in: ${body.slice(0, 400)}`);
  return csrf;
}

export const htmlLangOf = (body: string): string | undefined => /<html lang="([^"]+)">/.exec(body)?.[1];
export const titleOf = (body: string): string | undefined => /<title>([^<]*)<\/title>/.exec(body)?.[1];

// ---------------------------------------------------------------------------------------------
// The flow

/** The JSON of a 200 token response to an authorization_code grant. */
export interface TokenResponse {
  id_token: string;
  access_token: string;
  /** Only for clients registered with the refresh_token grant. */
  refresh_token?: string;
}

export interface SsoFlowOptions<T> {
  /** The provider of the running test; read at every call, since tests start a new one (or swap it). */
  provider: () => TestProvider;
  /** The clients the helpers may be asked to use, by client_id. */
  registered: Readonly<Record<string, TestClient>>;
  /** The PKCE code_verifier every authorization request of the file is bound to. */
  verifier: string;
  /**
   * How closely the TestID page is checked on the way through (openLoginPage, and so login and
   * authorizeAndSubmit). true: the /login/ path is an opaque id of 16 or more characters, the
   * page answers 200 and carries the exact hidden csrf input of docs/interface.md (csrfOf; missing, it
   * throws). false: only that /authorize sent the browser to /login/ and that the page had some
   * csrf value (an expect).
   */
  checkLoginPage: boolean;
  /**
   * What redeem (and so login and silent) hands back, made from the 200 token response; this is
   * also where a file asserts what every token response must carry beyond the id_token.
   */
  tokens: (body: TokenResponse) => T;
}

export interface SsoFlow<T> {
  /** /authorize for a registered client: its redirect_uri, a new state and nonce; `params` win. */
  authorizeUrl(clientId: string, params?: Record<string, string>): string;
  /** /authorize must send the browser to the login page; that page (see checkLoginPage). */
  openLoginPage(browser: Browser, url: string): Promise<{ loginUrl: string; page: LightMyRequestResponse; csrf: string }>;
  /** POST the TestID form: log in as SYNTHETIC_PID at substantial unless `fields` say otherwise. */
  postLogin(browser: Browser, loginUrl: string, csrf: string, fields?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** /authorize → login page → POST the form; the response to the POST. */
  authorizeAndSubmit(browser: Browser, clientId: string, params?: Record<string, string>, fields?: Record<string, string>): Promise<LightMyRequestResponse>;
  /**
   * The query of a redirect to the client's registered redirect_uri: a response (which must be a
   * 303) or the location itself (a Location header, a data-post-logout-redirect).
   */
  callbackParams(redirect: LightMyRequestResponse | string, clientId: string): URLSearchParams;
  /** POST /token as the client: Basic authentication, or client_id in the form for a public one. */
  tokenRequest(clientId: string, form: Record<string, string>): Promise<LightMyRequestResponse>;
  /** Redeem a code at /token like the client would. */
  redeem(clientId: string, code: string | null): Promise<T>;
  /** A full interactive login ending in a 303 to the client; what its code redeemed to. */
  login(browser: Browser, clientId: string, params?: Record<string, string>, fields?: Record<string, string>): Promise<T>;
  /** An authorization request answered from the session (SSO-04): straight to the client with a code. */
  silent(browser: Browser, clientId: string, params?: Record<string, string>): Promise<T>;
  /** The request needs the user: /authorize sends the browser to the login page. */
  expectLoginRedirect(browser: Browser, clientId: string, params?: Record<string, string>): Promise<void>;
  /** AUTHZ-14: prompt=none; the error (or null when a code came back). */
  promptNoneError(browser: Browser, clientId: string): Promise<string | null>;
}

export function ssoFlow<T>(options: SsoFlowOptions<T>): SsoFlow<T> {
  const { verifier, challenge } = pkcePair(options.verifier);
  const client = (clientId: string): TestClient => {
    const found = options.registered[clientId];
    if (!found) throw new Error(`${clientId} is not among this file's registered test clients`);
    return found;
  };
  let stateCounter = 0;

  const authorizeUrl: SsoFlow<T>['authorizeUrl'] = (clientId, params = {}) => {
    const state = `state-${++stateCounter}`;
    return authorizationUrl('/authorize', { clientId, redirectUri: client(clientId).redirectUri, state, nonce: `nonce-${stateCounter}`, challenge }, params);
  };

  const openLoginPage: SsoFlow<T>['openLoginPage'] = async (browser, url) => {
    const start = await browser.get(url);
    expect(start.statusCode, start.body).toBe(303);
    const loginUrl = String(start.headers.location);
    expect(loginUrl).toMatch(options.checkLoginPage ? /^\/login\/[A-Za-z0-9_-]{16,}$/ : /^\/login\//);
    const page = await browser.get(loginUrl);
    if (options.checkLoginPage) {
      expect(page.statusCode, page.body).toBe(200);
      return { loginUrl, page, csrf: csrfOf(page.body) };
    }
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1];
    expect(csrf).toBeTruthy();
    return { loginUrl, page, csrf: csrf! };
  };

  const postLogin: SsoFlow<T>['postLogin'] = (browser, loginUrl, csrf, fields = {}) =>
    browser.post(loginUrl, { csrf, action: 'login', pid: SYNTHETIC_PID, acr: SUBSTANTIAL, ...fields });

  const authorizeAndSubmit: SsoFlow<T>['authorizeAndSubmit'] = async (browser, clientId, params = {}, fields = {}) => {
    const { loginUrl, csrf } = await openLoginPage(browser, authorizeUrl(clientId, params));
    return postLogin(browser, loginUrl, csrf, fields);
  };

  const callbackParams: SsoFlow<T>['callbackParams'] = (redirect, clientId) => {
    if (typeof redirect !== 'string') expect(redirect.statusCode, redirect.body).toBe(303);
    const location = new URL(typeof redirect === 'string' ? redirect : String(redirect.headers.location));
    expect(`${location.origin}${location.pathname}`).toBe(client(clientId).redirectUri);
    return location.searchParams;
  };

  const tokenRequest: SsoFlow<T>['tokenRequest'] = (clientId, form) => {
    const { secret } = client(clientId);
    const body = new URLSearchParams(form);
    if (!secret) body.set('client_id', clientId);
    return options.provider().app.inject({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(secret ? { authorization: basicAuthorization(clientId, secret) } : {}) },
      payload: body.toString(),
    });
  };

  const redeem: SsoFlow<T>['redeem'] = async (clientId, code) => {
    expect(code).toBeTruthy();
    const response = await tokenRequest(clientId, { grant_type: 'authorization_code', code: code!, redirect_uri: client(clientId).redirectUri, code_verifier: verifier });
    expect(response.statusCode, response.body).toBe(200);
    return options.tokens(response.json() as TokenResponse);
  };

  return {
    authorizeUrl,
    openLoginPage,
    postLogin,
    authorizeAndSubmit,
    callbackParams,
    tokenRequest,
    redeem,
    async login(browser, clientId, params = {}, fields = {}) {
      const response = await authorizeAndSubmit(browser, clientId, params, fields);
      return redeem(clientId, callbackParams(response, clientId).get('code'));
    },
    async silent(browser, clientId, params = {}) {
      const query = callbackParams(await browser.get(authorizeUrl(clientId, params)), clientId);
      expect(query.get('error')).toBeNull();
      return redeem(clientId, query.get('code'));
    },
    async expectLoginRedirect(browser, clientId, params = {}) {
      const response = await browser.get(authorizeUrl(clientId, params));
      expect(response.statusCode, response.body).toBe(303);
      expect(String(response.headers.location)).toMatch(/^\/login\//);
    },
    async promptNoneError(browser, clientId) {
      const query = callbackParams(await browser.get(authorizeUrl(clientId, { prompt: 'none' })), clientId);
      if (query.get('error') === null) expect(query.get('code')).toBeTruthy();
      return query.get('error');
    },
  };
}
