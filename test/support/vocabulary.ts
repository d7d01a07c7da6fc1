// The one vocabulary of the tests: the provider's issuer, the levels, the test persons, the demo
// clients and how a test client authenticates, how requests are encoded, and how the provider's
// answers are read and checked (OAuth errors, the error page, redirects to the client, the
// form_post and login pages). Plain values, and functions of their arguments only: no provider,
// no clock, no Redis. The harnesses (token-flow.ts, sso-flow.ts, browser.ts) and every test file
// speak it; a test file keeps only what is its own (its client records, its constants).
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import type { JWK } from 'jose';
import { expect } from 'vitest';
import { OAuthError } from '../../src/errors.js';
import { StaticClientRegistry, parseClientRecords, type RegisteredClient } from '../../src/registry/client-registry.js';

// ---------------------------------------------------------------------------------------------
// The provider, levels, persons

/** The issuer of a test provider started without OP_ISSUER (the provider's default). */
export const issuer = 'http://localhost:3000';
/** An https issuer, for the tests whose cookies must be Secure (AUTHZ-28). */
export const httpsIssuer = 'https://op.example.test';

export const MINUTE = 60_000;

/** AUTHZ-11: the two levels TestID offers. */
export const SUBSTANTIAL = 'idporten-loa-substantial';
export const HIGH = 'idporten-loa-high';

/** AUTHN-08: a valid synthetic TestID number (born 21 Jul 1994); the person a login is for unless told. */
export const pid = '21879498012';
/** AUTHN-08: a second synthetic person (month + 80), born 17 Feb 1990. */
export const otherPid = '17829012340';

/** The organisation number of every test client (client_orgno; valid check digit). */
export const orgno = '991825827';

/** A 256-bit value in base64url: codes, refresh tokens and pairwise subs. */
/** A scope that asks the user's consent (AUTHZ-27), for the consent page's tests. */
export const consentScopeRecord = {
  name: 'bank:accounts',
  prefix: 'bank',
  subscope: 'accounts',
  description: 'See your account balances',
  owner_orgno: orgno,
  allowed_integration_types: ['api_klient'],
  accessible_for_all: true,
  requires_user_consent: true,
};

export const base64url43 = /^[A-Za-z0-9_-]{43}$/;

// ---------------------------------------------------------------------------------------------
// Clients

/** How a test client authenticates at /token, /par, /token/revoke and /token/introspect. */
export type ClientAuth =
  /** client_secret_basic: an Authorization: Basic header. */
  | { kind: 'basic'; secret: string }
  /** client_secret_post: client_id and client_secret in the body. */
  | { kind: 'post'; secret: string }
  /** A public client: client_id only. */
  | { kind: 'none' }
  /** private_key_jwt: a client assertion (tokenFlow signs it with the demo-pkjwt key). */
  | { kind: 'private_key_jwt' };

/** A registered client as a test drives it. */
export interface TestClient {
  id: string;
  /** The redirect_uri it logs in with. */
  redirectUri: string;
  /** The post_logout_redirect_uri it logs out with. */
  postLogout: string;
  auth: ClientAuth;
}

/**
 * A confidential client of a test file at `origin`: redirect_uri `origin`/cb, post-logout URI
 * `origin`/, authenticating with `secret` by client_secret_basic (or client_secret_post).
 */
export const confidentialClient = (id: string, origin: string, secret: string, kind: 'basic' | 'post' = 'basic'): TestClient => ({
  id,
  redirectUri: `${origin}/cb`,
  postLogout: `${origin}/`,
  auth: { kind, secret },
});

/** The fields of a client record (docs/interface.md) that make it a TestClient. */
export interface ClientRecordFields {
  client_id: string;
  client_secret?: string;
  token_endpoint_auth_method?: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
}

const methodOf: Record<ClientAuth['kind'], string> = { basic: 'client_secret_basic', post: 'client_secret_post', none: 'none', private_key_jwt: 'private_key_jwt' };

/** A client record as a test drives it: its first redirect_uri and post_logout_redirect_uri, its registered authentication. */
export function testClientOf(record: ClientRecordFields): TestClient {
  const method = record.token_endpoint_auth_method ?? 'client_secret_basic';
  const secret = (): string => {
    if (record.client_secret === undefined) throw new Error(`${record.client_id} authenticates by ${method} but has no client_secret`);
    return record.client_secret;
  };
  const auth: ClientAuth =
    method === 'none' ? { kind: 'none' } : method === 'private_key_jwt' ? { kind: 'private_key_jwt' } : { kind: method === 'client_secret_post' ? 'post' : 'basic', secret: secret() };
  return { id: record.client_id, redirectUri: record.redirect_uris[0]!, postLogout: record.post_logout_redirect_uris[0]!, auth };
}

