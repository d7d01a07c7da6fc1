// The JWT-bearer grant of machine clients (TOKEN-21, RFC 7523 §2.1 and §3; Maskinporten): every
// rule of the assertion, the token it gives (AT-02…06, TOKEN-20, AT-01), the business-certificate
// cases of TOKEN-08 for the grant, and the jti claimed atomically across two provider instances on
// one Redis. Through HTTP (app.inject) on real Redis, with an injected clock.
import type { LightMyRequestResponse } from 'fastify';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KeyUsageFlags } from '../../src/protocol/x509.js';
import { startTestProvider, type TestProvider } from '../support/app.js';
import { listKeys, uniquePrefix } from '../support/redis.js';
import { certificateWorld, day, jwtBearerGrant, newJti, orgno, otherOrgno, signJws, type CertificateWorld, type Credential } from './support.js';

const issuer = 'http://localhost:3000';
const introspectorSecret = 'machine-test-introspector-secret-0123456789';

const scopes = [
  { name: 'nav:api', prefix: 'nav', subscope: 'api', description: 'A machine API', owner_orgno: orgno, allowed_integration_types: ['maskinporten'], accessible_for_all: true, enforced_aud_for_introspection: ['resource-server'] },
  { name: 'nav:other', prefix: 'nav', subscope: 'other', description: 'Not held', owner_orgno: orgno, allowed_integration_types: ['maskinporten'], accessible_for_all: true },
  { name: 'nav:short', prefix: 'nav', subscope: 'short', description: 'Short tokens', owner_orgno: orgno, allowed_integration_types: ['maskinporten'], accessible_for_all: true, at_max_age: 30 },
  { name: 'nav:shorter', prefix: 'nav', subscope: 'shorter', description: 'Shorter tokens', owner_orgno: orgno, allowed_integration_types: ['maskinporten'], accessible_for_all: true, at_max_age: 20 },
  { name: 'nav:nocap', prefix: 'nav', subscope: 'nocap', description: 'at_max_age 0 means no cap', owner_orgno: orgno, allowed_integration_types: ['maskinporten'], accessible_for_all: true, at_max_age: 0 },
  { name: 'nav:opaque', prefix: 'nav', subscope: 'opaque', description: 'By reference', owner_orgno: orgno, allowed_integration_types: ['maskinporten'], accessible_for_all: true, token_type: 'OPAQUE', enforced_aud_for_introspection: ['resource-server'] },
];

let world: CertificateWorld;
let keyCredential: Credential;
let provider: TestProvider;
let now: number;

const machineScopes = ['nav:api', 'nav:short', 'nav:shorter', 'nav:nocap', 'nav:opaque'];
const clientsFor = (key: Credential) => {
  const jwk = key.privateKey.export({ format: 'jwk' });
  return [
    { client_id: 'machine-key', client_name: 'Machine (key)', client_orgno: orgno, integration_type: 'maskinporten', scopes: machineScopes, access_token_lifetime: 120, jwks: { keys: [{ kty: 'RSA', alg: 'RS256', use: 'sig', kid: 'machine-key-1', n: jwk.n, e: jwk.e }] } },
    { client_id: 'machine-cert', client_name: 'Machine (certificate)', client_orgno: orgno, integration_type: 'maskinporten', scopes: ['nav:api'], supplier_orgno: otherOrgno },
    // A login client with private_key_jwt: not registered for the grant.
    { client_id: 'login-cert', client_name: 'Login', client_orgno: orgno, integration_type: 'idporten', token_endpoint_auth_method: 'private_key_jwt', redirect_uris: ['http://localhost:8099/cb'], post_logout_redirect_uris: ['http://localhost:8099/'] },
    // A resource server that introspects (INTROSPECT-03).
    { client_id: 'resource-server', client_secret: introspectorSecret, client_name: 'Resource server', client_orgno: orgno, integration_type: 'api_klient', scopes: ['openid', 'profile', 'idporten:token.introspection'], redirect_uris: ['http://localhost:8098/cb'], post_logout_redirect_uris: ['http://localhost:8098/'] },
  ];
};

beforeAll(async () => {
  world = await certificateWorld();
  keyCredential = await world.issue();
}, 60_000);

