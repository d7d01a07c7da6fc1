// /authorize through its HTTP surface (AUTHZ-01…AUTHZ-28, ERR-01, ERR-02), one behaviour per test.
// Real Redis under a per-test key prefix; every test starts its own provider.
import { createHash } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Browser, loginThroughBrowser } from './support/browser.js';
import { startTestProvider, type TestProvider } from './support/app.js';
import {
  HIGH,
  SUBSTANTIAL,
  authorizationParams,
  base64url43,
  encodeForm,
  errorDescriptionCharset,
  expectErrorPage,
  expectLoginRedirect,
  expectRedirectError,
  formPostFields,
  httpsIssuer as issuer,
  offeredLevels,
  orgno,
  redirectQuery,
  rfc7636Example,
  type FormParams,
} from './support/vocabulary.js';

const webRedirect = 'https://rp.example/cb';
const webRedirectWithQuery = 'https://rp.example/cb?a=1';
const spaRedirect = 'https://spa.example/cb';
const downgradedRedirect = 'https://legacy.example/cb';

const { verifier, challenge } = rfc7636Example;

const clients = [
  {
    client_id: 'web',
    client_secret: 'web-client-secret-0123456789-0123456789',
    client_name: 'Web Service',
    client_orgno: orgno,
    integration_type: 'idporten',
    application_type: 'web',
    token_endpoint_auth_method: 'client_secret_basic',
    redirect_uris: [webRedirect, webRedirectWithQuery, 'http://127.0.0.1:8080/callback'],
    post_logout_redirect_uris: ['https://rp.example/logged-out'],
  },
  {
    client_id: 'spa',
    client_name: 'Browser App',
    client_orgno: orgno,
    integration_type: 'idporten',
    application_type: 'browser',
    token_endpoint_auth_method: 'none',
    redirect_uris: [spaRedirect],
    post_logout_redirect_uris: ['https://spa.example/'],
  },
  {
    client_id: 'native',
    client_name: 'Native App',
    client_orgno: orgno,
    integration_type: 'idporten',
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    redirect_uris: ['http://127.0.0.1:0/cb'],
    post_logout_redirect_uris: ['http://127.0.0.1:8400/bye'],
  },
  {
    client_id: 'downgraded',
    client_secret: 'downgraded-client-secret-0123456789-01',
    client_name: 'Legacy Web Service',
    client_orgno: orgno,
    integration_type: 'idporten',
    application_type: 'web',
    token_endpoint_auth_method: 'client_secret_post',
    code_challenge_method: 'none',
    redirect_uris: [downgradedRedirect],
    post_logout_redirect_uris: ['https://legacy.example/'],
  },
  {
    client_id: 'par-only',
    client_secret: 'par-only-client-secret-0123456789-0123',
    client_name: 'PAR-only Service',
    client_orgno: orgno,
    integration_type: 'idporten',
    require_pushed_authorization_requests: true,
    redirect_uris: ['https://par.example/cb'],
    post_logout_redirect_uris: ['https://par.example/'],
  },
  {
    client_id: 'retired',
    client_secret: 'retired-client-secret-0123456789-012345',
    client_name: 'Retired Service',
    client_orgno: orgno,
    integration_type: 'idporten',
    redirect_uris: ['https://retired.example/cb'],
    post_logout_redirect_uris: ['https://retired.example/'],
    active: false,
  },
];

const webRequest: FormParams = authorizationParams({ clientId: 'web', redirectUri: webRedirect, state: 'state-1', nonce: 'nonce-1', challenge });
const spaRequest: FormParams = { ...webRequest, client_id: 'spa', redirect_uri: spaRedirect };
const nativeRequest = (redirectUri: string): FormParams => ({ ...webRequest, client_id: 'native', redirect_uri: redirectUri });
const downgradedRequest: FormParams = { ...webRequest, client_id: 'downgraded', redirect_uri: downgradedRedirect, code_challenge: undefined, code_challenge_method: undefined };

/** The request with some parameters replaced; `undefined` removes one, an array repeats it. */
const withParams = (base: FormParams, changes: FormParams = {}): FormParams => ({ ...base, ...changes });

let provider: TestProvider;
beforeEach(async () => {
  provider = await startTestProvider({ clients, env: { OP_ISSUER: issuer } });
});
afterEach(async () => provider.close());

const getAuthorize = (params: FormParams, headers: Record<string, string> = {}) =>
  provider.app.inject({ method: 'GET', url: `/authorize?${encodeForm(params)}`, headers });
