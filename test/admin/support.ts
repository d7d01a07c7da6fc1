// What the administration API tests share: a provider whose clients file holds machine clients
// with the idporten:dcr.* scopes (the API's callers, one per organisation), access tokens for them
// from the JWT-bearer grant (TOKEN-21), and small helpers to call the API through app.inject.
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { SignJWT } from 'jose';
import { startTestProvider, type TestProvider, type TestProviderOptions } from '../support/app.js';
import { issuer } from '../support/vocabulary.js';

export const orgno = '991825827';
export const otherOrgno = '974760673';
export const jwtBearerGrant = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const allAdminScopes = 'idporten:dcr.read idporten:dcr.write idporten:dcr.modify';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const adminKey: KeyObject = privateKey;
const jwk = publicKey.export({ format: 'jwk' });

/** Other key material, made once (RSA generation blocks the event loop). */
const pool = [0, 1].map(() => generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }));
let next = 0;

/** A public RSA key set entry with this kid (other key material than the callers' when `fresh`). */
export function publicJwk(kid: string, fresh = false): Record<string, string> {
  const key = fresh ? pool[next++ % pool.length]! : jwk;
  return { kty: 'RSA', alg: 'RS256', use: 'sig', kid, n: key.n!, e: key.e! };
}

const adminClient = (clientId: string, clientOrgno: string, scopes: string[], extra: Record<string, unknown> = {}) => ({
  client_id: clientId,
  client_name: `Admin ${clientId}`,
  client_orgno: clientOrgno,
  integration_type: 'maskinporten',
  scopes,
  jwks: { keys: [publicJwk(`${clientId}-key`)] },
  ...extra,
});

/** The callers: ours with every scope, a reader, an other organisation, a supplier, an onbehalfof editor. */
export const adminClients = [
  adminClient('admin-all', orgno, ['idporten:dcr.read', 'idporten:dcr.write', 'idporten:dcr.modify']),
  adminClient('admin-reader', orgno, ['idporten:dcr.read']),
  adminClient('admin-other', otherOrgno, ['idporten:dcr.read', 'idporten:dcr.write', 'idporten:dcr.modify']),
  adminClient('admin-supplier', otherOrgno, ['idporten:dcr.read', 'idporten:dcr.modify', 'idporten:dcr.supplier', 'idporten:dcr/onbehalfof:write']),
  adminClient('admin-onbehalfof', orgno, ['idporten:dcr/onbehalfof:write']),
  adminClient('admin-scopes', orgno, ['idporten:scopes.write']),
  adminClient('admin-scopes-other', otherOrgno, ['idporten:scopes.write']),
];

/** A login client of our organisation in the clients file (read-only to the API). */
export const fileLoginClient = {
  client_id: 'file-web',
  client_name: 'File web client',
  client_orgno: orgno,
  integration_type: 'idporten',
  client_secret: 'file-web-secret-0123456789-0123456789',
  redirect_uris: ['http://localhost:8080/callback'],
  post_logout_redirect_uris: ['http://localhost:8080/logged-out'],
};

/** A resource server that may introspect (INTROSPECT-03), with a secret. */
export const introspector = {
  client_id: 'file-introspector',
  client_name: 'Introspecting API',
  client_orgno: orgno,
  integration_type: 'api_klient',
  client_secret: 'file-introspector-secret-0123456789-0123',
  scopes: ['openid', 'profile', 'idporten:token.introspection'],
  redirect_uris: ['http://localhost:8080/callback'],
  post_logout_redirect_uris: ['http://localhost:8080/logged-out'],
};

export function startAdminProvider(options: TestProviderOptions = {}): Promise<TestProvider> {
  return startTestProvider({ clients: [...adminClients, fileLoginClient, introspector], ...options, env: { OP_MAX_EVENT_LOOP_DELAY_MS: '0', ...options.env } });
}

/** An access token for one of adminClients via the JWT-bearer grant. */
export async function adminToken(app: FastifyInstance, clientId = 'admin-all', scope = allAdminScopes, kid = `${clientId}-key`): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  const assertion = await new SignJWT({ scope })
    .setProtectedHeader({ alg: 'RS256', kid })
    .setAudience(issuer)
    .setIssuer(clientId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 60)
    .setJti(randomBytes(12).toString('base64url'))
    .sign(adminKey);
  const response = await app.inject({
    method: 'POST',
    url: '/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ grant_type: jwtBearerGrant, assertion }).toString(),
  });
  if (response.statusCode !== 200) throw new Error(`no admin token: ${response.body}`);
  return response.json<{ access_token: string }>().access_token;
}

/** One call of the API as JSON. */
export function api(app: FastifyInstance, token: string | undefined, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url,
    headers: { ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
}

/** A login client record as a caller would send it. */
export const webClientInput = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  client_name: 'API web client',
  integration_type: 'idporten',
  application_type: 'web',
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: ['authorization_code', 'refresh_token'],
  scopes: ['openid', 'profile'],
  redirect_uris: ['http://localhost:8080/callback'],
  post_logout_redirect_uris: ['http://localhost:8080/logged-out'],
  ...extra,
});

/** A machine client record with a key (CLIENT-07). */
export const machineClientInput = (kid: string, extra: Record<string, unknown> = {}, fresh = true): Record<string, unknown> => ({
  client_name: 'API machine client',
  integration_type: 'maskinporten',
  scopes: ['idporten:dcr.read'],
  jwks: { keys: [publicJwk(kid, fresh)] },
  ...extra,
});

/** Poll `probe` until it is true or `deadlineMs` passed (a deadline, not a speed assertion). */
export async function eventually(probe: () => Promise<boolean>, deadlineMs = 1000, stepMs = 20): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() >= end) return false;
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

/**
 * A full code flow with openid-client as the relying party (client_secret_basic), through `app`
 * (the browser) and `backChannel` (token and userinfo), so two instances can share one flow.
 */
export async function codeFlowWithOpenIdClient(app: FastifyInstance, clientId: string, secret: string, backChannel: FastifyInstance = app) {
  const oidc = await import('openid-client');
  const { Browser, callbackFrom, injectFetch, loginThroughBrowser } = await import('../support/browser.js');
  const config = await oidc.discovery(new URL(issuer), clientId, undefined, oidc.ClientSecretBasic(secret), {
    [oidc.customFetch]: injectFetch(backChannel) as never,
    execute: [oidc.allowInsecureRequests],
  });
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: 'http://localhost:8080/callback',
    scope: 'openid profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });
  const { response } = await loginThroughBrowser(new Browser(app), url.href);
  const tokens = await oidc.authorizationCodeGrant(config, callbackFrom(response), { pkceCodeVerifier: verifier, expectedState: state, idTokenExpected: true });
  return { config, tokens, oidc };
}