beforeEach(async () => {
  now = Math.floor(Date.now() / 1000) * 1000;
  provider = await startTestProvider({ clients: clientsFor(keyCredential), scopes, env: { OP_ISSUER: issuer }, clock: () => now });
});
afterEach(async () => provider.close());

interface GrantOptions {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  /** Claim names to leave out. */
  omit?: string[];
  key?: Credential;
}

/** A Maskinporten-style grant assertion of machine-key, by its registered key (kid). */
function keyAssertion(options: GrantOptions = {}): string {
  const iat = Math.floor(now / 1000);
  const claims: Record<string, unknown> = { aud: issuer, iss: 'machine-key', scope: 'nav:api', iat, exp: iat + 60, jti: newJti(), ...options.claims };
  for (const name of options.omit ?? []) delete claims[name];
  return signJws({ alg: 'RS256', kid: 'machine-key-1', ...options.header }, claims, (options.key ?? keyCredential).privateKey);
}

/** A grant assertion of machine-cert, signed by a business certificate's key with its chain in x5c. */
function certificateAssertion(credential: Credential, claims: Record<string, unknown> = {}): string {
  const iat = Math.floor(now / 1000);
  return signJws({ alg: 'RS256', x5c: credential.x5c }, { aud: issuer, iss: 'machine-cert', scope: 'nav:api', iat, exp: iat + 60, jti: newJti(), ...claims }, credential.privateKey);
}

function postToken(on: TestProvider, form: Record<string, string>, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return on.app.inject({ method: 'POST', url: '/token', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: new URLSearchParams(form).toString() });
}

const grant = (assertion: string, extra: Record<string, string> = {}, on: TestProvider = provider): Promise<LightMyRequestResponse> =>
  postToken(on, { grant_type: jwtBearerGrant, assertion, ...extra });

interface TokenBody {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
}

function expectToken(response: LightMyRequestResponse): TokenBody {
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['cache-control']).toBe('no-store');
  return response.json<TokenBody>();
}

function expectRefused(response: LightMyRequestResponse, error: 'invalid_grant' | 'invalid_scope', description?: string | RegExp): void {
  expect(response.statusCode, response.body).toBe(400);
  const body = response.json<{ error: string; error_description: string }>();
  expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
  expect(body.error).toBe(error);
  if (typeof description === 'string') expect(body.error_description).toBe(description);
  else if (description) expect(body.error_description).toMatch(description);
}

