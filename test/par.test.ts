// Pushed Authorization Requests through the HTTP surface (PAR-01…PAR-10, DISC-05, with the
// AUTHZ-02, ERR-01, ERR-03, ERR-04 and TOKEN-03…09 rules they lean on), one behaviour per test.
// Real Redis under a per-test key prefix; an injected clock moves time for expiry.
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { Browser, loginThroughBrowser } from './support/browser.js';
import { startTestProvider, type TestProvider } from './support/app.js';
import { tokenFlow } from './support/token-flow.js';
import {
  SUBSTANTIAL,
  authorizationParams,
  base64url43,
  basic,
  clientAssertionType,
  clientRecord,
  confidentialClient,
  csrfOf,
  demoClientRecords,
  encodeForm,
  expectErrorPage,
  expectLoginRedirect,
  expectRedirectError,
  httpsIssuer as issuer,
  pid,
  pkcePair,
  pkjwt,
  redirectQuery,
  rfc7636Example,
  secretOf,
  spa,
  web,
  webSecret,
  type FormParams,
  type TestClient,
} from './support/vocabulary.js';

const post = confidentialClient('par-post', 'https://post.example', 'par-post-client-secret-0123456789-012345', 'post');
const parOnly = confidentialClient('par-only', 'https://par-only.example', 'par-only-client-secret-0123456789-01234');
const postSecret = secretOf(post);

const extraClients = [
  { ...clientRecord(post), client_name: 'PAR Test Secret-Post Service', application_type: 'web' },
  { ...clientRecord(parOnly), client_name: 'PAR-only Service', application_type: 'web', require_pushed_authorization_requests: true },
];

const { verifier, challenge } = rfc7636Example;
const { verifier: otherVerifier, challenge: otherChallenge } = pkcePair('N0tTheVerifierThatWasPushed-0123456789abcdef');

const requestUriPattern = /^urn:idporten:[A-Za-z0-9_-]{43}$/;

let provider: TestProvider;
/** The provider's clock; tests move it instead of sleeping. */
let now: number;

async function start(env: Record<string, string> = {}): Promise<TestProvider> {
  return startTestProvider({ clients: [...demoClientRecords, ...extraClients], env: { OP_ISSUER: issuer, ...env }, clock: () => now });
}

beforeEach(async () => {
  now = Date.now();
  provider = await start();
});
afterEach(async () => provider.close());

const flow = tokenFlow({
  provider: () => provider,
  now: () => now,
  // ERR-03, PAR-06: never cached, never redirected, and an error_description in the RFC 6749 §5.2 characters.
  errorChecks: { noStore: true, noLocation: true, strictDescription: true },
});
const { clientAssertion, clientAuth, postForm, expectOAuthError } = flow;

/** A valid authorization request for the client, without client_id or any client authentication. */
const requestFor = (client: TestClient): FormParams =>
  authorizationParams({ clientId: client.id, redirectUri: client.redirectUri, state: 'pushed-state', nonce: 'pushed-nonce', challenge }, { client_id: undefined });

/** POST /par with a form body; `authorization` is sent as is. */
const postPar = (form: FormParams, authorization?: string): Promise<LightMyRequestResponse> => postForm('/par', form, authorization);

/** Push the client's request with its registered authentication; `changes` replaces parameters. */
async function push(client: TestClient, changes: FormParams = {}, options: { audience?: string } = {}): Promise<LightMyRequestResponse> {
  const { fields, authorization } = await clientAuth(client, options.audience);
  return postPar({ ...requestFor(client), ...fields, ...changes }, authorization);
}

/** Push successfully and return the request_uri. */
async function pushed(client: TestClient, changes: FormParams = {}): Promise<string> {
  const response = await push(client, changes);
  expect(response.statusCode, response.body).toBe(201);
  const { request_uri } = response.json<{ request_uri: string }>();
  expect(request_uri).toMatch(requestUriPattern);
  return request_uri;
}

const authorizeUrl = (clientId: string | undefined, requestUri: string | undefined, extra: FormParams = {}): string =>
  `/authorize?${encodeForm({ client_id: clientId, request_uri: requestUri, ...extra })}`;

const getAuthorize = (url: string): Promise<LightMyRequestResponse> => provider.app.inject({ method: 'GET', url });