const postAuthorize = (params: FormParams) =>
  provider.app.inject({ method: 'POST', url: '/authorize', payload: encodeForm(params), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

/** Start a login in a fresh browser and open the login page. */
async function openLoginPage(params: FormParams): Promise<{ browser: Browser; page: LightMyRequestResponse }> {
  const browser = new Browser(provider.app);
  const start = await browser.get(`/authorize?${encodeForm(params)}`);
  const location = expectLoginRedirect(start);
  const page = await browser.get(location);
  expect(page.statusCode).toBe(200);
  return { browser, page };
}

/** A browser with a live SSO session, from one full login through the TestID page. */
async function browserWithSession(acr: typeof SUBSTANTIAL | typeof HIGH = HIGH): Promise<Browser> {
  const browser = new Browser(provider.app);
  const { response } = await loginThroughBrowser(browser, `/authorize?${encodeForm(webRequest)}`, { acr });
  expect(redirectQuery(response, webRedirect).get('code')).toMatch(base64url43);
  expect(browser.cookies.has('op_sso')).toBe(true);
  return browser;
}

describe('AUTHZ-01 GET and form POST', () => {
  it('AUTHZ-01 a valid GET request is sent to the login page with 303', async () => {
    expectLoginRedirect(await getAuthorize(webRequest));
  });

  it('AUTHZ-01 a valid form POST request is sent to the login page with 303', async () => {
    expectLoginRedirect(await postAuthorize(webRequest));
  });

  it('AUTHZ-01 a redirectable error is the same for GET and POST', async () => {
    const request = withParams(webRequest, { scope: undefined });
    const viaGet = expectRedirectError(await getAuthorize(request), webRedirect, 'invalid_request', { state: 'state-1', issuer });
    const viaPost = expectRedirectError(await postAuthorize(request), webRedirect, 'invalid_request', { state: 'state-1', issuer });
    expect(viaPost.toString()).toBe(viaGet.toString());
  });

  it('AUTHZ-01 an error-page error is the same for GET and POST', async () => {
    const request = withParams(webRequest, { client_id: 'nobody' });
    expectErrorPage(await getAuthorize(request), 'invalid_client');
    expectErrorPage(await postAuthorize(request), 'invalid_client');
  });

  it('AUTHZ-01 a repeated parameter in a POST body is refused like one in a GET query', async () => {
    const request = withParams(webRequest, { scope: ['openid', 'profile'] });
    expectRedirectError(await getAuthorize(request), webRedirect, 'invalid_request', { state: 'state-1', issuer });
    expectRedirectError(await postAuthorize(request), webRedirect, 'invalid_request', { state: 'state-1', issuer });
  });
});

describe('AUTHZ-03 ERR-01 client_id', () => {
  it('AUTHZ-03 ERR-01 a missing client_id is the error page (invalid_request), never a redirect', async () => {
    expectErrorPage(await getAuthorize(withParams(webRequest, { client_id: undefined })), 'invalid_request');
  });

  it('AUTHZ-03 an empty client_id counts as missing', async () => {
    expectErrorPage(await getAuthorize(withParams(webRequest, { client_id: '' })), 'invalid_request');
  });

  it('AUTHZ-03 a repeated client_id is the error page (invalid_request), even when both are the same', async () => {
    expectErrorPage(await getAuthorize(withParams(webRequest, { client_id: ['web', 'web'] })), 'invalid_request');
  });

  it('AUTHZ-03 ERR-01 an unknown client_id is the error page (invalid_client), never a redirect', async () => {
    const response = await getAuthorize(withParams(webRequest, { client_id: 'no-such-client' }));
    expectErrorPage(response, 'invalid_client');
    expect(response.body).not.toContain(webRedirect);
  });

  it('AUTHZ-03 CLIENT-17 an inactive client (active:false) is the error page, even with its registered redirect_uri', async () => {
    const response = await getAuthorize(withParams(webRequest, { client_id: 'retired', redirect_uri: 'https://retired.example/cb' }));
    expectErrorPage(response, 'invalid_client');
    expect(response.body).not.toContain('Retired Service');
  });

  it('AUTHZ-03 client_id is compared exactly (a different case is unknown)', async () => {
    expectErrorPage(await getAuthorize(withParams(webRequest, { client_id: 'WEB' })), 'invalid_client');
  });
});

describe('AUTHZ-04 ERR-01 redirect_uri', () => {
  it('AUTHZ-04 a missing redirect_uri is the error page', async () => {
    expectErrorPage(await getAuthorize(withParams(webRequest, { redirect_uri: undefined })), 'invalid_request');
  });

  it('AUTHZ-04 a repeated redirect_uri is the error page, even when both values are registered', async () => {
    expectErrorPage(await getAuthorize(withParams(webRequest, { redirect_uri: [webRedirect, webRedirect] })), 'invalid_request');
  });

  it('AUTHZ-04 ERR-01 an unregistered redirect_uri is the error page, which links nowhere and names the known client', async () => {
    const response = await getAuthorize(withParams(webRequest, { redirect_uri: 'https://evil.example/cb' }));
    expectErrorPage(response, 'invalid_request');
    expect(response.body).not.toContain('evil.example');
    expect(response.body).toContain('Web Service');
  });

  it.each([
    ['a trailing slash', 'https://rp.example/cb/'],
    ['a different case in the path', 'https://rp.example/CB'],
    ['a different case in the host', 'https://RP.example/cb'],
    ['an extra query parameter', 'https://rp.example/cb?x=1'],
    ['a changed registered query', 'https://rp.example/cb?a=2'],
    ['a registered URI as prefix', 'https://rp.example/cb/more'],
    ['a prefix of a registered URI', 'https://rp.example/c'],
    ['a different port', 'https://rp.example:8443/cb'],
    ['the default port written out', 'https://rp.example:443/cb'],
    ['a fragment', 'https://rp.example/cb#x'],
    ['another scheme', 'http://rp.example/cb'],
    ['percent-encoding', 'https://rp.example/%63b'],
    ['another loopback port for a web client', 'http://127.0.0.1:9090/callback'],
  ])('AUTHZ-04 exact match only: %s is refused with the error page', async (_, redirectUri) => {
    expectErrorPage(await getAuthorize(withParams(webRequest, { redirect_uri: redirectUri })), 'invalid_request');
  });

  it('AUTHZ-04 an error for a registered redirect_uri with a query keeps that query (?a=1&error=…)', async () => {
    const response = await getAuthorize(withParams(webRequest, { redirect_uri: webRedirectWithQuery, scope: undefined }));
    const query = expectRedirectError(response, webRedirectWithQuery, 'invalid_request', { state: 'state-1', issuer });
    expect(String(response.headers.location)).toMatch(/^https:\/\/rp\.example\/cb\?a=1&error=/);
    expect(query.getAll('a')).toEqual(['1']);
  });

  it('AUTHZ-04 AUTHZ-18 a registered redirect_uri with a query receives ?a=1&code=… after login', async () => {
    const browser = new Browser(provider.app);
    const { response } = await loginThroughBrowser(browser, `/authorize?${encodeForm(withParams(webRequest, { redirect_uri: webRedirectWithQuery }))}`);
    expect(String(response.headers.location)).toMatch(/^https:\/\/rp\.example\/cb\?a=1&code=[A-Za-z0-9_-]{43}&state=state-1&iss=/);
    const query = redirectQuery(response, webRedirectWithQuery);
    expect(query.getAll('a')).toEqual(['1']);
  });

  it.each(['1', '51234', '65535'])('AUTHZ-04 RFC 8252 §7.3 a native client registered with http://127.0.0.1:0/cb accepts port %s', async (port) => {
    expectLoginRedirect(await getAuthorize(nativeRequest(`http://127.0.0.1:${port}/cb`)));
  });

  it('AUTHZ-04 RFC 8252 §7.3 errors for a native client go to the loopback port it used', async () => {
    const redirectUri = 'http://127.0.0.1:51234/cb';
    expectRedirectError(await getAuthorize(withParams(nativeRequest(redirectUri), { scope: undefined })), redirectUri, 'invalid_request', { state: 'state-1', issuer });
  });

  it.each([
    ['a different path', 'http://127.0.0.1:51234/other'],
    ['a longer path', 'http://127.0.0.1:51234/cb/x'],
    ['localhost instead of 127.0.0.1', 'http://localhost:51234/cb'],
    ['IPv6 loopback', 'http://[::1]:51234/cb'],
    ['https', 'https://127.0.0.1:51234/cb'],
    ['port 65536', 'http://127.0.0.1:65536/cb'],
    ['a port with a leading zero', 'http://127.0.0.1:05123/cb'],
    ['no port at all', 'http://127.0.0.1/cb'],
    ['an extra query', 'http://127.0.0.1:51234/cb?x=1'],
    ['a fragment', 'http://127.0.0.1:51234/cb#x'],
  ])('AUTHZ-04 the native loopback exception refuses %s', async (_, redirectUri) => {
    expectErrorPage(await getAuthorize(nativeRequest(redirectUri)), 'invalid_request');
  });

  it('AUTHZ-04 the native loopback exception refuses port 0 itself (the "any port" marker is no real port)', async () => {
    expectErrorPage(await getAuthorize(nativeRequest('http://127.0.0.1:0/cb')), 'invalid_request');
  });
});

describe('AUTHZ-02 validation order', () => {
  it('AUTHZ-02 an unknown client wins over a bad redirect_uri and a bad response_type (error page)', async () => {
    expectErrorPage(await getAuthorize(withParams(webRequest, { client_id: 'nobody', redirect_uri: 'https://evil.example/', response_type: 'token' })), 'invalid_client');
  });

  it('AUTHZ-02 a missing client_id wins over everything else (error page)', async () => {
    expectErrorPage(await getAuthorize({ redirect_uri: webRedirect, response_type: 'token', scope: ['a', 'b'] }), 'invalid_request');
  });

  it('AUTHZ-02 a bad redirect_uri wins over a bad response_type and a repeated parameter (error page)', async () => {
    expectErrorPage(await getAuthorize(withParams(webRequest, { redirect_uri: 'https://evil.example/', response_type: 'token', scope: ['openid', 'profile'] })), 'invalid_request');
  });

  it('AUTHZ-02 a repeated parameter wins over a bad response_type (invalid_request)', async () => {
    const response = await getAuthorize(withParams(webRequest, { nonce: ['a', 'b'], response_type: 'token' }));
    const query = expectRedirectError(response, webRedirect, 'invalid_request', { state: 'state-1', issuer });
    expect(query.get('error_description')).toContain('nonce');
  });

  it('AUTHZ-02 a bad response_mode wins over a bad response_type (invalid_request)', async () => {
    const query = expectRedirectError(await getAuthorize(withParams(webRequest, { response_mode: 'fragment', response_type: 'token' })), webRedirect, 'invalid_request', { state: 'state-1', issuer });
    expect(query.get('error_description')).toContain('response_mode');
  });

  it('AUTHZ-02 a bad response_type wins over a request object and a bad scope (unsupported_response_type)', async () => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { response_type: 'token', request: 'eyJ.x.y', scope: 'email' })), webRedirect, 'unsupported_response_type', { state: 'state-1', issuer });
  });

  it('AUTHZ-02 a request object wins over a bad scope (request_not_supported)', async () => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { request: 'eyJ.x.y', scope: 'email' })), webRedirect, 'request_not_supported', { state: 'state-1', issuer });
  });

  it('AUTHZ-02 a bad scope wins over missing PKCE (invalid_scope)', async () => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { scope: 'openid email', code_challenge: undefined, code_challenge_method: undefined })), webRedirect, 'invalid_scope', { state: 'state-1', issuer });
  });

  it('AUTHZ-02 missing PKCE wins over a missing state (the description names code_challenge)', async () => {
    const query = expectRedirectError(await getAuthorize(withParams(spaRequest, { state: undefined, code_challenge: undefined, code_challenge_method: undefined })), spaRedirect, 'invalid_request', { issuer });
    expect(query.get('error_description')).toContain('code_challenge');
  });

  it('AUTHZ-02 a missing state wins over a bad prompt (the description names state)', async () => {
    const query = expectRedirectError(await getAuthorize(withParams(spaRequest, { state: undefined, prompt: 'bogus' })), spaRedirect, 'invalid_request', { issuer });
    expect(query.get('error_description')).toContain('state');
  });

  it('AUTHZ-02 a bad prompt wins over a bad resource (invalid_request, not invalid_target)', async () => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { prompt: 'bogus', resource: 'relative/path' })), webRedirect, 'invalid_request', { state: 'state-1', issuer });
  });

  it('AUTHZ-02 a bad resource is reported before prompt=none looks for a session (invalid_target)', async () => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { prompt: 'none', resource: 'relative/path' })), webRedirect, 'invalid_target', { state: 'state-1', issuer });
  });
});