const introspect = (token: string): Promise<LightMyRequestResponse> =>
  provider.app.inject({
    method: 'POST',
    url: '/token/introspect',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`resource-server:${introspectorSecret}`).toString('base64')}` },
    payload: new URLSearchParams({ token }).toString(),
  });

describe('TOKEN-21 the JWT-bearer grant: the response and the token', () => {
  it('TOKEN-21 AT-02 AT-03 AT-04 AT-05 with a registered key: an access token only, with scope, client_id, consumer, iss, iat, exp, jti and client_amr private_key_jwt, no sub or pid', async () => {
    const body = expectToken(await grant(keyAssertion()));
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 120, scope: 'nav:api' });
    const claims = decodeJwt(body.access_token);
    expect(Object.keys(claims).sort()).toEqual(['client_amr', 'client_id', 'consumer', 'exp', 'iat', 'iss', 'jti', 'scope']);
    expect(claims).toMatchObject({ scope: 'nav:api', client_id: 'machine-key', iss: issuer, client_amr: 'private_key_jwt', consumer: { authority: 'iso6523-actorid-upis', ID: `0192:${orgno}` }, iat: now / 1000, exp: now / 1000 + 120 });
    expect(decodeProtectedHeader(body.access_token)).toMatchObject({ alg: 'RS256' });
  });

  it('TOKEN-21 AT-04 TOKEN-08 with a business certificate chain in x5c: client_amr virksomhetssertifikat, and the supplier when registered (AT-03)', async () => {
    const body = expectToken(await grant(certificateAssertion(await world.issue())));
    expect(decodeJwt(body.access_token)).toMatchObject({ client_id: 'machine-cert', client_amr: 'virksomhetssertifikat', consumer: { ID: `0192:${orgno}` }, supplier: { ID: `0192:${otherOrgno}` } });
  });

  it('TOKEN-21 AT-06 a resource becomes the aud: a string for one value, an array for several', async () => {
    expect(decodeJwt(expectToken(await grant(keyAssertion({ claims: { resource: 'https://api.example.no/' } }))).access_token).aud).toBe('https://api.example.no/');
    expect(decodeJwt(expectToken(await grant(keyAssertion({ claims: { resource: ['https://a.example.no/', 'https://b.example.no/'] } }))).access_token).aud).toEqual(['https://a.example.no/', 'https://b.example.no/']);
  });

  it('TOKEN-21 AT-06 a resource that is not an absolute URI without fragment is invalid_grant', async () => {
    for (const resource of ['not a uri', 'https://api.example.no/#x', [], [42]]) {
      expectRefused(await grant(keyAssertion({ claims: { resource } })), 'invalid_grant', /resource must be an absolute URI/);
    }
  });

  it('TOKEN-21 several scopes the client holds are granted together, and the response repeats them', async () => {
    const body = expectToken(await grant(keyAssertion({ claims: { scope: 'nav:api nav:nocap' } })));
    expect(body.scope).toBe('nav:api nav:nocap');
    expect(decodeJwt(body.access_token).scope).toBe('nav:api nav:nocap');
  });
});

describe('TOKEN-21 the assertion: every rule', () => {
  it('TOKEN-21 aud must be the issuer: another audience, or the token endpoint, is invalid_grant', async () => {
    expectRefused(await grant(keyAssertion({ claims: { aud: 'https://maskinporten.no/' } })), 'invalid_grant', 'The assertion aud must be the issuer');
    expectRefused(await grant(keyAssertion({ claims: { aud: `${issuer}/token` } })), 'invalid_grant', 'The assertion aud must be the issuer');
    expectRefused(await grant(keyAssertion({ omit: ['aud'] })), 'invalid_grant', 'The assertion must have the aud claim');
  });

  it('TOKEN-21 iss must name an active client registered for the grant', async () => {
    expectRefused(await grant(keyAssertion({ claims: { iss: 'nobody' } })), 'invalid_grant', 'The assertion iss names no active client');
    expectRefused(await grant(keyAssertion({ omit: ['iss'] })), 'invalid_grant', 'The assertion must have an iss claim: the client_id');
    const login = signJws({ alg: 'RS256', x5c: keyCredential.x5c }, { aud: issuer, iss: 'login-cert', scope: 'openid', iat: now / 1000, exp: now / 1000 + 60, jti: newJti() }, keyCredential.privateKey);
    expectRefused(await grant(login), 'invalid_grant', 'The client is not registered for the jwt-bearer grant');
  });

  it('TOKEN-21 a client_id parameter, when sent, must be the assertion iss', async () => {
    expectToken(await grant(keyAssertion(), { client_id: 'machine-key' }));
    expectRefused(await grant(keyAssertion(), { client_id: 'machine-cert' }), 'invalid_grant', 'The client_id parameter differs from the assertion iss');
  });

  it('TOKEN-21 iat within 10 s of the clock either way; 11 s is refused', async () => {
    const iat = now / 1000;
    expectToken(await grant(keyAssertion({ claims: { iat: iat + 10, exp: iat + 60 } })));
    expectToken(await grant(keyAssertion({ claims: { iat: iat - 10, exp: iat + 60 } })));
    expectRefused(await grant(keyAssertion({ claims: { iat: iat + 11, exp: iat + 60 } })), 'invalid_grant', "The assertion iat must be within 10 seconds of the provider's clock");
    expectRefused(await grant(keyAssertion({ claims: { iat: iat - 11, exp: iat + 60 } })), 'invalid_grant', "The assertion iat must be within 10 seconds of the provider's clock");
    expectRefused(await grant(keyAssertion({ omit: ['iat'] })), 'invalid_grant', 'The assertion must have the iat claim');
  });

  it('TOKEN-21 exp − iat at most 120 s; exp required and in the future', async () => {
    const iat = now / 1000;
    expectToken(await grant(keyAssertion({ claims: { exp: iat + 120 } })));
    expectRefused(await grant(keyAssertion({ claims: { exp: iat + 121 } })), 'invalid_grant', 'The assertion lifetime (exp - iat) must be at most 120 seconds');
    expectRefused(await grant(keyAssertion({ omit: ['exp'] })), 'invalid_grant', 'The assertion must have the exp claim');
    expectRefused(await grant(keyAssertion({ claims: { iat: iat - 10, exp: iat - 11 } })), 'invalid_grant', 'The assertion has expired');
  });

  it('TOKEN-21 jti is required', async () => {
    expectRefused(await grant(keyAssertion({ omit: ['jti'] })), 'invalid_grant', 'The assertion must have the jti claim');
    expectRefused(await grant(keyAssertion({ claims: { jti: 7 } })), 'invalid_grant', /jti/);
  });

  it('TOKEN-21 RFC 7523 §3 item 7 a jti is never used twice: a replayed assertion is invalid_grant, also after the first token expired', async () => {
    const assertion = keyAssertion();
    expectToken(await grant(assertion));
    expectRefused(await grant(assertion), 'invalid_grant', 'The assertion jti has been used before');
    // The same jti in a new assertion is a replay as well.
    const jti = newJti();
    expectToken(await grant(keyAssertion({ claims: { jti } })));
    now += 5_000;
    expectRefused(await grant(keyAssertion({ claims: { jti } })), 'invalid_grant', 'The assertion jti has been used before');
  });

  it('TOKEN-21 sub, when present, must be the client_id', async () => {
    expectToken(await grant(keyAssertion({ claims: { sub: 'machine-key' } })));
    expectRefused(await grant(keyAssertion({ claims: { sub: 'someone-else' } })), 'invalid_grant', 'The assertion sub, when present, must be the client_id');
  });

  it('TOKEN-21 a missing, empty, unknown or unheld scope is invalid_scope', async () => {
    expectRefused(await grant(keyAssertion({ omit: ['scope'] })), 'invalid_scope', 'The assertion must have a scope claim (space-separated scopes)');
    expectRefused(await grant(keyAssertion({ claims: { scope: ' ' } })), 'invalid_scope', 'The assertion scope claim is empty');
    expectRefused(await grant(keyAssertion({ claims: { scope: 'nav:nothing' } })), 'invalid_scope', 'Scope not registered for this client: nav:nothing');
    expectRefused(await grant(keyAssertion({ claims: { scope: 'nav:api nav:other' } })), 'invalid_scope', 'Scope not registered for this client: nav:other');
    expectRefused(await grant(keyAssertion({ claims: { scope: ['nav:api'] } })), 'invalid_scope');
  });

  it('TOKEN-21 TOKEN-08 RS256 only, a kid of the client, and its signature', async () => {
    expectRefused(await grant(keyAssertion({ header: { alg: 'RS512' } })), 'invalid_grant', 'The assertion must be signed with RS256');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', kid: 'machine-key-1' })).toString('base64url')}.${Buffer.from(JSON.stringify({ iss: 'machine-key' })).toString('base64url')}.`;
    expectRefused(await grant(unsigned), 'invalid_grant', 'The assertion must be signed with RS256');
    expectRefused(await grant(keyAssertion({ header: { kid: 'unknown' } })), 'invalid_grant', 'The assertion kid names no registered key');
    expectRefused(await grant(keyAssertion({ header: { kid: undefined } })), 'invalid_grant', 'The assertion header must have a kid naming a registered key');
    expectRefused(await grant(keyAssertion({ key: await world.issue() })), 'invalid_grant', 'The assertion signature is invalid');
    expectRefused(await grant('not-a-jwt'), 'invalid_grant', 'The assertion is not a valid JWT');
  });

  it('TOKEN-21 the assertion is the only credential: a missing assertion, or another client authentication beside it, is invalid_grant', async () => {
    expectRefused(await postToken(provider, { grant_type: jwtBearerGrant }), 'invalid_grant', 'The assertion parameter is required for the jwt-bearer grant');
    expectRefused(await postToken(provider, { grant_type: jwtBearerGrant, assertion: keyAssertion() }, { authorization: 'Basic eDp5' }), 'invalid_grant', /send no other client credentials/);
    expectRefused(await grant(keyAssertion(), { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: keyAssertion() }), 'invalid_grant', /send no other client credentials/);
    expectRefused(await postToken(provider, { grant_type: jwtBearerGrant, assertion: keyAssertion(), client_secret: 'x' }), 'invalid_grant', /send no other client credentials/);
  });

  it('TOKEN-02 CLIENT-03 a machine client may not use the authorization_code or refresh_token grants (unauthorized_client)', async () => {
    const iat = now / 1000;
    const clientAssertion = signJws({ alg: 'RS256', kid: 'machine-key-1' }, { iss: 'machine-key', sub: 'machine-key', aud: issuer, iat, exp: iat + 60, jti: newJti() }, keyCredential.privateKey);
    const response = await postToken(provider, { grant_type: 'refresh_token', refresh_token: 'x', client_id: 'machine-key', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: clientAssertion });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toMatchObject({ error: 'unauthorized_client' });
  });
});