/** Log in through the TestID page and return the code delivered to `redirectUri` (query mode). */
async function codeThrough(url: string, redirectUri: string, state = 'pushed-state', browser = new Browser(provider.app)): Promise<string> {
  const { response } = await loginThroughBrowser(browser, url);
  const query = redirectQuery(response, redirectUri);
  expect(query.get('state')).toBe(state);
  expect(query.get('iss')).toBe(issuer);
  const code = query.get('code');
  expect(code).toMatch(base64url43);
  return code!;
}

/** Redeem a code from a pushed request with its client's authentication and the pushed verifier (or another). */
const redeem = (client: TestClient, code: string, codeVerifier = verifier): Promise<LightMyRequestResponse> =>
  flow.redeem({ client, code, verifier: codeVerifier });

describe('PAR-01 POST with a form body only', () => {
  for (const method of ['GET', 'PUT'] as const) {
    it(`PAR-01 ERR-04 ${method} /par is 405 with Allow: POST, OPTIONS (the CORS preflight, TOKEN-18)`, async () => {
      const response = await provider.app.inject({ method, url: '/par' });
      expect(response.statusCode).toBe(405);
      expect(response.headers.allow).toBe('POST, OPTIONS');
    });
  }

  it('PAR-01 a JSON body is refused with 400 invalid_request even with valid parameters and credentials', async () => {
    const response = await provider.app.inject({
      method: 'POST',
      url: '/par',
      headers: { 'content-type': 'application/json', authorization: basic(web.id, webSecret) },
      payload: JSON.stringify(requestFor(web)),
    });
    expectOAuthError(response, 400, 'invalid_request');
  });

  it('PAR-01 the same request as a form body is accepted (201)', async () => {
    expect((await push(web)).statusCode).toBe(201);
  });
});

describe('PAR-02 client authentication as at the token endpoint', () => {
  it('PAR-02 TOKEN-04 a client_secret_basic client authenticates with the Authorization header', async () => {
    expect((await push(web)).statusCode).toBe(201);
  });

  it('PAR-02 TOKEN-05 a client_secret_post client authenticates with client_id and client_secret in the body', async () => {
    expect((await push(post)).statusCode).toBe(201);
  });

  for (const [name, audience] of [
    ['the issuer', issuer],
    ['the token endpoint URL', `${issuer}/token`],
  ] as const) {
    it(`PAR-02 TOKEN-06 a private_key_jwt client authenticates with an assertion whose aud is ${name}`, async () => {
      const response = await push(pkjwt, {}, { audience });
      expect(response.statusCode, response.body).toBe(201);
    });
  }

  it('PAR-02 TOKEN-07 an assertion whose aud is another endpoint of ours, the PAR endpoint included, is 401 invalid_client', async () => {
    expectOAuthError(await push(pkjwt, {}, { audience: `${issuer}/userinfo` }), 401, 'invalid_client');
    expectOAuthError(await push(pkjwt, {}, { audience: `${issuer}/par` }), 401, 'invalid_client');
  });

  it('PAR-02 TOKEN-07 a replayed assertion (same jti) is 401 invalid_client', async () => {
    const assertion = await clientAssertion(pkjwt.id);
    const form = { ...requestFor(pkjwt), client_id: pkjwt.id, client_assertion_type: clientAssertionType, client_assertion: assertion };
    expect((await postPar(form)).statusCode).toBe(201);
    expectOAuthError(await postPar(form), 401, 'invalid_client');
  });

  it('PAR-02 TOKEN-09 a public client sends client_id only and succeeds', async () => {
    expect((await push(spa)).statusCode).toBe(201);
  });

  it('PAR-02 TOKEN-04 a wrong Basic secret is 401 invalid_client with WWW-Authenticate: Basic', async () => {
    const response = await postPar(requestFor(web), basic(web.id, 'not-the-secret'));
    expectOAuthError(response, 401, 'invalid_client');
    expect(response.headers['www-authenticate']).toMatch(/^Basic /);
  });

  it('PAR-02 TOKEN-05 a wrong client_secret in the body is 401 invalid_client without a Basic challenge', async () => {
    const response = await push(post, { client_secret: 'not-the-secret' });
    expectOAuthError(response, 401, 'invalid_client');
    expect(response.headers['www-authenticate']).toBeUndefined();
  });

  it('PAR-02 ERR-04 a request without any client authentication or client_id is 401 invalid_client', async () => {
    expectOAuthError(await postPar(requestFor(web)), 401, 'invalid_client');
  });

  it('PAR-02 TOKEN-09 a confidential client sending only client_id is 401 invalid_client', async () => {
    expectOAuthError(await postPar({ ...requestFor(web), client_id: web.id }), 401, 'invalid_client');
  });

  it('PAR-02 TOKEN-03 a client_secret_basic client sending its secret in the body is 401 invalid_client', async () => {
    expectOAuthError(await postPar({ ...requestFor(web), client_id: web.id, client_secret: webSecret }), 401, 'invalid_client');
  });

  it('PAR-02 TOKEN-03 two authentication methods in one request are 400 invalid_request', async () => {
    expectOAuthError(await postPar({ ...requestFor(post), client_id: post.id, client_secret: postSecret }, basic(post.id, postSecret)), 400, 'invalid_request');
  });
});

