// The harness of the token tests (token-endpoint, refresh-token, revocation-introspection, par):
// the demo clients, client authentication as each registered method sends it, the browser login
// up to the code, and the /token, /userinfo and /jwks.json calls around it.
//
// Plain exports need nothing but their arguments. What talks to the provider or reads its clock
// comes from tokenFlow(), which takes getters rather than values: every test starts a new
// provider in beforeEach (some restart it mid-test) and moves its own `now`.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import { SignJWT, importJWK, type JWK } from 'jose';
import { expect } from 'vitest';
import type { TestProvider } from './app.js';
import { Browser, loginThroughBrowser } from './browser.js';

/** The issuer the token tests run under (OP_ISSUER; also the provider's default). */
export const issuer = 'http://localhost:3000';
/** The synthetic TestID number the login uses unless told otherwise. */
export const pid = '21879498012';
/** A second synthetic TestID number (AUTHN-08: month + 80), born 1990-02-17. */
export const otherPid = '17829012340';
/** The organisation number of the demo clients (client_orgno). */
export const orgno = '991825827';

/** The demo client records (fixtures/demo/clients.json); suites add their own records to them. */
export const demoClients = JSON.parse(readFileSync(new URL('../../fixtures/demo/clients.json', import.meta.url), 'utf8')) as unknown[];
/** The private key demo-pkjwt signs its client assertions with. */
const demoKey = JSON.parse(readFileSync(new URL('../../fixtures/demo/demo-pkjwt.private-key.json', import.meta.url), 'utf8')) as JWK;

/** How a test client authenticates at /token, /par, /token/revoke and /token/introspect. */
export type ClientAuth =
  /** client_secret_basic: an Authorization: Basic header. */
  | { kind: 'basic'; secret: string }
  /** client_secret_post: client_id and client_secret in the body. */
  | { kind: 'post'; secret: string }
  /** A public client: client_id only. */
  | { kind: 'none' }
  /** private_key_jwt: a client assertion signed with the demo-pkjwt key. */
  | { kind: 'private_key_jwt' };

/** A registered client as a test drives it: its id, the redirect_uri it logs in with, its authentication. */
export interface TestClient {
  id: string;
  redirectUri: string;
  auth: ClientAuth;
}

/** The client_secret of demo-web in fixtures/demo/clients.json. */
export const webSecret = 'demo-web-secret-for-local-testing-only-0123456789';
/** demo-web: confidential, client_secret_basic, refresh_token grant, frontchannel_logout_session_required. */
export const web: TestClient = { id: 'demo-web', redirectUri: 'http://localhost:8080/callback', auth: { kind: 'basic', secret: webSecret } };
/** demo-spa: a public client (token_endpoint_auth_method none). */
export const spa: TestClient = { id: 'demo-spa', redirectUri: 'http://localhost:5173/callback', auth: { kind: 'none' } };
/** demo-pkjwt: private_key_jwt, without the refresh_token grant. */
export const pkjwt: TestClient = { id: 'demo-pkjwt', redirectUri: 'http://localhost:8081/callback', auth: { kind: 'private_key_jwt' } };

/** The client_assertion_type of private_key_jwt (RFC 7523 §2.2). */
export const clientAssertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** An Authorization: Basic header value, id and secret form-encoded first (RFC 6749 §2.3.1). */
export const basic = (clientId: string, secret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** A 256-bit value in base64url: codes, refresh tokens and pairwise subs. */
export const base64url43 = /^[A-Za-z0-9_-]{43}$/;

/** Form or query parameters: `undefined` leaves a parameter out, an array repeats it. */
export type FormParams = Record<string, string | string[] | undefined>;

/** application/x-www-form-urlencoded, in the order of `params`. */
export function encodeForm(params: FormParams): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) search.append(name, one);
  }
  return search.toString();
}

/** A /token success body (authorization_code or refresh_token grant). */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  id_token?: string;
  refresh_token?: string;
}

/** A token response known to carry a refresh token. */
export type RefreshableTokens = TokenResponse & { refresh_token: string };

export function idTokenOf(tokens: TokenResponse): string {
  if (tokens.id_token === undefined) throw new Error('no id_token in the token response');
  return tokens.id_token;
}

export function refreshTokenOf(tokens: TokenResponse): string {
  if (tokens.refresh_token === undefined) throw new Error('no refresh_token in the token response');
  return tokens.refresh_token;
}

/** What an OAuth error must show beyond status, JSON and exactly {error, error_description}. */
export interface OAuthErrorChecks {
  /** Cache-Control: no-store (ERR-03). */
  noStore?: boolean;
  /** No Location header: the error is answered, not redirected (PAR-06). */
  noLocation?: boolean;
  /** error_description uses only the characters RFC 6749 §5.2 allows, rather than being any string. */
  strictDescription?: boolean;
}