describe('CLIENT-03 a machine client has no browser flow', () => {
  it('CLIENT-03 AUTHZ-03 /authorize for a machine client ends on the error page with unauthorized_client, never a redirect', async () => {
    const response = await provider.app.inject({ method: 'GET', url: '/authorize?client_id=machine-key&response_type=code&scope=nav:api&redirect_uri=http%3A%2F%2Flocalhost%2Fcb' });
    expect(response.statusCode).toBe(400);
    expect(response.headers.location).toBeUndefined();
    expect(response.body).toContain('<code id="op-error-code">unauthorized_client</code>');
  });

  it('CLIENT-03 PAR-06 a machine client pushing an authorization request is refused with unauthorized_client', async () => {
    const iat = now / 1000;
    const clientAssertion = signJws({ alg: 'RS256', kid: 'machine-key-1' }, { iss: 'machine-key', sub: 'machine-key', aud: issuer, iat, exp: iat + 60, jti: newJti() }, keyCredential.privateKey);
    const response = await provider.app.inject({
      method: 'POST',
      url: '/par',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ client_id: 'machine-key', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: clientAssertion, response_type: 'code', scope: 'nav:api', redirect_uri: 'http://localhost/cb' }).toString(),
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toMatchObject({ error: 'unauthorized_client' });
  });
});

