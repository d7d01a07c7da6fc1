// onbehalfof (AUTHZ-24): a request selects one of the client's registered sub-identities; its name
// replaces the client's on the login page, the id_token carries client_onbehalfof, and anything not
// registered is invalid_request by redirect (JSON at /par). End to end with openid-client on real
// Redis; the client record's onbehalfof list is validated at start-up.
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientRegistryError, parseClientRecords } from '../src/registry/client-registry.js';
import { Browser, callbackFrom, injectFetch, loginThroughBrowser } from './support/browser.js';
import { startTestProvider, type TestProvider } from './support/app.js';
import { authorizationUrl, basic, clientRecord, confidentialClient, encodeForm, expectRedirectError, issuer, orgno, pid, pkcePair } from './support/vocabulary.js';

const secret = 'obo-client-secret-0123456789-abcdefghijkl';
const obo = confidentialClient('obo-web', 'http://rp.localhost:8093', secret);
const logo = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
const subIdentities = [
  { onbehalfof: 'kommune-a', name: 'Kommune A & <Co>', orgno: '974760673', description: 'Tjenesten for kommune A' },
  { onbehalfof: 'etat-b', name: 'Etat B', orgno },
];
const oboRecord = { ...clientRecord(obo), client_name: 'Leverandør AS', logo, onbehalfof: subIdentities };

describe('AUTHZ-24 onbehalfof', () => {
  let provider: TestProvider;
  beforeAll(async () => {
    provider = await startTestProvider({ clients: [oboRecord], env: { OP_ISSUER: issuer } });
  });
  afterAll(async () => provider.close());

  const url = (extra: Record<string, string | string[] | undefined>) =>
    authorizationUrl('/authorize', { clientId: obo.id, redirectUri: obo.redirectUri, state: 'st-obo', challenge: pkcePair().challenge }, extra);

  it('AUTHZ-24 AUTHZ-28 the login page names the selected sub-identity instead of the client, without the client logo', async () => {
    const browser = new Browser(provider.app);
    const start = await browser.get(url({ onbehalfof: 'kommune-a' }));
    const page = await browser.get(String(start.headers.location));
    expect(page.body).toContain('Kommune A &amp; &lt;Co&gt;');
    expect(page.body).not.toContain('Leverandør AS');
    expect(page.body).not.toContain('id="login-client-logo"');
  });

  it('AUTHZ-24 without onbehalfof the page names the client with its logo', async () => {
    const browser = new Browser(provider.app);
    const start = await browser.get(url({}));
    const page = await browser.get(String(start.headers.location));
    expect(page.body).toContain('Leverandør AS');
    expect(page.body).toContain('id="login-client-logo"');
  });

  it.each([
    ['an unknown id', 'kommune-x', 'onbehalfof is not registered for this client'],
    ['an id of more than 100 characters', 'k'.repeat(101), 'onbehalfof must be 1-100 printable characters without spaces'],
    ['an id with a space', 'kommune a', 'onbehalfof must be 1-100 printable characters without spaces'],
  ])('AUTHZ-24 %s is invalid_request by redirect, naming the rule', async (_, value, says) => {
    const query = expectRedirectError(await provider.app.inject({ method: 'GET', url: url({ onbehalfof: value }) }), obo.redirectUri, 'invalid_request', { state: 'st-obo', issuer });
    expect(query.get('error_description')).toBe(says);
  });

  it('AUTHZ-24 AUTHZ-02 a repeated onbehalfof is invalid_request', async () => {
    const query = expectRedirectError(await provider.app.inject({ method: 'GET', url: url({ onbehalfof: ['kommune-a', 'etat-b'] }) }), obo.redirectUri, 'invalid_request', { state: 'st-obo', issuer });
    expect(query.get('error_description')).toBe('onbehalfof is repeated');
  });

  it('AUTHZ-24 PAR-03 an unknown onbehalfof is refused at /par as JSON', async () => {
    const response = await provider.app.inject({
      method: 'POST',
      url: '/par',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(obo.id, secret) },
      payload: encodeForm({ response_type: 'code', client_id: obo.id, redirect_uri: obo.redirectUri, scope: 'openid profile', code_challenge: pkcePair().challenge, code_challenge_method: 'S256', onbehalfof: 'nope' }),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_request', error_description: 'onbehalfof is not registered for this client' });
  });

  const configure = () =>
    oidc.discovery(new URL(issuer), obo.id, { id_token_signed_response_alg: 'RS256' }, oidc.ClientSecretBasic(secret), {
      [oidc.customFetch]: injectFetch(provider.app) as never,
      execute: [oidc.allowInsecureRequests],
    });

  async function login(config: oidc.Configuration, extra: Record<string, string>) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const built = oidc.buildAuthorizationUrl(config, { redirect_uri: obo.redirectUri, scope: 'openid profile', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, ...extra });
    const { response } = await loginThroughBrowser(new Browser(provider.app), built.href, { pid });
    return oidc.authorizationCodeGrant(config, callbackFrom(response), { pkceCodeVerifier: verifier, expectedState: state, idTokenExpected: true });
  }

  it('AUTHZ-24 the id_token carries client_onbehalfof = the selected id (openid-client end to end)', async () => {
    const tokens = await login(await configure(), { onbehalfof: 'etat-b' });
    expect(tokens.claims()).toMatchObject({ aud: obo.id, pid, client_onbehalfof: 'etat-b' });
  });

  it('AUTHZ-24 without onbehalfof the id_token has no client_onbehalfof', async () => {
    const tokens = await login(await configure(), {});
    expect(tokens.claims()!.client_onbehalfof).toBeUndefined();
  });
});