describe('ERR-02 AUTHZ-20 AUTHZ-10 redirected errors', () => {
  it.each([
    ['invalid_request', { scope: undefined }],
    ['unsupported_response_type', { response_type: 'token' }],
    ['invalid_scope', { scope: 'openid email' }],
    ['request_not_supported', { request: 'x.y.z' }],
    ['request_uri_not_supported', { request_uri: 'https://evil.example/r' }],
    ['invalid_target', { resource: '/api' }],
    ['login_required', { prompt: 'none' }],
  ] as [string, FormParams][])('ERR-02 AUTHZ-20 %s carries error, an ASCII error_description, state and iss, by 303', async (error, changes) => {
    expectRedirectError(await getAuthorize(withParams(webRequest, changes)), webRedirect, error, { state: 'state-1', issuer });
  });

  it('AUTHZ-20 without a state the error carries no state parameter', async () => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { state: undefined, scope: undefined })), webRedirect, 'invalid_request', { issuer });
  });

  it('AUTHZ-20 ERR-02 error_description stays ASCII when the request echoes non-ASCII text', async () => {
    const query = expectRedirectError(await getAuthorize(withParams(webRequest, { scope: 'openid prøve✓ "x\\y"' })), webRedirect, 'invalid_scope', { state: 'state-1', issuer });
    expect(query.get('error_description')).not.toMatch(/[^\x20-\x7e]|["\\]/);
  });

  it('AUTHZ-10 state with spaces, &, =, + and unicode comes back exactly, URL-encoded', async () => {
    const state = 'a b&c=d+e%20f/ø✓?#;';
    const response = await getAuthorize(withParams(webRequest, { state, scope: undefined }));
    const location = String(response.headers.location);
    expectRedirectError(response, webRedirect, 'invalid_request', { state, issuer });
    // One state parameter, its reserved characters percent-encoded (never raw & = # or space).
    const raw = /[?&]state=([^&]*)/.exec(location)?.[1] ?? '';
    expect(raw).not.toMatch(/[ &=#?]/);
    expect(decodeURIComponent(raw.replace(/\+/g, ' '))).toBe(state);
    expect(location.match(/[?&]state=/g)).toHaveLength(1);
  });

  it('AUTHZ-10 state is echoed exactly in a form POST request too', async () => {
    const state = 'x=1&y=ø 2';
    expectRedirectError(await postAuthorize(withParams(webRequest, { state, response_type: 'token' })), webRedirect, 'unsupported_response_type', { state, issuer });
  });
});

describe('AUTHZ-05 response_type', () => {
  it('AUTHZ-05 a missing response_type is invalid_request', async () => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { response_type: undefined })), webRedirect, 'invalid_request', { state: 'state-1', issuer });
  });

  it.each(['token', 'id_token', 'code id_token', 'code token', 'id_token token', 'CODE', 'none'])('AUTHZ-05 response_type=%s is unsupported_response_type', async (responseType) => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { response_type: responseType })), webRedirect, 'unsupported_response_type', { state: 'state-1', issuer });
  });
});