/**
 * The registration record of `client`: an idporten client of our test organisation with its one
 * redirect_uri and post_logout_redirect_uri, authenticating as `auth` says. Spread what a test
 * needs beyond that over it (client_name at least; application_type for a public client, jwks
 * for private_key_jwt).
 */
export const clientRecord = (client: TestClient) => ({
  client_id: client.id,
  ...(client.auth.kind === 'basic' || client.auth.kind === 'post' ? { client_secret: client.auth.secret } : {}),
  client_orgno: orgno,
  integration_type: 'idporten',
  token_endpoint_auth_method: methodOf[client.auth.kind],
  redirect_uris: [client.redirectUri],
  post_logout_redirect_uris: [client.postLogout],
});

/** The clients by client_id. */
export const byId = (clients: readonly TestClient[]): Readonly<Record<string, TestClient>> => Object.fromEntries(clients.map((client) => [client.id, client]));

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/demo/${name}`, import.meta.url), 'utf8'));

/** Every record of fixtures/demo/clients.json (the provider's default clients); suites add their own. */
export const demoClientRecords = fixture('clients.json') as ClientRecordFields[];

const demoClient = (clientId: string): TestClient => {
  const record = demoClientRecords.find((r) => r.client_id === clientId);
  if (!record) throw new Error(`${clientId} is not in fixtures/demo/clients.json`);
  return testClientOf(record);
};

/** demo-web: confidential, client_secret_basic, refresh_token grant, a front-channel logout URI with session_required. */
export const web = demoClient('demo-web');
/** demo-spa: a public browser client (token_endpoint_auth_method none), refresh_token grant. */
export const spa = demoClient('demo-spa');
/** demo-pkjwt: private_key_jwt, without the refresh_token grant. */
export const pkjwt = demoClient('demo-pkjwt');
/** The demo clients, as the tests drive them. */
export const demoTestClients: readonly TestClient[] = [web, spa, pkjwt];

/**
 * The registry the provider builds from `records` in test mode (default the demo clients), for
 * the tests that call the protocol's pure deciders directly.
 */
export const registryOf = (records: readonly unknown[] = demoClientRecords): StaticClientRegistry => new StaticClientRegistry(parseClientRecords(records, 'test').clients);

/** The active client `clientId` of `registry`; throws when there is none. */
export function registeredClient(registry: StaticClientRegistry, clientId: string): RegisteredClient {
  const client = registry.find(clientId);
  if (!client) throw new Error(`${clientId} is not an active client of the registry`);
  return client;
}

/** isolated-web: a confidential client of the test suites that opted out of SSO (sso_disabled, SSO-08). */
export const isolatedWeb = confidentialClient('isolated-web', 'http://localhost:8095', 'isolated-web-client-secret-0123456789-abcdef');
/** isolated-web's record, to register beside the demo clients. */
export const isolatedWebRecord = { ...clientRecord(isolatedWeb), client_name: 'Isolated Web Service', sso_disabled: true };

/** The client_secret of a client that has one. */
export function secretOf(client: TestClient): string {
  if (client.auth.kind !== 'basic' && client.auth.kind !== 'post') throw new Error(`${client.id} has no client_secret`);
  return client.auth.secret;
}

/** The client_secret of demo-web. */
export const webSecret = secretOf(web);

/** The private key demo-pkjwt signs its client assertions with (fixtures/demo). */
export const demoPkjwtKey = fixture('demo-pkjwt.private-key.json') as JWK;

/** The client_assertion_type of private_key_jwt (RFC 7523 §2.2). */
export const clientAssertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

// ---------------------------------------------------------------------------------------------
// Encoding requests

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

/** RFC 6749 Appendix B: one value form-encoded (space as `+`, every reserved character as %XX). */
export const formEncode = (text: string): string => new URLSearchParams({ x: text }).toString().slice(2);

/** client_secret_basic (RFC 6749 §2.3.1): id and secret form-encoded, joined by a colon, in base64. */
export const basic = (clientId: string, secret: string): string => `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(secret)}`).toString('base64')}`;

/**
 * The body fields and Authorization header by which `client` authenticates by its registered
 * method; private_key_jwt takes the signed `assertion` (tokenFlow's clientAssertion).
 */