describe('PAR-03 every /authorize check runs at push time and fails as JSON', () => {
  const cases: [string, TestClient, FormParams, number, string][] = [
    ['an unregistered redirect_uri', web, { redirect_uri: 'https://evil.example/cb' }, 400, 'invalid_request'],
    ['a missing redirect_uri', web, { redirect_uri: undefined }, 400, 'invalid_request'],
    ['a missing response_type', web, { response_type: undefined }, 400, 'invalid_request'],
    ['response_type=token', web, { response_type: 'token' }, 400, 'unsupported_response_type'],
    ['an unregistered scope', web, { scope: 'openid profile evil' }, 400, 'invalid_scope'],
    ['a missing code_challenge', web, { code_challenge: undefined, code_challenge_method: undefined }, 400, 'invalid_request'],
    ['code_challenge_method=plain', web, { code_challenge: verifier, code_challenge_method: 'plain' }, 400, 'invalid_request'],
    ['a missing state for the public client', spa, { state: undefined }, 400, 'invalid_request'],
    ['an unknown prompt value', web, { prompt: 'bogus' }, 400, 'invalid_request'],
    ['prompt=none combined with login', web, { prompt: 'none login' }, 400, 'invalid_request'],
    ['a resource that is not an absolute URI', web, { resource: 'not-a-uri' }, 400, 'invalid_target'],
    ['a resource with a fragment', web, { resource: 'https://api.example/#x' }, 400, 'invalid_target'],
    ['response_mode=fragment', web, { response_mode: 'fragment' }, 400, 'invalid_request'],
    ['a repeated scope', web, { scope: ['openid', 'profile'] }, 400, 'invalid_request'],
    ['a request_uri in the body', web, { request_uri: `urn:idporten:${'A'.repeat(43)}` }, 400, 'invalid_request'],
    ['a request object', web, { request: 'eyJhbGciOiJub25lIn0.eyJzY29wZSI6Im9wZW5pZCJ9.' }, 400, 'request_not_supported'],
  ];
  for (const [name, client, changes, status, error] of cases) {
    it(`PAR-03 ${name} is refused at push time with ${status} ${error} as JSON`, async () => {
      expectOAuthError(await push(client, changes), status, error);
    });
  }

  it('PAR-03 a body client_id different from the Basic-authenticated client is 400 invalid_request', async () => {
    expectOAuthError(await push(web, { client_id: spa.id }), 400, 'invalid_request');
  });

  it('PAR-03 a body client_id different from a private_key_jwt assertion iss/sub is 401 invalid_client', async () => {
    // The body client_id names the client that must verify the assertion; the demo-pkjwt assertion does not verify as demo-spa.
    expectOAuthError(await push(pkjwt, { client_id: spa.id }), 401, 'invalid_client');
  });

  it('PAR-03 AUTHZ-08 a confidential client may push without state (the rule is per client)', async () => {
    expect((await push(web, { state: undefined })).statusCode).toBe(201);
  });
});

describe('PAR-04 the success response', () => {
  it('PAR-04 answers 201 with exactly request_uri (urn:idporten:<43>) and expires_in, not cacheable', async () => {
    const response = await push(web);
    expect(response.statusCode).toBe(201);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json<Record<string, unknown>>();
    expect(Object.keys(body).sort()).toEqual(['expires_in', 'request_uri']);
    expect(body.request_uri).toMatch(requestUriPattern);
  });

  it('PAR-04 two pushes of the same request get different request_uris', async () => {
    const first = await pushed(web);
    const second = await pushed(web);
    expect(second).not.toBe(first);
  });
});