describe('AUTHZ-06 scope', () => {
  it('AUTHZ-06 a missing scope is invalid_request', async () => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { scope: undefined })), webRedirect, 'invalid_request', { state: 'state-1', issuer });
  });

  it('AUTHZ-06 a scope of only spaces is invalid_request', async () => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { scope: '   ' })), webRedirect, 'invalid_request', { state: 'state-1', issuer });
  });

  it('AUTHZ-06 a scope not registered on the client is invalid_scope', async () => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { scope: 'openid profile email' })), webRedirect, 'invalid_scope', { state: 'state-1', issuer });
  });

  it('AUTHZ-06 scope values are case-sensitive (OpenID is not openid)', async () => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { scope: 'OpenID' })), webRedirect, 'invalid_scope', { state: 'state-1', issuer });
  });

  it('AUTHZ-06 profile alone (no openid, plain OAuth) is accepted', async () => {
    expectLoginRedirect(await getAuthorize(withParams(webRequest, { scope: 'profile' })));
  });

  it('AUTHZ-06 openid alone is accepted', async () => {
    expectLoginRedirect(await getAuthorize(withParams(webRequest, { scope: 'openid' })));
  });
});

describe('AUTHZ-07 PKCE', () => {
  it('AUTHZ-07 a missing code_challenge is invalid_request', async () => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { code_challenge: undefined, code_challenge_method: undefined })), webRedirect, 'invalid_request', { state: 'state-1', issuer });
  });

  it('AUTHZ-07 refuses code_challenge_method=plain with invalid_request by redirect', async () => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { code_challenge_method: 'plain' })), webRedirect, 'invalid_request', { state: 'state-1', issuer });
  });

  it('AUTHZ-07 refuses code_challenge_method=plain with a 43-character verifier as challenge', async () => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { code_challenge: verifier, code_challenge_method: 'plain' })), webRedirect, 'invalid_request', { state: 'state-1', issuer });
  });

  it('AUTHZ-07 a code_challenge without code_challenge_method is invalid_request', async () => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { code_challenge_method: undefined })), webRedirect, 'invalid_request', { state: 'state-1', issuer });
  });

  it('AUTHZ-07 code_challenge_method without a code_challenge is invalid_request', async () => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { code_challenge: undefined })), webRedirect, 'invalid_request', { state: 'state-1', issuer });
  });

  it('AUTHZ-07 code_challenge_method is case-sensitive (s256 is refused)', async () => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { code_challenge_method: 's256' })), webRedirect, 'invalid_request', { state: 'state-1', issuer });
  });

  it.each([
    ['42 characters', challenge.slice(0, 42)],
    ['44 characters', `${challenge}A`],
    ['42 characters and = padding', `${challenge.slice(0, 42)}=`],
    ['43 characters and = padding', `${challenge}=`],
    ['base64 + and / instead of base64url', `+/${challenge.slice(2)}`],
    ['a dot', `.${challenge.slice(1)}`],
    ['a tilde', `~${challenge.slice(1)}`],
    ['128 verifier-like characters', 'a'.repeat(128)],
  ])('AUTHZ-07 a code_challenge of %s is invalid_request', async (_, value) => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { code_challenge: value })), webRedirect, 'invalid_request', { state: 'state-1', issuer });
  });

  it('AUTHZ-07 a 43-character base64url challenge with S256 proceeds', async () => {
    expectLoginRedirect(await getAuthorize(withParams(webRequest, { code_challenge: `-_${'A'.repeat(41)}` })));
  });

  it('AUTHZ-07 CLIENT-15 a client registered with code_challenge_method "none" may omit PKCE', async () => {
    expectLoginRedirect(await getAuthorize(downgradedRequest));
  });

  it('AUTHZ-07 a downgraded client that sends a valid S256 challenge proceeds', async () => {
    expectLoginRedirect(await getAuthorize(withParams(downgradedRequest, { code_challenge: challenge, code_challenge_method: 'S256' })));
  });

  it('AUTHZ-07 a downgraded client that sends a challenge with method plain is refused', async () => {
    expectRedirectError(await getAuthorize(withParams(downgradedRequest, { code_challenge: challenge, code_challenge_method: 'plain' })), downgradedRedirect, 'invalid_request', { state: 'state-1', issuer });
  });

  it('AUTHZ-07 a downgraded client that sends a challenge without a method is refused', async () => {
    expectRedirectError(await getAuthorize(withParams(downgradedRequest, { code_challenge: challenge })), downgradedRedirect, 'invalid_request', { state: 'state-1', issuer });
  });

  it('AUTHZ-07 a downgraded client that sends a malformed challenge is refused', async () => {
    expectRedirectError(await getAuthorize(withParams(downgradedRequest, { code_challenge: `${challenge}=`, code_challenge_method: 'S256' })), downgradedRedirect, 'invalid_request', { state: 'state-1', issuer });
  });

  it('AUTHZ-07 a downgraded client that sends only code_challenge_method=plain is refused', async () => {
    expectRedirectError(await getAuthorize(withParams(downgradedRequest, { code_challenge_method: 'plain' })), downgradedRedirect, 'invalid_request', { state: 'state-1', issuer });
  });

  it('AUTHZ-07 a public client cannot omit PKCE', async () => {
    expectRedirectError(await getAuthorize(withParams(spaRequest, { code_challenge: undefined, code_challenge_method: undefined })), spaRedirect, 'invalid_request', { state: 'state-1', issuer });
  });
});