/** ERR-03, TOKEN-17: the status, a JSON body of exactly error and error_description, and `checks`. */
export function expectOAuthError(response: LightMyRequestResponse, status: number, error: string, checks: OAuthErrorChecks = {}): void {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  if (checks.noStore) expect(response.headers['cache-control']).toBe('no-store');
  if (checks.noLocation) expect(response.headers.location).toBeUndefined();
  const body = response.json<Record<string, unknown>>();
  expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
  expect(body.error).toBe(error);
  if (checks.strictDescription) expect(body.error_description).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]+$/);
  else expect(typeof body.error_description).toBe('string');
}

/** How `authorize` logs in. */
export interface LoginOptions {
  /** Default 'openid profile'. */
  scope?: string;
  nonce?: string;
  uiLocales?: string;
  /** One resource parameter each. */
  resources?: string[];
  /** Send a PKCE S256 challenge (default true). */
  pkce?: boolean;
  /** The TestID number (default `pid`). */
  pid?: string;
  /** The level the tester picks (default idporten-loa-substantial). */
  acr?: string;
  /** A browser that may already hold an SSO session (default a fresh one). */
  browser?: Browser;
}

/** A code as /authorize delivered it, with what redeeming it takes. */
export interface Authorized {
  client: TestClient;
  code: string;
  /** The PKCE verifier; undefined when no challenge was sent. */
  verifier: string | undefined;
}

/** The query of a code-flow authorization request for `client` (S256 challenge of `verifier` unless undefined). */
export function authorizeQuery(client: TestClient, verifier: string | undefined, options: LoginOptions = {}): URLSearchParams {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: client.id,
    redirect_uri: client.redirectUri,
    scope: options.scope ?? 'openid profile',
    state: randomBytes(8).toString('base64url'),
  });
  if (verifier !== undefined) {
    query.set('code_challenge', createHash('sha256').update(verifier).digest('base64url'));
    query.set('code_challenge_method', 'S256');
  }
  if (options.nonce !== undefined) query.set('nonce', options.nonce);
  if (options.uiLocales !== undefined) query.set('ui_locales', options.uiLocales);
  for (const resource of options.resources ?? []) query.append('resource', resource);
  return query;
}

/** The published signing keys, as /jwks.json serves them. */
export interface JwksDocument {
  keys: (JWK & { x5c: string[] })[];
}

export interface TokenFlowOptions {
  /** The provider of the running test. */
  provider: () => TestProvider;
  /** The provider's clock in ms; client assertions are issued at this time. */
  now: () => number;
  /** What every OAuth error of the suite must also show (see expectOAuthError); default none. */
  errorChecks?: OAuthErrorChecks;
  /** authorize also checks that the code came to the client's own redirect_uri (default true). */
  checkRedirectUri?: boolean;
  /** Told now() as authorize starts the login: the start of the grant (TOKEN-15). */
  onLogin?: (at: number) => void;
}

