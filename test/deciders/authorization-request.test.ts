// parseAuthorizationRequest (src/protocol/authorize/checks.ts) called directly, no app and no
// Redis: rows of raw parameters and the outcome each must have at /authorize and at /par — passed,
// or refused with which error, saying what, for which client, and with which redirect target
// (none: the error page, ERR-01). The rows where a request has two faults prove the order of
// AUTHZ-02; the rows that differ between the endpoints are PAR-03 and PAR-10. The HTTP tests
// (authorize.test.ts, par.test.ts) prove how the routes deliver these outcomes.
import { describe, expect, it } from 'vitest';
import type { OAuthErrorCode } from '../../src/errors.js';
import { parseAuthorizationRequest, type AuthorizationEndpoint, type AuthorizationOutcome } from '../../src/protocol/authorize/checks.js';
import type { RawParameters } from '../../src/protocol/authorize/parameters.js';
import type { AuthorizationRequest, RedirectTarget } from '../../src/protocol/authorize/request.js';
import {
  HIGH,
  SUBSTANTIAL,
  authorizationParams,
  clientRecord,
  confidentialClient,
  demoClientRecords,
  pid,
  registryOf,
  rfc7636Example,
  spa,
  titled,
  web,
  type FormParams,
  type TestClient,
} from '../support/vocabulary.js';

const downgraded = confidentialClient('downgraded', 'https://legacy.example', 'downgraded-client-secret-0123456789-01', 'post');
const parOnly = confidentialClient('par-only', 'https://par-only.example', 'par-only-client-secret-0123456789-01234');
const retired = confidentialClient('retired', 'https://retired.example', 'retired-client-secret-0123456789-012345');

const registry = registryOf([
  ...demoClientRecords,
  { ...clientRecord(downgraded), client_name: 'Legacy Web Service', code_challenge_method: 'none' },
  { ...clientRecord(parOnly), client_name: 'PAR-only Service', require_pushed_authorization_requests: true },
  { ...clientRecord(retired), client_name: 'Retired Service', active: false },
]);

const { verifier, challenge } = rfc7636Example;
const requestUri = `urn:idporten:${'A'.repeat(43)}`;

/** A valid request of `client` (S256 PKCE, state-1, nonce-1); `changes` replace, undefined removes, an array repeats. */
function requestOf(client: TestClient, changes: FormParams = {}): RawParameters {
  const params = authorizationParams({ clientId: client.id, redirectUri: client.redirectUri, state: 'state-1', nonce: 'nonce-1', challenge }, changes);
  // As the parsers deliver them: an absent parameter has no key at all.
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined)) as RawParameters;
}

type Expected =
  | { passes: Partial<AuthorizationRequest>; absent?: (keyof AuthorizationRequest)[]; ignoredAcrValues?: string[] }
  | { error: OAuthErrorCode; says: RegExp; client: string | undefined; target: RedirectTarget | undefined };

const passes = (request: Partial<AuthorizationRequest> = {}, more: { absent?: (keyof AuthorizationRequest)[]; ignoredAcrValues?: string[] } = {}): Expected => ({ passes: request, ...more });

/** Refused without a redirect target: no redirect_uri is trusted yet (ERR-01). `client` is the client_id known by then. */
const onPage = (error: OAuthErrorCode, says: RegExp, client?: TestClient): Expected => ({ error, says, client: client?.id, target: undefined });

/** Refused with a redirect target: the client's redirect_uri, query mode and state-1 unless `target` says otherwise (ERR-02). */
const redirected = (client: TestClient, error: OAuthErrorCode, says: RegExp, target: Partial<RedirectTarget> = {}): Expected => ({
  error,
  says,
  client: client.id,
  target: { client_id: client.id, redirect_uri: client.redirectUri, response_mode: 'query', state: 'state-1', ...target },
});

