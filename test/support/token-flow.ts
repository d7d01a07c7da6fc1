// The harness of the token tests (token-endpoint, refresh-token, revocation-introspection, par):
// the browser login up to the code, client authentication as each registered method sends it
// (private_key_jwt assertions signed on the provider's clock), and the /token, /userinfo and
// /jwks.json calls around it. Clients, persons, encodings and checks are the shared vocabulary
// (./vocabulary.ts).
//
// Plain exports need nothing but their arguments. What talks to the provider or reads its clock
// comes from tokenFlow(), which takes getters rather than values: every test starts a new
// provider in beforeEach (some restart it mid-test) and moves its own `now`.
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { SignJWT, importJWK, type JWK } from 'jose';
import { expect } from 'vitest';
import type { TestProvider } from './app.js';
import { Browser, loginThroughBrowser } from './browser.js';
import {
  SUBSTANTIAL,
  authorizationParams,
  credentials,
  demoPkjwtKey,
  encodeForm,
  expectOAuthError,
  pid,
  pkcePair,
  refreshTokenOf,
  type FormParams,
  type OAuthErrorChecks,
  type TestClient,
  type TokenResponse,
} from './vocabulary.js';

/** A token response known to carry a refresh token. */
export type RefreshableTokens = TokenResponse & { refresh_token: string };

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
  /** The TestID number (default the vocabulary's `pid`). */
  pid?: string;
  /** The level the tester picks (default SUBSTANTIAL). */
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

/** The query of a code-flow authorization request for `client` with a new state (S256 challenge of `verifier` unless undefined). */
export function authorizeQuery(client: TestClient, verifier: string | undefined, options: LoginOptions = {}): URLSearchParams {
  const request = {
    clientId: client.id,
    redirectUri: client.redirectUri,
    state: randomBytes(8).toString('base64url'),
    nonce: options.nonce,
    challenge: verifier === undefined ? undefined : pkcePair(verifier).challenge,
  };
  return new URLSearchParams(encodeForm(authorizationParams(request, { scope: options.scope ?? 'openid profile', ui_locales: options.uiLocales, resource: options.resources })));
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
    const key = await importJWK(demoPkjwtKey, 'RS256');
    const iat = Math.floor(now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: demoPkjwtKey.kid! })
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
    return credentials(as, as.auth.kind === 'private_key_jwt' ? await clientAssertion(as.id, assertionAudience) : undefined);
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
    const verifier = login.pkce === false ? undefined : pkcePair().verifier;
    const query = authorizeQuery(client, verifier, login);
    const browser = login.browser ?? new Browser(provider().app);
    onLogin?.(now());
    const { response } = await loginThroughBrowser(browser, `/authorize?${query}`, { pid: login.pid ?? pid, acr: login.acr ?? SUBSTANTIAL });
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