describe('PAR-05 lifetime', () => {
  it('PAR-05 expires_in is 120 by default', async () => {
    expect((await push(web)).json<{ expires_in: number }>().expires_in).toBe(120);
  });

  it('PAR-05 expires_in follows OP_PAR_LIFETIME=300', async () => {
    await provider.close();
    provider = await start({ OP_PAR_LIFETIME: '300' });
    expect((await push(web)).json<{ expires_in: number }>().expires_in).toBe(300);
  });

  it('PAR-05 PAR-07 with OP_PAR_LIFETIME=300 a request_uri still works 299 s after the push', async () => {
    await provider.close();
    provider = await start({ OP_PAR_LIFETIME: '300' });
    const requestUri = await pushed(web);
    now += 299_000;
    expectLoginRedirect(await getAuthorize(authorizeUrl(web.id, requestUri)));
  });

  it('PAR-05 PAR-07 by default a request_uri still works 119 s after the push', async () => {
    const requestUri = await pushed(web);
    now += 119_000;
    expectLoginRedirect(await getAuthorize(authorizeUrl(web.id, requestUri)));
  });

  for (const value of ['5', '601']) {
    it(`PAR-05 OP_PAR_LIFETIME=${value} is refused by the configuration`, () => {
      expect(() => loadConfig({ OP_PAR_LIFETIME: value })).toThrow(ConfigError);
      expect(() => loadConfig({ OP_PAR_LIFETIME: value })).toThrow(/OP_PAR_LIFETIME/);
    });
  }

  it('PAR-05 the configuration accepts the bounds 10 and 600', () => {
    expect(loadConfig({ OP_PAR_LIFETIME: '10' }).parLifetime).toBe(10);
    expect(loadConfig({ OP_PAR_LIFETIME: '600' }).parLifetime).toBe(600);
  });
});

describe('PAR-06 error responses', () => {
  it('PAR-06 ERR-03 a 400 error body is exactly {error, error_description}, JSON, no-store', async () => {
    const response = await push(web, { scope: 'openid evil' });
    expectOAuthError(response, 400, 'invalid_scope');
    expect(response.headers.pragma).toBe('no-cache');
  });

  it('PAR-06 ERR-03 a 401 error body is exactly {error, error_description}, JSON, no-store', async () => {
    const response = await postPar(requestFor(web), basic(web.id, 'wrong'));
    expectOAuthError(response, 401, 'invalid_client');
    expect(response.headers.pragma).toBe('no-cache');
  });

  it('PAR-06 ERR-03 an error description never echoes the presented secret', async () => {
    const secret = 'a-wrong-secret-that-must-not-be-echoed';
    const response = await postPar(requestFor(web), basic(web.id, secret));
    expect(response.statusCode).toBe(401);
    expect(response.body).not.toContain(secret);
  });
});