describe('TOKEN-08 business certificates in the JWT-bearer grant', () => {
  it('TOKEN-08 a chain to the trusted test CA is accepted; each broken rule is invalid_grant naming it', async () => {
    expectToken(await grant(certificateAssertion(await world.issue())));
    const cases: [Credential, string | RegExp][] = [
      [await world.issue({ notBefore: now - 400 * day, notAfter: now - day }), 'The business certificate has expired'],
      [await world.issue({ selfSigned: true }), 'The business certificate is self-signed'],
      [await world.issue({ orgno: otherOrgno }), "The organisation number of the business certificate does not match the client's client_orgno"],
      [await world.issue({ issuer: world.strangerIssuing, chain: [world.strangerIssuing, world.strangerRoot] }), 'The business certificate does not chain to a trusted CA (untrusted chain)'],
      [await world.issue({ keys: world.weakKeys }), 'The business certificate must hold an RSA key of at least 2048 bits'],
      [await world.issue({ keyUsage: KeyUsageFlags.keyEncipherment }), 'The key usage of the business certificate does not allow digital signatures'],
    ];
    for (const [credential, description] of cases) expectRefused(await grant(certificateAssertion(credential)), 'invalid_grant', description);
  });

  it('TOKEN-08 a business certificate revoked by OP_CRL_FILE is invalid_grant', async () => {
    const revoked = await world.issue();
    const withCrl = await startTestProvider({ clients: clientsFor(keyCredential), scopes, env: { OP_ISSUER: issuer, OP_CRL_FILE: world.crlFile(await world.crl(world.issuing, [revoked.serialNumber])) }, clock: () => now });
    try {
      expectRefused(await grant(certificateAssertion(revoked), {}, withCrl), 'invalid_grant', 'The business certificate, or a CA certificate in its chain, has been revoked');
      expectToken(await grant(certificateAssertion(await world.issue()), {}, withCrl));
    } finally {
      await withCrl.close();
    }
  });

  it('TOKEN-08 a client without registered keys must send x5c', async () => {
    const credential = await world.issue();
    const iat = now / 1000;
    const kidOnly = signJws({ alg: 'RS256', kid: 'machine-key-1' }, { aud: issuer, iss: 'machine-cert', scope: 'nav:api', iat, exp: iat + 60, jti: newJti() }, credential.privateKey);
    expectRefused(await grant(kidOnly), 'invalid_grant', 'The client has no registered keys: the assertion header must carry x5c with its business certificate chain');
  });
});