export function credentials(client: TestClient, assertion?: string): { fields: Record<string, string>; authorization: string | undefined } {
  switch (client.auth.kind) {
    case 'basic':
      return { fields: {}, authorization: basic(client.id, client.auth.secret) };
    case 'post':
      return { fields: { client_id: client.id, client_secret: client.auth.secret }, authorization: undefined };
    case 'none':
      return { fields: { client_id: client.id }, authorization: undefined };
    case 'private_key_jwt':
      if (assertion === undefined) throw new Error(`${client.id} authenticates with private_key_jwt: pass a client assertion`);
      return { fields: { client_id: client.id, client_assertion_type: clientAssertionType, client_assertion: assertion }, authorization: undefined };
  }
}

/**
 * A PKCE pair (RFC 7636 §4.1, §4.2) with its S256 challenge: for a fixed `verifier` (a test file
 * binds its codes to one), else for a fresh random 43-character one.
 */
export function pkcePair(verifier: string = randomBytes(32).toString('base64url')): { verifier: string; challenge: string } {
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The example pair of RFC 7636 Appendix B. */
export const rfc7636Example = pkcePair('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');

/** The parts of a code-flow authorization request that vary. */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  /** Each left out of the request when undefined. */
  state?: string | undefined;
  nonce?: string | undefined;
  /** An S256 code_challenge (sent with code_challenge_method S256). */
  challenge?: string | undefined;
}

/** The parameters of a code-flow authorization request (scope openid profile); `extra` adds, overrides or (undefined) removes. */
export const authorizationParams = (request: AuthorizationRequest, extra: FormParams = {}): FormParams => ({
  response_type: 'code',
  client_id: request.clientId,
  redirect_uri: request.redirectUri,
  scope: 'openid profile',
  state: request.state,
  nonce: request.nonce,
  code_challenge: request.challenge,
  code_challenge_method: request.challenge === undefined ? undefined : 'S256',
  ...extra,
});

/**
 * `endpoint`?query of an authorization request. Spaces come out as URLSearchParams writes them
 * (`+`) unless `spaces` is '%20', the form the Chromium tests navigate to.
 */
export function authorizationUrl(endpoint: string, request: AuthorizationRequest, extra: FormParams = {}, spaces: '+' | '%20' = '+'): string {
  const query = encodeForm(authorizationParams(request, extra));
  return `${endpoint}?${spaces === '%20' ? query.replace(/\+/g, '%20') : query}`;
}

// ---------------------------------------------------------------------------------------------
// Token responses and OAuth errors

/** A /token success body (authorization_code or refresh_token grant). */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  /** Only for an authorization_code grant with the openid scope. */
  id_token?: string;
  /** Only for clients registered with the refresh_token grant. */
  refresh_token?: string;
}

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

/** The characters RFC 6749 §5.2 allows in error_description. */
export const errorDescriptionCharset = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;

/** ERR-03, TOKEN-17: the status, a JSON body of exactly error and error_description, and `checks`. */
export function expectOAuthError(response: LightMyRequestResponse, status: number, error: string, checks: OAuthErrorChecks = {}): void {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  if (checks.noStore) expect(response.headers['cache-control']).toBe('no-store');
  if (checks.noLocation) expect(response.headers.location).toBeUndefined();
  const body = response.json<Record<string, unknown>>();
  expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
  expect(body.error).toBe(error);
  if (checks.strictDescription) expect(body.error_description).toMatch(errorDescriptionCharset);
  else expect(typeof body.error_description).toBe('string');
}

// ---------------------------------------------------------------------------------------------
// Pages and redirects

/**
 * ERR-01, docs/interface.md: the error page — HTTP 400 (or `status`), no Location, HTML never
 * cached, h1#op-error, the code in code#op-error-code, and no way out: no link, no form (the
 * login form least of all).
 */
export function expectErrorPage(response: LightMyRequestResponse, code: string, { status = 400 }: { status?: number } = {}): void {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers.location).toBeUndefined();
  expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(response.headers['cache-control']).toBe('no-store');
  expect(response.body).toContain('<h1 id="op-error">');
  expect(/<code id="op-error-code">([^<]*)<\/code>/.exec(response.body)?.[1]).toBe(code);
  expect(response.body).not.toMatch(/<a [^>]*href/);
  expect(response.body).not.toMatch(/<form/);
  expect(response.body).not.toContain('id="login-form"');
}