describe('PAR-07 using the request_uri at /authorize', () => {
  it('PAR-07 DISC-05 client_id + request_uri leads to the login page, then a code that redeems with the pushed verifier', async () => {
    const requestUri = await pushed(web);
    const browser = new Browser(provider.app);
    const loginPath = expectLoginRedirect(await browser.get(authorizeUrl(web.id, requestUri)));
    const page = await browser.get(loginPath);
    expect(page.statusCode).toBe(200);
    const done = await browser.post(loginPath, { csrf: csrfOf(page.body), action: 'login', pid, acr: SUBSTANTIAL });
    const query = redirectQuery(done, web.redirectUri);
    expect(query.get('state')).toBe('pushed-state');
    expect(query.get('iss')).toBe(issuer);
    const code = query.get('code')!;
    const response = await redeem(web, code);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<{ id_token?: string }>().id_token).toBeDefined();
  });

  it('PAR-07 a public client logs in with its request_uri and gets a code', async () => {
    const requestUri = await pushed(spa);
    await codeThrough(authorizeUrl(spa.id, requestUri), spa.redirectUri);
  });

  it('PAR-07 AUTHZ-01 client_id + request_uri also work as a form POST to /authorize', async () => {
    const requestUri = await pushed(web);
    const response = await provider.app.inject({
      method: 'POST',
      url: '/authorize',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: encodeForm({ client_id: web.id, request_uri: requestUri }),
    });
    expectLoginRedirect(response);
  });

  it('PAR-07 ERR-01 an unknown (well-formed) request_uri is the error page with invalid_request_uri', async () => {
    expectErrorPage(await getAuthorize(authorizeUrl(web.id, `urn:idporten:${randomBytes(32).toString('base64url')}`)), 'invalid_request_uri');
  });

  for (const [name, suffix] of [
    ['too short', 'abc'],
    ['one character too long', `${'A'.repeat(43)}B`],
    ['with characters outside base64url', `${'A'.repeat(42)}+`],
  ] as const) {
    it(`PAR-07 ERR-01 a malformed request_uri (${name}) is the error page with invalid_request_uri`, async () => {
      expectErrorPage(await getAuthorize(authorizeUrl(web.id, `urn:idporten:${suffix}`)), 'invalid_request_uri');
    });
  }

  it("PAR-07 ERR-01 a request_uri with another client's client_id is the error page with invalid_request_uri", async () => {
    const requestUri = await pushed(web);
    expectErrorPage(await getAuthorize(authorizeUrl(spa.id, requestUri)), 'invalid_request_uri');
  });

  it('PAR-07 ERR-01 a request_uri without client_id is the error page (invalid_request)', async () => {
    const requestUri = await pushed(web);
    expectErrorPage(await getAuthorize(authorizeUrl(undefined, requestUri)), 'invalid_request');
  });

  it('PAR-07 ERR-01 a request_uri with an unknown client_id is the error page (invalid_client)', async () => {
    const requestUri = await pushed(web);
    expectErrorPage(await getAuthorize(authorizeUrl('no-such-client', requestUri)), 'invalid_client');
  });

  it('PAR-07 ERR-01 a repeated request_uri is the error page (invalid_request)', async () => {
    const requestUri = await pushed(web);
    expectErrorPage(await getAuthorize(authorizeUrl(web.id, undefined, { request_uri: [requestUri, requestUri] })), 'invalid_request');
  });

  it('PAR-07 PAR-05 a request_uri used 121 s after the push (lifetime 120 s) is the error page with invalid_request_uri', async () => {
    const requestUri = await pushed(web);
    now += 121_000;
    expectErrorPage(await getAuthorize(authorizeUrl(web.id, requestUri)), 'invalid_request_uri');
  });
});

describe('PAR-08 single use', () => {
  it('PAR-08 a request_uri works once: the second /authorize gets the error page', async () => {
    const requestUri = await pushed(web);
    expectLoginRedirect(await getAuthorize(authorizeUrl(web.id, requestUri)));
    expectErrorPage(await getAuthorize(authorizeUrl(web.id, requestUri)), 'invalid_request_uri');
  });

  it('PAR-08 of two concurrent uses of one request_uri exactly one reaches the login page', async () => {
    const requestUri = await pushed(web);
    const responses = await Promise.all([getAuthorize(authorizeUrl(web.id, requestUri)), getAuthorize(authorizeUrl(web.id, requestUri))]);
    expect(responses.map((r) => r.statusCode).sort()).toEqual([303, 400]);
  });

  it('PAR-07 PAR-08 a request_uri presented with the wrong client_id is refused without being consumed: its own client still uses it once', async () => {
    const requestUri = await pushed(web);
    expectErrorPage(await getAuthorize(authorizeUrl(spa.id, requestUri)), 'invalid_request_uri');
    expect((await getAuthorize(authorizeUrl(web.id, requestUri))).statusCode).toBe(303);
    expectErrorPage(await getAuthorize(authorizeUrl(web.id, requestUri)), 'invalid_request_uri');
  });

  it('PAR-08 the user who opened the request_uri still finishes the login after it was consumed', async () => {
    const requestUri = await pushed(web);
    const browser = new Browser(provider.app);
    const loginPath = expectLoginRedirect(await browser.get(authorizeUrl(web.id, requestUri)));
    // The request_uri is used up now, for this browser as for any other.
    expectErrorPage(await new Browser(provider.app).get(authorizeUrl(web.id, requestUri)), 'invalid_request_uri');
    const page = await browser.get(loginPath);
    expect(page.statusCode).toBe(200);
    const done = await browser.post(loginPath, { csrf: csrfOf(page.body), action: 'login', pid, acr: SUBSTANTIAL });
    const query = redirectQuery(done, web.redirectUri);
    expect(query.get('code')).toMatch(base64url43);
    expect(query.get('state')).toBe('pushed-state');
  });
});