describe('AUTHZ-08 state', () => {
  it('AUTHZ-08 state missing for a public browser client is invalid_request', async () => {
    const query = expectRedirectError(await getAuthorize(withParams(spaRequest, { state: undefined })), spaRedirect, 'invalid_request', { issuer });
    expect(query.get('error_description')).toContain('state');
  });

  it('AUTHZ-08 state missing for a public native client is invalid_request', async () => {
    const redirectUri = 'http://127.0.0.1:40000/cb';
    expectRedirectError(await getAuthorize(withParams(nativeRequest(redirectUri), { state: undefined })), redirectUri, 'invalid_request', { issuer });
  });

  it('AUTHZ-08 an empty state counts as missing for a public client', async () => {
    expectRedirectError(await getAuthorize(withParams(spaRequest, { state: '' })), spaRedirect, 'invalid_request', { issuer });
  });

  it('AUTHZ-08 state missing for a PKCE-downgraded client is invalid_request', async () => {
    const query = expectRedirectError(await getAuthorize(withParams(downgradedRequest, { state: undefined })), downgradedRedirect, 'invalid_request', { issuer });
    expect(query.get('error_description')).toContain('state');
  });

  it('AUTHZ-08 state is optional for a confidential client that uses PKCE', async () => {
    expectLoginRedirect(await getAuthorize(withParams(webRequest, { state: undefined })));
  });

  it('AUTHZ-08 a public client with state and PKCE proceeds', async () => {
    expectLoginRedirect(await getAuthorize(spaRequest));
  });

  it('AUTHZ-08 a state of 2048 characters is accepted', async () => {
    expectLoginRedirect(await getAuthorize(withParams(webRequest, { state: 's'.repeat(2048) })));
  });

  it('AUTHZ-08 a state longer than 2048 characters is invalid_request, and is not echoed back', async () => {
    const state = 's'.repeat(2049);
    expectRedirectError(await getAuthorize(withParams(webRequest, { state })), webRedirect, 'invalid_request', { issuer });
  });
});