interface Row {
  title: string;
  raw: RawParameters;
  /** The outcome at /authorize, and at /par unless `par` says otherwise. */
  authorize: Expected;
  par?: Expected;
}

const rows: Row[] = [
  // AUTHZ-02 steps 2 and 3: no redirect target before client and redirect_uri are verified.
  { title: 'AUTHZ-03 ERR-01 a missing client_id is refused without a redirect target', raw: requestOf(web, { client_id: undefined }), authorize: onPage('invalid_request', /client_id is missing/) },
  { title: 'AUTHZ-03 an empty client_id counts as missing', raw: requestOf(web, { client_id: '' }), authorize: onPage('invalid_request', /client_id is missing/) },
  { title: 'AUTHZ-03 a repeated client_id is refused without a redirect target, even when both are the same', raw: requestOf(web, { client_id: [web.id, web.id] }), authorize: onPage('invalid_request', /client_id is repeated/) },
  { title: 'AUTHZ-03 ERR-01 an unknown client_id is invalid_client without a redirect target', raw: requestOf(web, { client_id: 'no-such-client' }), authorize: onPage('invalid_client', /Unknown or inactive client_id/) },
  { title: 'AUTHZ-03 CLIENT-17 an inactive client is unknown, even with its registered redirect_uri', raw: requestOf(retired), authorize: onPage('invalid_client', /Unknown or inactive client_id/) },
  { title: 'AUTHZ-03 client_id is compared exactly (a different case is unknown)', raw: requestOf(web, { client_id: web.id.toUpperCase() }), authorize: onPage('invalid_client', /Unknown or inactive client_id/) },
  { title: 'AUTHZ-04 ERR-01 a missing redirect_uri is refused without a redirect target, the client known', raw: requestOf(web, { redirect_uri: undefined }), authorize: onPage('invalid_request', /redirect_uri is missing/, web) },
  { title: 'AUTHZ-04 a repeated redirect_uri is refused without a redirect target, even when both are registered', raw: requestOf(web, { redirect_uri: [web.redirectUri, web.redirectUri] }), authorize: onPage('invalid_request', /redirect_uri is repeated/, web) },
  { title: 'AUTHZ-04 ERR-01 a redirect_uri that differs by a trailing slash is not registered: no redirect target', raw: requestOf(web, { redirect_uri: `${web.redirectUri}/` }), authorize: onPage('invalid_request', /not registered/, web) },
  { title: "AUTHZ-04 another client's redirect_uri is not registered for this one", raw: requestOf(web, { redirect_uri: spa.redirectUri }), authorize: onPage('invalid_request', /not registered/, web) },
  { title: 'AUTHZ-04 every registered redirect_uri of the client is accepted, not only the first', raw: requestOf(web, { redirect_uri: 'http://127.0.0.1:8080/callback' }), authorize: passes({ redirect_uri: 'http://127.0.0.1:8080/callback' }) },

  // AUTHZ-02: of two faults the earlier step is reported.
  {
    title: 'AUTHZ-02 an unknown client is reported before a bad redirect_uri and a bad response_type',
    raw: requestOf(web, { client_id: 'nobody', redirect_uri: 'https://evil.example/', response_type: 'token' }),
    authorize: onPage('invalid_client', /Unknown or inactive client_id/),
  },
  {
    title: 'AUTHZ-02 a missing client_id is reported before a repeated parameter',
    raw: requestOf(web, { client_id: undefined, scope: ['openid', 'profile'] }),
    authorize: onPage('invalid_request', /client_id is missing/),
  },
  {
    title: 'AUTHZ-02 a bad redirect_uri is reported before a repeated parameter and a bad response_type (no redirect target)',
    raw: requestOf(web, { redirect_uri: 'https://evil.example/', response_type: 'token', scope: ['openid', 'profile'] }),
    authorize: onPage('invalid_request', /redirect_uri is not registered/, web),
  },
  {
    title: 'AUTHZ-02 a repeated parameter is reported before a bad response_mode, which is answered by query',
    raw: requestOf(web, { nonce: ['a', 'b'], response_mode: 'fragment' }),
    authorize: redirected(web, 'invalid_request', /nonce is repeated/),
  },
  {
    title: 'AUTHZ-02 AUTHZ-15 a bad response_mode is reported before a bad response_type',
    raw: requestOf(web, { response_mode: 'fragment', response_type: 'token' }),
    authorize: redirected(web, 'invalid_request', /response_mode must be query, form_post, query.jwt, form_post.jwt or jwt/),
  },
  {
    title: 'AUTHZ-02 AUTHZ-05 a bad response_type is reported before a request object and a bad scope',
    raw: requestOf(web, { response_type: 'token', request: 'eyJ.x.y', scope: 'email' }),
    authorize: redirected(web, 'unsupported_response_type', /response_type=code/),
  },
  {
    title: 'AUTHZ-02 AUTHZ-05 PAR-10 a bad response_type is reported before the push requirement',
    raw: requestOf(parOnly, { response_type: 'token' }),
    authorize: redirected(parOnly, 'unsupported_response_type', /response_type=code/),
  },
  { title: 'AUTHZ-05 a missing response_type is invalid_request', raw: requestOf(web, { response_type: undefined }), authorize: redirected(web, 'invalid_request', /response_type is missing/) },
  {
    title: 'AUTHZ-02 AUTHZ-21 a request object is reported before a bad scope',
    raw: requestOf(web, { request: 'eyJ.x.y', scope: 'email' }),
    authorize: redirected(web, 'request_not_supported', /request parameter is not supported/),
  },
  {
    title: 'AUTHZ-02 AUTHZ-06 a bad scope is reported before missing PKCE',
    raw: requestOf(web, { scope: 'openid email', code_challenge: undefined, code_challenge_method: undefined }),
    authorize: redirected(web, 'invalid_scope', /not registered for this client: email/),
  },
  { title: 'AUTHZ-06 a scope of only spaces is invalid_request', raw: requestOf(web, { scope: '   ' }), authorize: redirected(web, 'invalid_request', /scope is empty/) },
  {
    title: 'AUTHZ-02 AUTHZ-07 missing PKCE is reported before a missing state',
    raw: requestOf(spa, { state: undefined, code_challenge: undefined, code_challenge_method: undefined }),
    authorize: redirected(spa, 'invalid_request', /code_challenge is required/, { state: undefined }),
  },
  { title: 'AUTHZ-07 code_challenge_method=plain is refused, even with the verifier as challenge', raw: requestOf(web, { code_challenge: verifier, code_challenge_method: 'plain' }), authorize: redirected(web, 'invalid_request', /must be S256/) },
  { title: 'AUTHZ-07 a code_challenge without code_challenge_method is refused', raw: requestOf(web, { code_challenge_method: undefined }), authorize: redirected(web, 'invalid_request', /code_challenge_method is required/) },
  { title: 'AUTHZ-07 a 44-character code_challenge is refused', raw: requestOf(web, { code_challenge: `${challenge}A` }), authorize: redirected(web, 'invalid_request', /43 base64url characters/) },
  {
    title: 'AUTHZ-02 AUTHZ-08 a missing state is reported before a bad prompt',
    raw: requestOf(spa, { state: undefined, prompt: 'bogus' }),
    authorize: redirected(spa, 'invalid_request', /state is required/, { state: undefined }),
  },
  {
    title: 'AUTHZ-08 a PKCE-downgraded client must send state',
    raw: requestOf(downgraded, { state: undefined, code_challenge: undefined, code_challenge_method: undefined }),
    authorize: redirected(downgraded, 'invalid_request', /state is required/, { state: undefined }),
  },
  {
    title: 'AUTHZ-02 AUTHZ-14 a bad prompt is reported before a bad resource',
    raw: requestOf(web, { prompt: 'bogus', resource: 'relative/path' }),
    authorize: redirected(web, 'invalid_request', /Unsupported prompt value: bogus/),
  },
  { title: 'AUTHZ-14 prompt=none combined with login is invalid_request', raw: requestOf(web, { prompt: 'none login' }), authorize: redirected(web, 'invalid_request', /prompt=none cannot be combined/) },
  {
    title: 'AUTHZ-02 AUTHZ-25 a bad resource is reported before an over-long nonce',
    raw: requestOf(web, { resource: 'relative/path', nonce: 'n'.repeat(513) }),
    authorize: redirected(web, 'invalid_target', /absolute URI without a fragment/),
  },
  { title: 'AUTHZ-25 a resource with a fragment is invalid_target', raw: requestOf(web, { resource: 'https://api.example.com/#frag' }), authorize: redirected(web, 'invalid_target', /absolute URI without a fragment/) },
  { title: 'AUTHZ-09 an over-long nonce is invalid_request', raw: requestOf(web, { nonce: 'n'.repeat(513) }), authorize: redirected(web, 'invalid_request', /nonce is longer than 512/) },

  // ERR-02, AUTHZ-20: what the redirect target carries.
  {
    title: 'AUTHZ-20 AUTHZ-16 the redirect target carries the state and the form_post mode',
    raw: requestOf(web, { response_mode: 'form_post', scope: undefined }),
    authorize: redirected(web, 'invalid_request', /scope is missing/, { response_mode: 'form_post' }),
  },
  {
    title: 'AUTHZ-08 AUTHZ-20 a state over 2048 characters is refused and not echoed in the target',
    raw: requestOf(web, { state: 's'.repeat(2049) }),
    authorize: redirected(web, 'invalid_request', /state is longer than 2048/, { state: undefined }),
  },
  { title: 'AUTHZ-20 a repeated state is refused and cannot be echoed', raw: requestOf(web, { state: ['a', 'b'] }), authorize: redirected(web, 'invalid_request', /state is repeated/, { state: undefined }) },

  // The rows where /par and /authorize differ.
  {
    title: 'AUTHZ-21 PAR-03 a request_uri among the parameters: not ours at /authorize, not allowed in a push at /par',
    raw: requestOf(web, { request_uri: requestUri }),
    authorize: redirected(web, 'request_uri_not_supported', /pushed authorization request endpoint/),
    par: onPage('invalid_request', /request_uri is not allowed in a pushed authorization request/),
  },
  {
    title: 'PAR-03 AUTHZ-02 at /par a pushed request_uri is reported before an unknown client',
    raw: requestOf(web, { client_id: 'nobody', request_uri: requestUri }),
    authorize: onPage('invalid_client', /Unknown or inactive client_id/),
    par: onPage('invalid_request', /request_uri is not allowed in a pushed authorization request/),
  },
  {
    title: 'PAR-10 a client registered with require_pushed_authorization_requests is refused at /authorize, by redirect, and accepted at /par',
    raw: requestOf(parOnly),
    authorize: redirected(parOnly, 'invalid_request', /must use pushed authorization requests/),
    par: passes({ client_id: parOnly.id, redirect_uri: parOnly.redirectUri }),
  },
  {
    title: 'PAR-10 AUTHZ-02 at /authorize the push requirement is reported before a bad scope; at /par the scope is',
    raw: requestOf(parOnly, { scope: 'openid evil' }),
    authorize: redirected(parOnly, 'invalid_request', /must use pushed authorization requests/),
    par: redirected(parOnly, 'invalid_scope', /not registered for this client: evil/),
  },

  // Requests that pass.
  {
    title: 'AUTHZ-01 a valid request passes with every validated field',
    raw: requestOf(web),
    authorize: passes({
      client_id: web.id,
      redirect_uri: web.redirectUri,
      response_mode: 'query',
      scope: ['openid', 'profile'],
      state: 'state-1',
      nonce: 'nonce-1',
      code_challenge: challenge,
      prompt: [],
      acr_minimum: SUBSTANTIAL,
      resource: [],
    }),
  },
  { title: 'AUTHZ-08 a confidential client using PKCE may omit state', raw: requestOf(web, { state: undefined }), authorize: passes({}, { absent: ['state'] }) },
  {
    title: 'AUTHZ-07 CLIENT-15 a client registered with code_challenge_method "none" may omit PKCE',
    raw: requestOf(downgraded, { code_challenge: undefined, code_challenge_method: undefined }),
    authorize: passes({ client_id: downgraded.id }, { absent: ['code_challenge'] }),
  },
  {
    title: 'AUTHZ-11 the legacy alias Level4 asks for high; an unknown value is ignored, not refused',
    raw: requestOf(web, { acr_values: 'Level4 urn:unknown:level' }),
    authorize: passes({ acr_minimum: HIGH }, { ignoredAcrValues: ['urn:unknown:level'] }),
  },
  { title: 'AUTHZ-11 each acr value is a minimum: substantial and high together ask for substantial', raw: requestOf(web, { acr_values: `${HIGH} ${SUBSTANTIAL}` }), authorize: passes({ acr_minimum: SUBSTANTIAL }) },
  { title: 'AUTHZ-14 prompt=login consent passes as both values', raw: requestOf(web, { prompt: 'login consent' }), authorize: passes({ prompt: ['login', 'consent'] }) },
  {
    title: 'AUTHZ-25 resource may repeat, and a repeated value counts once',
    raw: requestOf(web, { resource: ['https://a.example/', 'https://a.example/', 'https://b.example/v1'] }),
    authorize: passes({ resource: ['https://a.example/', 'https://b.example/v1'] }),
  },
  { title: 'AUTHZ-22 an unknown parameter is ignored, even when repeated', raw: requestOf(web, { vendor_x: ['1', '2'] }), authorize: passes({ client_id: web.id }) },
  { title: 'AUTHZ-23 login_hint is carried as a hint', raw: requestOf(web, { login_hint: pid }), authorize: passes({ login_hint: pid }) },
  { title: 'AUTHZ-06 profile alone (plain OAuth, no openid) passes', raw: requestOf(web, { scope: 'profile' }), authorize: passes({ scope: ['profile'] }) },
];