/** The helpers that call the provider of the running test, by its clock. */
export function tokenFlow(options: TokenFlowOptions) {
  const { provider, now, errorChecks = {}, checkRedirectUri = true, onLogin } = options;

  /** A private_key_jwt assertion by demo-pkjwt's key, valid for 60 s from now(); `audience` defaults to the issuer. */
  async function clientAssertion(clientId: string, audience: string = provider().context.config.issuer): Promise<string> {
    const key = await importJWK(demoKey, 'RS256');
    const iat = Math.floor(now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: demoKey.kid! })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 60)
      .setJti(randomBytes(8).toString('base64url'))
      .sign(key);
  }

  /** The body fields and Authorization header with which `as` authenticates by its registered method. */
  async function clientAuth(as: TestClient, assertionAudience?: string): Promise<{ fields: Record<string, string>; authorization: string | undefined }> {
    switch (as.auth.kind) {
      case 'basic':
        return { fields: {}, authorization: basic(as.id, as.auth.secret) };
      case 'post':
        return { fields: { client_id: as.id, client_secret: as.auth.secret }, authorization: undefined };
      case 'none':
        return { fields: { client_id: as.id }, authorization: undefined };
      case 'private_key_jwt':
        return {
          fields: { client_id: as.id, client_assertion_type: clientAssertionType, client_assertion: await clientAssertion(as.id, assertionAudience) },
          authorization: undefined,
        };
    }
  }

  /** POST a form body to `url`; `authorization` is sent as is. */
  function postForm(url: string, form: FormParams, authorization?: string): Promise<LightMyRequestResponse> {
    return provider().app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization !== undefined ? { authorization } : {}) },
      payload: encodeForm(form),
    });
  }

  /** POST /token with a form body; `authorization` is sent as is. */
  const postToken = (form: FormParams, authorization?: string): Promise<LightMyRequestResponse> => postForm('/token', form, authorization);

  /** POST `form` to `url` authenticated as `as` by its registered method (TOKEN-03…09, REVOKE-02, INTROSPECT-02). */
  async function postAs(url: string, as: TestClient, form: FormParams, assertionAudience?: string): Promise<LightMyRequestResponse> {
    const { fields, authorization } = await clientAuth(as, assertionAudience);
    return postForm(url, { ...form, ...fields }, authorization);
  }

  /** Drive /authorize and the TestID page; return the code from the 303 to the redirect_uri. */
  async function authorize(client: TestClient, login: LoginOptions = {}): Promise<Authorized> {
    const verifier = login.pkce === false ? undefined : randomBytes(32).toString('base64url');
    const query = authorizeQuery(client, verifier, login);
    const browser = login.browser ?? new Browser(provider().app);
    onLogin?.(now());
    const { response } = await loginThroughBrowser(browser, `/authorize?${query}`, { pid: login.pid ?? pid, acr: login.acr ?? 'idporten-loa-substantial' });
    expect(response.statusCode, response.body).toBe(303);
    const location = new URL(String(response.headers.location));
    if (checkRedirectUri) expect(`${location.origin}${location.pathname}`).toBe(client.redirectUri);
    const code = location.searchParams.get('code');
    if (!code) throw new Error(`no code in ${location.href}`);
    return { client, code, verifier };
  }

  /**
   * Redeem a code as its client would: grant_type, code, redirect_uri, code_verifier and the
   * authentication of `as` (by default the client the code was issued to). `overrides` replaces
   * fields; undefined removes one.
   */
  async function redeem(authorized: Authorized, overrides: FormParams = {}, as: TestClient = authorized.client): Promise<LightMyRequestResponse> {
    const form: FormParams = {
      grant_type: 'authorization_code',
      code: authorized.code,
      redirect_uri: authorized.client.redirectUri,
      ...(authorized.verifier !== undefined ? { code_verifier: authorized.verifier } : {}),
    };
    const { fields, authorization } = await clientAuth(as);
    return postToken({ ...form, ...fields, ...overrides }, authorization);
  }

  /** Log in and redeem the code; the exchange must answer 200. */
  async function tokensFor(client: TestClient, login: LoginOptions = {}): Promise<TokenResponse> {
    const response = await redeem(await authorize(client, login));
    expect(response.statusCode, response.body).toBe(200);
    return response.json<TokenResponse>();
  }

  /** tokensFor, for a client that must also get a refresh token. */
  async function login(client: TestClient, options: LoginOptions = {}): Promise<RefreshableTokens> {
    const tokens = await tokensFor(client, options);
    return { ...tokens, refresh_token: refreshTokenOf(tokens) };
  }

  /** The refresh_token grant as `as` sends it; `extra` adds parameters (scope, …). The raw response. */
  const refresh = (as: TestClient, refreshToken: string, extra: FormParams = {}): Promise<LightMyRequestResponse> =>
    postAs('/token', as, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra });

  /** A refresh that must answer 200; its body. */
  async function refreshed(as: TestClient, refreshToken: string, extra: FormParams = {}): Promise<TokenResponse> {
    const response = await refresh(as, refreshToken, extra);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<TokenResponse>();
  }

  /** refreshed, and the body must carry a refresh token. */
  async function refreshOk(as: TestClient, refreshToken: string, extra: FormParams = {}): Promise<RefreshableTokens> {
    const tokens = await refreshed(as, refreshToken, extra);
    return { ...tokens, refresh_token: refreshTokenOf(tokens) };
  }

  /** GET /userinfo with the token as Bearer header. */
  const userinfoGet = (accessToken: string): Promise<LightMyRequestResponse> =>
    provider().app.inject({ method: 'GET', url: '/userinfo', headers: { authorization: `Bearer ${accessToken}` } });

  /** expectOAuthError with the suite's errorChecks. */
  const expectSuiteOAuthError = (response: LightMyRequestResponse, status: number, error: string): void =>
    expectOAuthError(response, status, error, errorChecks);

  /** UI-01: /userinfo accepts the access token. */
  async function expectAccessTokenWorks(accessToken: string): Promise<void> {
    const response = await userinfoGet(accessToken);
    expect(response.statusCode, response.body).toBe(200);
  }

  /** UI-04, AT-08: /userinfo refuses the access token as invalid or revoked. */
  async function expectAccessTokenRefused(accessToken: string): Promise<void> {
    const response = await userinfoGet(accessToken);
    expectSuiteOAuthError(response, 401, 'invalid_token');
    expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
  }

  /** GET /jwks.json, which must answer 200. */
  async function providerJwks(): Promise<JwksDocument> {
    const response = await provider().app.inject({ method: 'GET', url: '/jwks.json' });
    expect(response.statusCode).toBe(200);
    return response.json<JwksDocument>();
  }

  return {
    clientAssertion,
    clientAuth,
    postForm,
    postToken,
    postAs,
    authorize,
    redeem,
    tokensFor,
    login,
    refresh,
    refreshed,
    refreshOk,
    userinfoGet,
    expectOAuthError: expectSuiteOAuthError,
    expectAccessTokenWorks,
    expectAccessTokenRefused,
    providerJwks,
  };
}

export type TokenFlow = ReturnType<typeof tokenFlow>;