describe('AUTHZ-14 prompt', () => {
  it('AUTHZ-14 prompt=none without a session is login_required by redirect, never the login page', async () => {
    const response = await getAuthorize(withParams(webRequest, { prompt: 'none' }));
    expectRedirectError(response, webRedirect, 'login_required', { state: 'state-1', issuer });
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('AUTHZ-14 prompt=none with a live session answers with a code and no UI', async () => {
    const browser = await browserWithSession();
    const response = await browser.get(`/authorize?${encodeForm(withParams(webRequest, { prompt: 'none', state: 'again' }))}`);
    const query = redirectQuery(response, webRedirect);
    expect(query.get('code')).toMatch(base64url43);
    expect(query.get('state')).toBe('again');
  });

  it('AUTHZ-14 an unknown prompt value is invalid_request', async () => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { prompt: 'select_account' })), webRedirect, 'invalid_request', { state: 'state-1', issuer });
  });

  it('AUTHZ-14 prompt=none combined with login is invalid_request', async () => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { prompt: 'none login' })), webRedirect, 'invalid_request', { state: 'state-1', issuer });
  });

  it('AUTHZ-14 prompt=none combined with consent is invalid_request', async () => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { prompt: 'consent none' })), webRedirect, 'invalid_request', { state: 'state-1', issuer });
  });

  it('AUTHZ-14 prompt=login and prompt=consent without a session go to the login page', async () => {
    expectLoginRedirect(await getAuthorize(withParams(webRequest, { prompt: 'login' })));
    expectLoginRedirect(await getAuthorize(withParams(webRequest, { prompt: 'login consent' })));
  });

  it('AUTHZ-14 SSO-04 without prompt a live session answers with a code directly', async () => {
    const browser = await browserWithSession();
    const query = redirectQuery(await browser.get(`/authorize?${encodeForm(webRequest)}`), webRedirect);
    expect(query.get('code')).toMatch(base64url43);
  });

  it('AUTHZ-14 SSO-06 prompt=none when the session is below the requested acr is interaction_required', async () => {
    const browser = await browserWithSession(SUBSTANTIAL);
    const response = await browser.get(`/authorize?${encodeForm(withParams(webRequest, { prompt: 'none', acr_values: HIGH }))}`);
    expectRedirectError(response, webRedirect, 'interaction_required', { state: 'state-1', issuer });
  });

  it('AUTHZ-14 prompt=login with a live session still goes to the login page', async () => {
    const browser = await browserWithSession();
    expectLoginRedirect(await browser.get(`/authorize?${encodeForm(withParams(webRequest, { prompt: 'login' }))}`));
  });
});

describe('AUTHZ-15 response_mode', () => {
  it.each(['fragment', 'fragment.jwt', 'bogus', 'QUERY', 'JWT'])('AUTHZ-15 response_mode=%s is invalid_request delivered by query', async (mode) => {
    const query = expectRedirectError(await getAuthorize(withParams(webRequest, { response_mode: mode })), webRedirect, 'invalid_request', { state: 'state-1', issuer });
    expect(query.get('error_description')).toContain('response_mode');
  });

  it('AUTHZ-15 an invalid response_mode sent with another error is still answered by query, with a Location header', async () => {
    const response = await getAuthorize(withParams(webRequest, { response_mode: 'fragment', scope: undefined, code_challenge: undefined }));
    expect(response.headers.location).toBeDefined();
    expect(String(response.headers.location)).not.toContain('#');
    expectRedirectError(response, webRedirect, 'invalid_request', { state: 'state-1', issuer });
  });

  it('AUTHZ-15 a repeated response_mode is answered by query', async () => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { response_mode: ['form_post', 'form_post'] })), webRedirect, 'invalid_request', { state: 'state-1', issuer });
  });

  it('AUTHZ-15 response_mode=query proceeds', async () => {
    expectLoginRedirect(await getAuthorize(withParams(webRequest, { response_mode: 'query' })));
  });
});