describe('PAR-09 only pushed parameters count', () => {
  it('PAR-09 redirect_uri, state and response_mode on the authorize URL are ignored: the code goes to the pushed redirect_uri with the pushed state by query', async () => {
    const requestUri = await pushed(web);
    const url = authorizeUrl(web.id, requestUri, { redirect_uri: 'https://evil.example/cb', response_mode: 'form_post', state: 'other' });
    const { response } = await loginThroughBrowser(new Browser(provider.app), url);
    const query = redirectQuery(response, web.redirectUri);
    expect(query.get('state')).toBe('pushed-state');
    expect(query.get('code')).toMatch(base64url43);
  });

  it('PAR-09 a pushed response_mode=form_post is kept although the URL says query', async () => {
    const requestUri = await pushed(web, { response_mode: 'form_post' });
    const { response } = await loginThroughBrowser(new Browser(provider.app), authorizeUrl(web.id, requestUri, { response_mode: 'query' }));
    expect(response.statusCode).toBe(200);
    expect(response.headers.location).toBeUndefined();
    expect(response.body).toContain(`<form method="post" action="${web.redirectUri}"`);
    expect(response.body).toContain('<input type="hidden" name="state" value="pushed-state">');
  });

  it('PAR-09 scope and prompt=none on the authorize URL are ignored: the pushed request goes to the login page', async () => {
    const requestUri = await pushed(web);
    // Honoured, scope=evil would be invalid_scope and prompt=none without a session login_required.
    expectLoginRedirect(await getAuthorize(authorizeUrl(web.id, requestUri, { scope: 'evil', prompt: 'none' })));
  });

  it('PAR-09 a code_challenge on the authorize URL is ignored: the code redeems with the pushed verifier only', async () => {
    const requestUri = await pushed(web);
    const code = await codeThrough(authorizeUrl(web.id, requestUri, { code_challenge: otherChallenge, code_challenge_method: 'S256' }), web.redirectUri);
    const wrong = await redeem(web, code, otherVerifier);
    expect(wrong.statusCode, wrong.body).toBe(400);
    expect(wrong.json<{ error: string }>().error).toBe('invalid_grant');
  });

  it('PAR-09 the code from a pushed request redeems with the pushed verifier', async () => {
    const requestUri = await pushed(web);
    const code = await codeThrough(authorizeUrl(web.id, requestUri, { code_challenge: otherChallenge, code_challenge_method: 'S256' }), web.redirectUri);
    const response = await redeem(web, code, verifier);
    expect(response.statusCode, response.body).toBe(200);
  });
});

describe('PAR-10 clients that must push', () => {
  it('PAR-10 a client registered with require_pushed_authorization_requests gets invalid_request by redirect for a plain /authorize', async () => {
    const response = await getAuthorize(`/authorize?${encodeForm({ ...requestFor(parOnly), client_id: parOnly.id })}`);
    expectRedirectError(response, parOnly.redirectUri, 'invalid_request', { state: 'pushed-state', issuer });
  });

  it('PAR-10 the same client succeeds through PAR', async () => {
    const requestUri = await pushed(parOnly);
    await codeThrough(authorizeUrl(parOnly.id, requestUri), parOnly.redirectUri);
  });
});

describe('DISC-05 PAR despite request_uri_parameter_supported=false', () => {
  it('DISC-05 discovery names the PAR endpoint and says request_uri_parameter_supported false', async () => {
    const response = await provider.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' });
    expect(response.statusCode).toBe(200);
    const metadata = response.json<Record<string, unknown>>();
    expect(metadata.pushed_authorization_request_endpoint).toBe(`${issuer}/par`);
    expect(metadata.request_uri_parameter_supported).toBe(false);
  });

  it('DISC-05 AUTHZ-21 a request_uri that is not ours (https) is request_uri_not_supported by redirect', async () => {
    const response = await getAuthorize(`/authorize?${encodeForm({ ...requestFor(web), client_id: web.id, request_uri: 'https://rp.example/request.jwt' })}`);
    expectRedirectError(response, web.redirectUri, 'request_uri_not_supported', { state: 'pushed-state', issuer });
  });
});