describe('TOKEN-20 AT-01 the scopes decide the token', () => {
  it('TOKEN-20 at_max_age caps expires_in and exp; the lowest across the scopes wins; 0 is no cap', async () => {
    const capped = expectToken(await grant(keyAssertion({ claims: { scope: 'nav:api nav:short' } })));
    expect(capped.expires_in).toBe(30);
    expect(decodeJwt(capped.access_token).exp).toBe(now / 1000 + 30);
    expect(expectToken(await grant(keyAssertion({ claims: { scope: 'nav:short nav:shorter' } }))).expires_in).toBe(20);
    expect(expectToken(await grant(keyAssertion({ claims: { scope: 'nav:nocap' } }))).expires_in).toBe(120);
  });

  it('AT-01 a scope with token_type OPAQUE gives an opaque handle that introspection resolves to the claims', async () => {
    const body = expectToken(await grant(keyAssertion({ claims: { scope: 'nav:api nav:opaque', resource: 'https://api.example.no/' } })));
    expect(body.access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const answer = (await introspect(body.access_token)).json<Record<string, unknown>>();
    expect(answer).toMatchObject({ active: true, token_type: 'Bearer', scope: 'nav:api nav:opaque', client_id: 'machine-key', client_amr: 'private_key_jwt', aud: 'https://api.example.no/', iss: issuer, exp: now / 1000 + 120, expires_in: 120 });
    expect(answer.sub).toBeUndefined();
    expect(answer.pid).toBeUndefined();
  });

  it('AT-08 REVOKE-03 a machine token, JWT or opaque, is revoked through /token/revoke by its client and then inactive', async () => {
    const clientAuth = () => {
      const iat = now / 1000;
      return { client_id: 'machine-key', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: signJws({ alg: 'RS256', kid: 'machine-key-1' }, { iss: 'machine-key', sub: 'machine-key', aud: issuer, iat, exp: iat + 60, jti: newJti() }, keyCredential.privateKey) };
    };
    for (const scope of ['nav:api', 'nav:opaque']) {
      const { access_token } = expectToken(await grant(keyAssertion({ claims: { scope } })));
      expect((await introspect(access_token)).json()).toMatchObject({ active: true });
      const revoked = await provider.app.inject({ method: 'POST', url: '/token/revoke', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ token: access_token, ...clientAuth() }).toString() });
      expect(revoked.statusCode, revoked.body).toBe(200);
      expect((await introspect(access_token)).body).toBe('{"active":false}');
    }
  });

  it('UI-02 a machine token has no profile scope: /userinfo answers 403 insufficient_scope', async () => {
    const { access_token } = expectToken(await grant(keyAssertion()));
    const response = await provider.app.inject({ method: 'GET', url: '/userinfo', headers: { authorization: `Bearer ${access_token}` } });
    expect(response.statusCode).toBe(403);
    expect(response.headers['www-authenticate']).toContain('error="insufficient_scope"');
  });
});

describe('TOKEN-21 one jti, two instances, one Redis', () => {
  let a: TestProvider;
  let b: TestProvider;
  const prefix = uniquePrefix('jti-race');
  beforeAll(async () => {
    a = await startTestProvider({ clients: clientsFor(keyCredential), scopes, env: { OP_ISSUER: issuer }, prefix, clock: () => now });
    b = await startTestProvider({ clients: clientsFor(keyCredential), scopes, env: { OP_ISSUER: issuer }, prefix, clock: () => now });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('TOKEN-21 the same assertion sent at once to two instances gives exactly one token, and the loser leaves no token record behind', async () => {
    const rounds = 25;
    let granted = 0;
    for (let i = 0; i < rounds; i++) {
      const assertion = keyAssertion();
      const [first, second] = await Promise.all([grant(assertion, {}, a), grant(assertion, {}, b)]);
      const statuses = [first.statusCode, second.statusCode].sort();
      expect(statuses).toEqual([200, 400]);
      const loser = first.statusCode === 400 ? first : second;
      expect(loser.json()).toEqual({ error: 'invalid_grant', error_description: 'The assertion jti has been used before' });
      granted++;
    }
    expect(granted).toBe(rounds);
    const tokenRecords = [...(await listKeys(prefix)).keys()].filter((key) => key.startsWith(`${prefix}{at:`));
    expect(tokenRecords).toHaveLength(rounds);
  });
});