describe('AUTHZ-16 form_post', () => {
  function expectFormPostPage(response: LightMyRequestResponse, redirectUri: string): [string, string][] {
    expect(response.statusCode).toBe(200);
    expect(response.headers.location).toBeUndefined();
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toContain(`<form method="post" action="${redirectUri}">`);
    expect(response.body).toMatch(/<noscript>[\s\S]*<button type="submit">[\s\S]*<\/noscript>/);
    const csp = String(response.headers['content-security-policy']);
    expect(csp).not.toContain('unsafe-inline');
    const scripts = [...response.body.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(([, text]) => text!);
    expect(scripts).toHaveLength(1);
    const hash = createHash('sha256').update(scripts[0]!, 'utf8').digest('base64');
    expect(csp).toMatch(new RegExp(`(^|; )script-src 'sha256-${hash.replace(/[+/]/g, '\\$&')}'(;|$)`));
    expect(csp).toMatch(new RegExp(`(^|; )form-action [^;]*${new URL(redirectUri).origin.replace(/[.]/g, '\\.')}(;| |$)`));
    expect(csp).toContain("frame-ancestors 'none'");
    return formPostFields(response.body);
  }

  it('AUTHZ-16 a form_post error is a 200 self-submitting page with error, error_description, state and iss', async () => {
    const state = 'st "<&>\' ø';
    const response = await getAuthorize(withParams(webRequest, { response_mode: 'form_post', scope: undefined, state }));
    const fields = expectFormPostPage(response, webRedirect);
    expect(fields.map(([name]) => name)).toEqual(['error', 'error_description', 'state', 'iss']);
    const values = Object.fromEntries(fields);
    expect(values.error).toBe('invalid_request');
    expect(values.error_description).toMatch(errorDescriptionCharset);
    expect(values.state).toBe(state);
    expect(values.iss).toBe(issuer);
    expect(response.body).not.toContain('st "<');
  });

  it('AUTHZ-16 AUTHZ-18 a form_post success is a 200 self-submitting page with code, state and iss', async () => {
    const browser = new Browser(provider.app);
    const { response } = await loginThroughBrowser(browser, `/authorize?${encodeForm(withParams(webRequest, { response_mode: 'form_post' }))}`);
    const fields = expectFormPostPage(response, webRedirect);
    expect(fields.map(([name]) => name)).toEqual(['code', 'state', 'iss']);
    const values = Object.fromEntries(fields);
    expect(values.code).toMatch(base64url43);
    expect(values.state).toBe('state-1');
    expect(values.iss).toBe(issuer);
  });

  it('AUTHZ-16 a form_post page to a registered URI with a query posts to that URI unchanged', async () => {
    const response = await getAuthorize(withParams(webRequest, { response_mode: 'form_post', redirect_uri: webRedirectWithQuery, response_type: 'token' }));
    const fields = expectFormPostPage(response, webRedirectWithQuery);
    expect(Object.fromEntries(fields).error).toBe('unsupported_response_type');
  });

  it('AUTHZ-16 form_post with prompt=none and no session delivers login_required by form', async () => {
    const fields = expectFormPostPage(await getAuthorize(withParams(webRequest, { response_mode: 'form_post', prompt: 'none' })), webRedirect);
    expect(Object.fromEntries(fields).error).toBe('login_required');
  });
});

describe('AUTHZ-18 success response', () => {
  it('AUTHZ-18 AUTHZ-19 the success response has a 43-character base64url code, the state and iss, by 303', async () => {
    const browser = new Browser(provider.app);
    const { response } = await loginThroughBrowser(browser, `/authorize?${encodeForm(webRequest)}`);
    const query = redirectQuery(response, webRedirect);
    expect([...query.keys()]).toEqual(['code', 'state', 'iss']);
    expect(query.get('code')).toMatch(base64url43);
    expect(query.get('state')).toBe('state-1');
    expect(query.get('iss')).toBe(issuer);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('AUTHZ-18 AUTHZ-10 without a state the success response has code and iss only', async () => {
    const browser = new Browser(provider.app);
    const { response } = await loginThroughBrowser(browser, `/authorize?${encodeForm(withParams(webRequest, { state: undefined }))}`);
    expect([...redirectQuery(response, webRedirect).keys()]).toEqual(['code', 'iss']);
  });

  it('AUTHZ-18 AUTHZ-10 an awkward state is returned exactly with the code', async () => {
    const state = 'a b&c=d+e/ø✓%';
    const browser = new Browser(provider.app);
    const { response } = await loginThroughBrowser(browser, `/authorize?${encodeForm(withParams(webRequest, { state }))}`);
    expect(redirectQuery(response, webRedirect).getAll('state')).toEqual([state]);
  });

  it('AUTHZ-18 two logins never return the same code', async () => {
    const first = await loginThroughBrowser(new Browser(provider.app), `/authorize?${encodeForm(webRequest)}`);
    const second = await loginThroughBrowser(new Browser(provider.app), `/authorize?${encodeForm(webRequest)}`);
    const a = redirectQuery(first.response, webRedirect).get('code');
    const b = redirectQuery(second.response, webRedirect).get('code');
    expect(a).toMatch(base64url43);
    expect(b).toMatch(base64url43);
    expect(a).not.toBe(b);
  });
});

describe('AUTHZ-21 request objects', () => {
  it('AUTHZ-21 request=… is request_not_supported', async () => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { request: 'eyJhbGciOiJub25lIn0.eyJ9.' })), webRedirect, 'request_not_supported', { state: 'state-1', issuer });
  });

  it('AUTHZ-21 a request_uri that is not ours is request_uri_not_supported', async () => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { request_uri: 'https://evil.example/r' })), webRedirect, 'request_uri_not_supported', { state: 'state-1', issuer });
  });
});

describe('PAR-10 clients that must push their requests', () => {
  it('PAR-10 a client registered with require_pushed_authorization_requests is refused a plain request (invalid_request)', async () => {
    const response = await getAuthorize(withParams(webRequest, { client_id: 'par-only', redirect_uri: 'https://par.example/cb' }));
    const query = expectRedirectError(response, 'https://par.example/cb', 'invalid_request', { state: 'state-1', issuer });
    expect(query.get('error_description')).toContain('pushed');
  });
});

describe('AUTHZ-22 AUTHZ-23 tolerated parameters', () => {
  it('AUTHZ-22 claims is ignored and the flow proceeds to login', async () => {
    expectLoginRedirect(await getAuthorize(withParams(webRequest, { claims: '{"id_token":{"pid":{"essential":true}}}' })));
  });

  it('AUTHZ-22 display, claims_locales and ui_locales are tolerated', async () => {
    expectLoginRedirect(await getAuthorize(withParams(webRequest, { display: 'popup', claims_locales: 'nb en', ui_locales: 'en' })));
  });

  it('AUTHZ-23 login_hint is tolerated and never skips the login page', async () => {
    expectLoginRedirect(await getAuthorize(withParams(webRequest, { login_hint: '21879498012' })));
  });

  it('AUTHZ-22 an unknown parameter is ignored even when repeated (RFC 6749 §3.1)', async () => {
    expectLoginRedirect(await getAuthorize(withParams(webRequest, { vendor_x: ['1', '2'] })));
  });

  it('AUTHZ-22 unknown parameters are tolerated', async () => {
    expectLoginRedirect(await getAuthorize(withParams(webRequest, { foo: 'bar', 'x-custom': '1', registration: '{}' })));
  });
});

describe('AUTHZ-25 resource', () => {
  it.each([
    ['relative', '/api'],
    ['a bare host name', 'api.example.com'],
    ['with a fragment', 'https://api.example.com/#frag'],
    ['with an empty fragment', 'https://api.example.com/#'],
  ])('AUTHZ-25 a resource that is %s is invalid_target', async (_, resource) => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { resource })), webRedirect, 'invalid_target', { state: 'state-1', issuer });
  });

  it('AUTHZ-25 one bad resource among good ones is invalid_target', async () => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { resource: ['https://api.example.com/', 'relative'] })), webRedirect, 'invalid_target', { state: 'state-1', issuer });
  });

  it('AUTHZ-25 a valid absolute resource proceeds', async () => {
    expectLoginRedirect(await getAuthorize(withParams(webRequest, { resource: 'https://api.example.com/' })));
  });

  it('AUTHZ-25 two resources (resource may repeat) proceed', async () => {
    expectLoginRedirect(await getAuthorize(withParams(webRequest, { resource: ['https://api.example.com/', 'https://other.example.com/v1'] })));
  });
});