function expectOutcome(outcome: AuthorizationOutcome, expected: Expected): void {
  if ('passes' in expected) {
    // On a refusal, show which.
    expect(outcome.ok ? undefined : outcome.error.toJSON()).toBeUndefined();
    if (!outcome.ok) return;
    expect(outcome.request).toMatchObject(expected.passes);
    for (const name of expected.absent ?? []) expect(outcome.request).not.toHaveProperty(name);
    if (expected.ignoredAcrValues) expect(outcome.ignoredAcrValues).toEqual(expected.ignoredAcrValues);
    return;
  }
  expect(outcome.ok).toBe(false);
  if (outcome.ok) return;
  expect(outcome.error.error).toBe(expected.error);
  expect(outcome.error.description).toMatch(expected.says);
  expect(outcome.client?.client_id).toBe(expected.client);
  expect(outcome.target).toEqual(expected.target);
  expect('target' in outcome).toBe(expected.target !== undefined);
}

describe('AUTHZ-02 AUTHZ-03 AUTHZ-04 PAR-03 PAR-10 parseAuthorizationRequest: raw parameters in, outcome out', () => {
  describe.each(['authorize', 'par'] as AuthorizationEndpoint[])('at /%s', (endpoint) => {
    it.each(titled(rows))('%s', (_, { raw, authorize, par }) => {
      expectOutcome(parseAuthorizationRequest(raw, registry, endpoint), endpoint === 'par' ? (par ?? authorize) : authorize);
    });
  });
});