/** The user must log in: a 303 to this provider's login page for a fresh interaction; its path. */
export function expectLoginRedirect(response: LightMyRequestResponse): string {
  expect(response.statusCode, response.body).toBe(303);
  const location = String(response.headers.location ?? '');
  expect(location).toMatch(/^\/login\/[A-Za-z0-9_-]{16,}$/);
  return location;
}

/** The query of a 303 to `redirectUri`, which must be exactly the part of the Location before our parameters. */
export function redirectQuery(response: LightMyRequestResponse, redirectUri: string): URLSearchParams {
  expect(response.statusCode, response.body).toBe(303);
  const location = String(response.headers.location ?? '');
  const separator = redirectUri.includes('?') ? '&' : '?';
  expect(location.startsWith(`${redirectUri}${separator}`), location).toBe(true);
  return new URL(location).searchParams;
}

/**
 * ERR-02, AUTHZ-20: a 303 to `redirectUri` carrying exactly error, an RFC 6749 §5.2
 * error_description, state (when given) and iss (default the default issuer), besides the query
 * the registered URI has of its own; no code.
 */
export function expectRedirectError(
  response: LightMyRequestResponse,
  redirectUri: string,
  error: string,
  { state, issuer: iss = issuer }: { state?: string | undefined; issuer?: string } = {},
): URLSearchParams {
  const query = redirectQuery(response, redirectUri);
  expect(query.get('error')).toBe(error);
  expect(query.get('error_description')).toMatch(errorDescriptionCharset);
  expect(query.get('iss')).toBe(iss);
  expect(query.get('state')).toBe(state ?? null);
  expect(query.has('code')).toBe(false);
  const own = new Set(redirectUri.includes('?') ? new URL(redirectUri).searchParams.keys() : []);
  expect([...query.keys()].filter((name) => !own.has(name)).sort()).toEqual(['error', 'error_description', 'iss', ...(state !== undefined ? ['state'] : [])].sort());
  return query;
}

/** The text of an HTML attribute value or element, entities decoded. */
export const decodeHtml = (s: string): string => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The decoded action of the form_post page (docs/interface.md), if the body is one. */
export const formPostAction = (body: string): string | undefined => {
  const action = /<form method="post" action="([^"]+)"/.exec(body)?.[1];
  return action === undefined ? undefined : decodeHtml(action);
};

/** The hidden fields of a form_post page, decoded, in page order. */
export function formPostFields(body: string): [string, string][] {
  return [...body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(([, name, value]) => [decodeHtml(name!), decodeHtml(value!)]);
}

/** The hidden csrf input of the login form (docs/interface.md); throws when the page has none. */
export function csrfOf(body: string): string {
  const csrf = /<input type="hidden" name="csrf" value="([^"]+)">/.exec(body)?.[1];
  if (!csrf) throw new Error(`no csrf field in: ${body.slice(0, 400)}`);
  return csrf;
}

/** AUTHZ-11, AUTHN-01: the levels the login page offers, in page order. */
export const offeredLevels = (body: string): string[] => [...body.matchAll(/<input type="radio" name="acr" value="([^"]+)"/g)].map(([, level]) => level!);

export const htmlLangOf = (body: string): string | undefined => /<html lang="([^"]+)">/.exec(body)?.[1];
export const titleOf = (body: string): string | undefined => /<title>([^<]*)<\/title>/.exec(body)?.[1];

/** The Set-Cookie header that sets (or clears) cookie `name`, if the response has one. */
export function setCookieOf(response: LightMyRequestResponse, name: string): string | undefined {
  const raw = response.headers['set-cookie'];
  const all = raw === undefined ? [] : Array.isArray(raw) ? raw : [String(raw)];
  return all.find((cookie) => cookie.startsWith(`${name}=`));
}

// ---------------------------------------------------------------------------------------------
// Tables

/**
 * The rows of a table test as [title, row], for `it.each(titled(rows))('%s', (_, row) => …)`:
 * each test is named by its row's title in full (which begins with the requirement IDs it proves).
 */
export const titled = <Row extends { title: string }>(rows: readonly Row[]): (readonly [string, Row])[] => rows.map((row) => [row.title, row] as const);

/** What a decider returned, or the OAuthError it threw (anything else is rethrown). */
export function outcomeOf<T>(decide: () => T): T | OAuthError {
  try {
    return decide();
  } catch (error) {
    if (error instanceof OAuthError) return error;
    throw error;
  }
}

/** The code and the log detail of a refusal; any other outcome as it is, so that a failed comparison shows it. */
export const refusalOf = (outcome: unknown): unknown => (outcome instanceof OAuthError ? { error: outcome.error, detail: outcome.detail } : outcome);