describe('AUTHZ-24 the onbehalfof list of a client record', () => {
  const problemsOf = (onbehalfof: unknown): readonly string[] => {
    try {
      parseClientRecords([{ ...oboRecord, onbehalfof }], 'test');
    } catch (error) {
      if (error instanceof ClientRegistryError) return error.problems;
      throw error;
    }
    return [];
  };

  it('AUTHZ-24 accepts {onbehalfof, name, orgno, description?}', () => {
    expect(problemsOf(subIdentities)).toEqual([]);
  });

  it.each([
    ['a repeated id', [subIdentities[0], { ...subIdentities[1], onbehalfof: 'kommune-a' }], 'onbehalfof[1].onbehalfof: must be unique within the client (AUTHZ-24)'],
    ['an id with a space', [{ ...subIdentities[1], onbehalfof: 'a b' }], 'onbehalfof[0].onbehalfof: must be 1-100 printable ASCII characters without spaces (AUTHZ-24)'],
    ['an empty name', [{ ...subIdentities[1], name: ' ' }], 'onbehalfof[0].name: must not be empty'],
    ['an unknown field', [{ ...subIdentities[1], logo }], 'onbehalfof[0].logo: is not a client record field'],
  ])('AUTHZ-24 refuses %s, naming the field', (_, list, problem) => {
    expect(problemsOf(list).some((p) => p.includes(problem))).toBe(true);
  });

  it('AUTHZ-24 refuses an organisation number with a bad check digit', () => {
    expect(problemsOf([{ ...subIdentities[1], orgno: '123456789' }]).some((p) => p.includes('onbehalfof[0].orgno'))).toBe(true);
  });
});

describe('AUTHZ-24 AUTHZ-27 the consent page of an onbehalfof login', () => {
  const consentScope = { name: 'obo:read', prefix: 'obo', subscope: 'read', description: 'Read obo data', owner_orgno: orgno, allowed_integration_types: ['api_klient'], accessible_for_all: true, requires_user_consent: true };
  const apiClient = {
    ...clientRecord(obo),
    client_name: 'Leverandør AS',
    integration_type: 'api_klient',
    scopes: ['openid', 'profile', 'obo:read'],
    onbehalfof: subIdentities,
  };
  let provider: TestProvider;
  beforeAll(async () => {
    provider = await startTestProvider({ clients: [apiClient], scopes: [consentScope], env: { OP_ISSUER: issuer } });
  });
  afterAll(async () => provider.close());

  it('AUTHZ-24 names the sub-identity, not the client', async () => {
    const browser = new Browser(provider.app);
    const url = authorizationUrl('/authorize', { clientId: obo.id, redirectUri: obo.redirectUri, state: 's', challenge: pkcePair().challenge }, { scope: 'openid profile obo:read', onbehalfof: 'etat-b' });
    const { response } = await loginThroughBrowser(browser, url, { pid });
    expect(response.statusCode).toBe(303);
    const consent = await browser.get(String(response.headers.location));
    expect(consent.body).toContain('id="consent-form"');
    expect(consent.body).toContain('Etat B');
    expect(consent.body).not.toContain('Leverandør AS');
  });
});