describe('AUTHZ-11 acr_values', () => {
  it('AUTHZ-11 without acr_values the login page offers substantial and high', async () => {
    const { page } = await openLoginPage(webRequest);
    expect(offeredLevels(page.body)).toEqual([SUBSTANTIAL, HIGH]);
  });

  it('AUTHZ-11 acr_values=idporten-loa-high offers only high', async () => {
    const { page } = await openLoginPage(withParams(webRequest, { acr_values: HIGH }));
    expect(offeredLevels(page.body)).toEqual([HIGH]);
  });

  it('AUTHZ-11 the legacy alias Level4 behaves like idporten-loa-high', async () => {
    const { page } = await openLoginPage(withParams(webRequest, { acr_values: 'Level4' }));
    expect(offeredLevels(page.body)).toEqual([HIGH]);
  });

  it('AUTHZ-11 the legacy alias Level3 behaves like idporten-loa-substantial', async () => {
    const { page } = await openLoginPage(withParams(webRequest, { acr_values: 'Level3' }));
    expect(offeredLevels(page.body)).toEqual([SUBSTANTIAL, HIGH]);
  });

  it('AUTHZ-11 unknown acr values are ignored (no error; the default minimum applies)', async () => {
    const { page } = await openLoginPage(withParams(webRequest, { acr_values: 'urn:unknown:level loa-max' }));
    expect(offeredLevels(page.body)).toEqual([SUBSTANTIAL, HIGH]);
  });

  it('AUTHZ-11 an unknown value beside a known one leaves the known minimum in force', async () => {
    const { page } = await openLoginPage(withParams(webRequest, { acr_values: 'bogus idporten-loa-high' }));
    expect(offeredLevels(page.body)).toEqual([HIGH]);
  });

  it('AUTHZ-11 SSO-06 Level4 with a substantial session asks the user to step up on a high-only login page', async () => {
    const browser = await browserWithSession(SUBSTANTIAL);
    const location = expectLoginRedirect(await browser.get(`/authorize?${encodeForm(withParams(webRequest, { acr_values: 'Level4' }))}`));
    expect(offeredLevels((await browser.get(location)).body)).toEqual([HIGH]);
  });

  it('AUTHZ-11 a high session satisfies a request for substantial without UI', async () => {
    const browser = await browserWithSession(HIGH);
    const query = redirectQuery(await browser.get(`/authorize?${encodeForm(withParams(webRequest, { acr_values: SUBSTANTIAL }))}`), webRedirect);
    expect(query.get('code')).toMatch(base64url43);
  });

  it('AUTHZ-11 each value is a minimum: substantial and high together offer both', async () => {
    const { page } = await openLoginPage(withParams(webRequest, { acr_values: 'idporten-loa-high idporten-loa-substantial' }));
    expect(offeredLevels(page.body)).toEqual([SUBSTANTIAL, HIGH]);
  });
});

describe('repeated and over-long parameters', () => {
  it.each([
    ['scope', 'openid'],
    ['response_type', 'code'],
    ['state', 'state-1'],
    ['code_challenge', challenge],
    ['code_challenge_method', 'S256'],
    ['prompt', 'login'],
    ['acr_values', HIGH],
    ['nonce', 'nonce-1'],
    ['response_mode', 'query'],
    ['ui_locales', 'nb'],
  ])(
    'AUTHZ-02 a repeated %s is invalid_request',
    async (name, value) => {
      const response = await getAuthorize(withParams(webRequest, { [name]: [value, value] }));
      // A repeated state cannot be echoed: which one would be the client's?
      const query = expectRedirectError(response, webRedirect, 'invalid_request', { state: name === 'state' ? undefined : 'state-1', issuer });
      expect(query.get('error_description')).toContain(name);
    },
  );

  it('AUTHZ-02 a repeated parameter with an empty second value is still repeated', async () => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { scope: ['openid', ''] })), webRedirect, 'invalid_request', { state: 'state-1', issuer });
  });

  it('AUTHZ-25 resource may repeat', async () => {
    expectLoginRedirect(await getAuthorize(withParams(webRequest, { resource: ['https://a.example/', 'https://a.example/'] })));
  });

  it('AUTHZ-09 an over-long nonce is invalid_request', async () => {
    expectRedirectError(await getAuthorize(withParams(webRequest, { nonce: 'n'.repeat(513) })), webRedirect, 'invalid_request', { state: 'state-1', issuer });
  });
});

describe('AUTHZ-28 the interaction cookie', () => {
  it('AUTHZ-28 the login redirect sets the interaction cookie HttpOnly, Secure, SameSite=Lax, scoped to /login/<id>', async () => {
    const response = await getAuthorize(webRequest);
    const location = expectLoginRedirect(response);
    const cookies = response.cookies as { name: string; value: string; path?: string; httpOnly?: boolean; secure?: boolean; sameSite?: string; maxAge?: number }[];
    expect(cookies).toHaveLength(1);
    const cookie = cookies[0]!;
    expect(cookie.name).toBe('op_ix');
    expect(cookie.path).toBe(location);
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.secure).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    expect(cookie.maxAge).toBeGreaterThan(0);
    expect(cookie.value).not.toContain('state-1');
  });

  it('AUTHZ-28 an error redirect sets no cookie', async () => {
    const response = await getAuthorize(withParams(webRequest, { scope: undefined }));
    expectRedirectError(response, webRedirect, 'invalid_request', { state: 'state-1', issuer });
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('AUTHZ-28 the login page names the client and cannot be framed', async () => {
    const { page } = await openLoginPage(webRequest);
    expect(page.body).toContain('Web Service');
    expect(String(page.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
  });
});
