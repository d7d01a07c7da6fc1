// Login, SSO and token helpers shared by the tests that drive the provider through app.inject
// with the cookie-keeping Browser of ./browser.ts (login-and-sso.test.ts, logout.test.ts). Clients,
// persons, levels, requests and page readers are the shared vocabulary (./vocabulary.ts).
//
// ssoFlow() is the one copy of "authorize → TestID page → callback → /token": every hop is
// visible and nothing is followed automatically. Where the test files want different things it
// takes an option instead of guessing: how much the login page itself is checked on the way
// through, and what a redeemed code is handed back as.
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestProvider } from './app.js';
import type { Browser } from './browser.js';
import {
  SUBSTANTIAL,
  authorizationUrl,
  credentials,
  csrfOf,
  encodeForm,
  expectLoginRedirect,
  pid,
  pkcePair,
  type FormParams,
  type TestClient,
  type TokenResponse,
} from './vocabulary.js';

export interface SsoFlowOptions<T> {
  /** The provider of the running test; read at every call, since tests start a new one (or swap it). */
  provider: () => TestProvider;
  /** The clients the helpers may be asked to use, by client_id (vocabulary's byId). */
  registered: Readonly<Record<string, TestClient>>;
  /** The PKCE code_verifier every authorization request of the file is bound to. */
  verifier: string;
  /**
   * How closely the TestID page is checked on the way through (openLoginPage, and so login and
   * authorizeAndSubmit). true: the /login/ path is an opaque id of 16 or more characters, the
   * page answers 200. false: only that /authorize sent the browser to /login/. Either way the page
   * must carry the exact hidden csrf input of docs/interface.md (csrfOf; missing, it throws).
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
  /** POST the TestID form: log in as `pid` at substantial unless `fields` say otherwise. */
  postLogin(browser: Browser, loginUrl: string, csrf: string, fields?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** /authorize → login page → POST the form; the response to the POST. */
  authorizeAndSubmit(browser: Browser, clientId: string, params?: Record<string, string>, fields?: Record<string, string>): Promise<LightMyRequestResponse>;
  /**
   * The query of a redirect to the client's registered redirect_uri: a response (which must be a
   * 303) or the location itself (a Location header, a data-post-logout-redirect).
   */
  callbackParams(redirect: LightMyRequestResponse | string, clientId: string): URLSearchParams;
  /** POST /token as the client authenticates by its secret (Basic or in the form), or client_id in the form for a public one. */
  tokenRequest(clientId: string, form: FormParams): Promise<LightMyRequestResponse>;
  /** Redeem a code at /token like the client would. */
  redeem(clientId: string, code: string | null): Promise<T>;
  /** A full interactive login ending in a 303 to the client; what its code redeemed to. */
  login(browser: Browser, clientId: string, params?: Record<string, string>, fields?: Record<string, string>): Promise<T>;
  /** An authorization request answered from the session (SSO-04): straight to the client with a code. */
  silent(browser: Browser, clientId: string, params?: Record<string, string>): Promise<T>;
  /** The request needs the user: /authorize sends the browser to the login page (the vocabulary's expectLoginRedirect). */
  expectLoginRequired(browser: Browser, clientId: string, params?: Record<string, string>): Promise<void>;
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
    let loginUrl: string;
    if (options.checkLoginPage) loginUrl = expectLoginRedirect(start);
    else {
      expect(start.statusCode, start.body).toBe(303);
      loginUrl = String(start.headers.location);
      expect(loginUrl).toMatch(/^\/login\//);
    }
    const page = await browser.get(loginUrl);
    if (options.checkLoginPage) expect(page.statusCode, page.body).toBe(200);
    return { loginUrl, page, csrf: csrfOf(page.body) };
  };

  const postLogin: SsoFlow<T>['postLogin'] = (browser, loginUrl, csrf, fields = {}) =>
    browser.post(loginUrl, { csrf, action: 'login', pid, acr: SUBSTANTIAL, ...fields });

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
    const { fields, authorization } = credentials(client(clientId));
    return options.provider().app.inject({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization !== undefined ? { authorization } : {}) },
      payload: encodeForm({ ...form, ...fields }),
    });
  };

  const redeem: SsoFlow<T>['redeem'] = async (clientId, code) => {
    expect(code).toBeTruthy();
    const response = await tokenRequest(clientId, { grant_type: 'authorization_code', code: code!, redirect_uri: client(clientId).redirectUri, code_verifier: verifier });
    expect(response.statusCode, response.body).toBe(200);
    return options.tokens(response.json<TokenResponse>());
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
    async expectLoginRequired(browser, clientId, params = {}) {
      expectLoginRedirect(await browser.get(authorizeUrl(clientId, params)));
    },
    async promptNoneError(browser, clientId) {
      const query = callbackParams(await browser.get(authorizeUrl(clientId, { prompt: 'none' })), clientId);
      if (query.get('error') === null) expect(query.get('code')).toBeTruthy();
      return query.get('error');
    },
  };
}
