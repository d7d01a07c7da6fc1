// Client authentication (TOKEN-03…TOKEN-09, ERR-03, ERR-04) through authenticateClient, with a
// registry built by parseClientRecords, a real Redis store for the jti replay markers (TOKEN-07)
// and a fixed clock. Every refusal goes through `rejects`, which checks code, status, the Basic
// challenge rule of ERR-04 and that nothing secret leaked into the error (ERR-03).
import { randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAuthError, type OAuthErrorCode } from '../src/errors.js';
import {
  JWT_BEARER_ASSERTION_TYPE,
  authenticateClient,
  type ClientAuthContext,
  type ClientAuthInput,
} from '../src/protocol/client-authentication/index.js';
import { StaticClientRegistry, parseClientRecords } from '../src/registry/client-registry.js';
import { AssertionJtiStore } from '../src/store/assertion-jtis.js';
import { keySpace, type KeySpace } from '../src/store/keys.js';
import { createRedisClient, parseRedisUrl } from '../src/store/redis-connection.js';
import { RedisStore } from '../src/store/redis-store.js';
import { deleteKeys, listKeys, testRedisUrl, uniquePrefix } from './support/redis.js';
import { basic, formEncode, orgno } from './support/vocabulary.js';

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const NOW_S = NOW / 1000;
const ISSUER = 'https://op.example.com';
const TOKEN_URL = `${ISSUER}/token`;
const CHALLENGE = `Basic realm="${ISSUER}"`;

const BASIC_ID = 'basic-web';
const BASIC_SECRET = 'basic-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
const ODD_ID = 'odd:id%+x';
const ODD_SECRET = 'se:cr%et+ with spaces :and: 0123456789-abcdefghij';
const POST_ID = 'post-web';
const POST_SECRET = 'post-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
const EXPIRING_ID = 'expiring-web';
const EXPIRING_SECRET = 'expiring-secret-0123456789-abcdefghijklmnopqrstuvw';
const EXPIRING_AT_S = NOW_S + 60;
const INACTIVE_ID = 'inactive-web';
const INACTIVE_SECRET = 'inactive-secret-0123456789-abcdefghijklmnopqrstuvw';
const JWT_ID = 'jwt-web';
const JWT_KID = 'jwt-web-key-1';
const OTHER_JWT_ID = 'jwt-other';
const OTHER_JWT_KID = 'jwt-other-key-1';
const PUBLIC_ID = 'spa-1';
const WRONG_SECRET = 'wrong-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

const SECRETS = [BASIC_SECRET, ODD_SECRET, POST_SECRET, EXPIRING_SECRET, INACTIVE_SECRET, WRONG_SECRET];

const baseRecord = {
  client_orgno: orgno,
  integration_type: 'idporten',
  application_type: 'web',
  grant_types: ['authorization_code', 'refresh_token'],
  redirect_uris: ['https://rp.example.com/callback'],
  post_logout_redirect_uris: ['https://rp.example.com/logged-out'],
};

type Keys = Awaited<ReturnType<typeof generateKeyPair>>;

let jwtKeys: Keys;
let otherJwtKeys: Keys;
let strangerKeys: Keys;
let psKeys: Keys;
let registry: StaticClientRegistry;
let store: RedisStore;
let keys: KeySpace;
let prefix: string;

async function publicJwk(pair: Keys, kid: string): Promise<JWK> {
  return { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' };
}

beforeAll(async () => {
  [jwtKeys, otherJwtKeys, strangerKeys, psKeys] = await Promise.all([
    generateKeyPair('RS256'),
    generateKeyPair('RS256'),
    generateKeyPair('RS256'),
    generateKeyPair('PS256'),
  ]);
  const records = [
    { ...baseRecord, client_id: BASIC_ID, client_name: 'Basic', token_endpoint_auth_method: 'client_secret_basic', client_secret: BASIC_SECRET },
    { ...baseRecord, client_id: ODD_ID, client_name: 'Odd', token_endpoint_auth_method: 'client_secret_basic', client_secret: ODD_SECRET },
    { ...baseRecord, client_id: POST_ID, client_name: 'Post', token_endpoint_auth_method: 'client_secret_post', client_secret: POST_SECRET },
    {
      ...baseRecord,
      client_id: EXPIRING_ID,
      client_name: 'Expiring',
      token_endpoint_auth_method: 'client_secret_post',
      client_secret: EXPIRING_SECRET,
      client_secret_expires_at: EXPIRING_AT_S,
    },
    {
      ...baseRecord,
      client_id: INACTIVE_ID,
      client_name: 'Inactive',
      token_endpoint_auth_method: 'client_secret_post',
      client_secret: INACTIVE_SECRET,
      active: false,
    },
    { ...baseRecord, client_id: JWT_ID, client_name: 'JWT', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [await publicJwk(jwtKeys, JWT_KID)] } },
    {
      ...baseRecord,
      client_id: OTHER_JWT_ID,
      client_name: 'Other JWT',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [await publicJwk(otherJwtKeys, OTHER_JWT_KID)] },
    },
    {
      ...baseRecord,
      client_id: PUBLIC_ID,
      client_name: 'SPA',
      application_type: 'browser',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['https://spa.example.com/callback'],
      post_logout_redirect_uris: ['https://spa.example.com/'],
    },
  ];
  registry = new StaticClientRegistry(parseClientRecords(records, 'test').clients);

  prefix = uniquePrefix('clientauth');
  keys = keySpace(prefix);
  const topology = parseRedisUrl(testRedisUrl);
  store = new RedisStore(createRedisClient(topology), topology, keys.usedMarker);
  await store.connect();
});

afterAll(async () => {
  await deleteKeys(prefix);
  await store.close();
});

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function ctx(overrides: Partial<ClientAuthContext> = {}): ClientAuthContext {
  const jtis = new AssertionJtiStore(store, keys);
  return { registry, issuer: ISSUER, audiences: [ISSUER, TOKEN_URL], clock: () => NOW, rememberAssertionJti: (clientId, jti, ttlMs) => jtis.remember(clientId, jti, ttlMs), ...overrides };
}

const rawBasic = (decoded: string | Buffer): string => `Basic ${Buffer.from(decoded).toString('base64')}`;
const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

type Body = ClientAuthInput['body'];
const input = (body: Body, authorization?: string): ClientAuthInput => ({ authorization, body });

type Claims = Record<string, unknown>;
interface SignOptions {
  /** null: no kid header. */
  kid?: string | null;
  alg?: string;
  key?: Keys['privateKey'] | Uint8Array;
}

const defaultClaims = (): Claims => ({ iss: JWT_ID, sub: JWT_ID, aud: TOKEN_URL, iat: NOW_S, exp: NOW_S + 60, jti: randomUUID() });
const withoutUndefined = (claims: Claims): Claims => Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));

async function assertion(overrides: Claims = {}, options: SignOptions = {}): Promise<string> {
  const claims = withoutUndefined({ ...defaultClaims(), ...overrides });
  const kid = options.kid === undefined ? JWT_KID : options.kid;
  const header = { alg: options.alg ?? 'RS256', ...(kid === null ? {} : { kid }) };
  return new SignJWT(claims as JWTPayload).setProtectedHeader(header).sign(options.key ?? jwtKeys.privateKey);
}

const jwtBody = (clientAssertion: string, extra: Body = {}): Body => ({
  client_id: JWT_ID,
  client_assertion_type: JWT_BEARER_ASSERTION_TYPE,
  client_assertion: clientAssertion,
  ...extra,
});

/** Every error a test provoked, for the ERR-03 sweep at the end. */
const thrown: { error: OAuthError; forbidden: string[] }[] = [];

/** What must never appear in an error: every secret, and whatever credential this request carried. */
function forbiddenIn(request: ClientAuthInput): string[] {
  const out = [...SECRETS];
  for (const name of ['client_secret', 'client_assertion'] as const) {
    const value = request.body[name];
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      if (v.length >= 8) out.push(v);
      const signature = v.split('.')[2];
      if (signature && signature.length >= 8) out.push(signature);
    }
  }
  const token = request.authorization?.split(' ')[1];
  if (token && token.length >= 8) out.push(token);
  return out;
}

function expectNothingSecret(error: OAuthError, forbidden: readonly string[]): void {
  const visible = [error.description, error.message, error.detail ?? '', JSON.stringify(error.toJSON())];
  for (const text of visible) for (const secret of forbidden) expect(text).not.toContain(secret);
}

interface Expected {
  error: OAuthErrorCode;
  description?: string | RegExp;
}

/** Run a request that must fail and check the ERR-04 status and challenge rules on the way. */
async function rejects(request: ClientAuthInput, expected: Expected, context: ClientAuthContext = ctx()): Promise<OAuthError> {
  const outcome: unknown = await authenticateClient(request, context).then(
    () => 'resolved',
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(OAuthError);
  const error = outcome as OAuthError;
  const forbidden = forbiddenIn(request);
  thrown.push({ error, forbidden });
  expect(error.error).toBe(expected.error);
  if (typeof expected.description === 'string') expect(error.description).toBe(expected.description);
  else if (expected.description) expect(error.description).toMatch(expected.description);
  // ERR-04: 401 for invalid_client, with the Basic challenge exactly when the header was used.
  if (error.error === 'invalid_client') {
    expect(error.status).toBe(401);
    expect(error.wwwAuthenticate).toBe(request.authorization !== undefined ? CHALLENGE : undefined);
  } else {
    expect(error.status).toBe(400);
    expect(error.wwwAuthenticate).toBeUndefined();
  }
  expectNothingSecret(error, forbidden);
  return error;
}

// Test mode names the cause after the generic words; prod says only the generic words (the
// prod-mode HTTP test in client-assertions.test.ts).
const FAILED = /^Client authentication failed: /;

// ---------------------------------------------------------------------------------------------
// TOKEN-04 client_secret_basic
// ---------------------------------------------------------------------------------------------

describe('client_secret_basic', () => {
  it('TOKEN-04 accepts the registered id and secret in a Basic header', async () => {
    const result = await authenticateClient(input({ grant_type: 'authorization_code' }, basic(BASIC_ID, BASIC_SECRET)), ctx());
    expect(result.method).toBe('client_secret_basic');
    expect(result.client.client_id).toBe(BASIC_ID);
  });

  it('TOKEN-04 form-urldecodes id and secret holding ":" "%" "+" and spaces, splitting at the first colon', async () => {
    const header = basic(ODD_ID, ODD_SECRET);
    expect(Buffer.from(header.slice(6), 'base64').toString()).toBe('odd%3Aid%25%2Bx:se%3Acr%25et%2B+with+spaces+%3Aand%3A+0123456789-abcdefghij');
    const result = await authenticateClient(input({}, header), ctx());
    expect(result).toMatchObject({ method: 'client_secret_basic', client: { client_id: ODD_ID } });
  });

  it('TOKEN-04 reads an unencoded ":" in the secret as part of the secret (only the first colon separates)', async () => {
    const result = await authenticateClient(input({}, rawBasic(`${ODD_ID.replace(':', '%3A').replace('%+', '%25%2B')}:${formEncode(ODD_SECRET).replace(/%3A/g, ':')}`)), ctx());
    expect(result.client.client_id).toBe(ODD_ID);
  });

  it('TOKEN-04 refuses the odd secret when "+" is sent unencoded (it decodes to a space)', async () => {
    const wrong = `${formEncode(ODD_ID)}:${formEncode(ODD_SECRET).replace('%2B', '+')}`;
    const error = await rejects(input({}, rawBasic(wrong)), { error: 'invalid_client', description: FAILED });
    expect(error.detail).toMatch(/wrong client secret/);
  });

  it('TOKEN-04 treats the scheme name case-insensitively', async () => {
    const header = basic(BASIC_ID, BASIC_SECRET).replace('Basic', 'bAsIc');
    expect((await authenticateClient(input({}, header), ctx())).client.client_id).toBe(BASIC_ID);
  });

  it('TOKEN-04 accepts a body client_id equal to the Basic id', async () => {
    const result = await authenticateClient(input({ client_id: ODD_ID }, basic(ODD_ID, ODD_SECRET)), ctx());
    expect(result.client.client_id).toBe(ODD_ID);
  });

  it('TOKEN-04 refuses a body client_id that differs from the Basic id with invalid_request', async () => {
    await rejects(input({ client_id: POST_ID }, basic(BASIC_ID, BASIC_SECRET)), { error: 'invalid_request', description: /does not match/ });
    // The form-encoded id is not the client_id: it must be decoded before the comparison.
    await rejects(input({ client_id: formEncode(ODD_ID) }, basic(ODD_ID, ODD_SECRET)), { error: 'invalid_request' });
  });

  it('TOKEN-04 refuses a wrong secret with 401 invalid_client and a Basic challenge', async () => {
    const error = await rejects(input({}, basic(BASIC_ID, WRONG_SECRET)), { error: 'invalid_client', description: FAILED });
    expect(error.wwwAuthenticate).toBe('Basic realm="https://op.example.com"');
    expect(error.detail).toMatch(/wrong client secret/);
  });

  it('TOKEN-04 answers an unknown client like a wrong secret but for the named cause (prod mode drops it)', async () => {
    const unknown = await rejects(input({}, basic('nobody', BASIC_SECRET)), { error: 'invalid_client' });
    const wrong = await rejects(input({}, basic(BASIC_ID, WRONG_SECRET)), { error: 'invalid_client' });
    expect(unknown.description).toBe('Client authentication failed: unknown or inactive client_id');
    expect(wrong.description).toBe('Client authentication failed: wrong client secret');
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.wwwAuthenticate).toBe(wrong.wwwAuthenticate);
    expect(unknown.detail).toMatch(/unknown or inactive client/);
    expect(unknown.detail).not.toBe(wrong.detail);
  });

  it.each([
    ['no credentials after the scheme', 'Basic', 'not base64'],
    ['only spaces after the scheme', 'Basic    ', 'not base64'],
    ['characters outside base64', 'Basic !!!notbase64!!!', 'not base64'],
    ['base64 with a wrong length', 'Basic YmFzaWMtd2ViOnNlY3JldA', 'not base64'],
    ['base64url instead of base64', `Basic ${Buffer.from('a?b>:c?d>').toString('base64url')}`, 'not base64'],
    ['no colon', rawBasic('basic-web'), 'no colon'],
    ['a bad escape in the id', rawBasic(`basic%zz:${BASIC_SECRET}`), 'bad percent-encoding'],
    ['a truncated escape in the secret', rawBasic(`${BASIC_ID}:${BASIC_SECRET}%4`), 'bad percent-encoding'],
    ['an escape of invalid UTF-8', rawBasic(`${BASIC_ID}:%C3%28${BASIC_SECRET}`), 'bad percent-encoding'],
    ['bytes that are not UTF-8', rawBasic(Buffer.concat([Buffer.from(`${BASIC_ID}:`), Buffer.from([0xff, 0xfe])])), 'not UTF-8'],
    ['an empty client id', rawBasic(`:${BASIC_SECRET}`), 'empty client_id'],
  ])('TOKEN-04 refuses a malformed Basic header (%s) with 401 invalid_client and a challenge', async (_, header, why) => {
    const error = await rejects(input({}, header), { error: 'invalid_client', description: 'The Basic authorization header is malformed' });
    expect(error.wwwAuthenticate).toBe(CHALLENGE);
    expect(error.detail).toContain(why);
  });

  it('TOKEN-04 refuses another Authorization scheme (Bearer) with 401 invalid_client', async () => {
    const error = await rejects(input({ client_id: PUBLIC_ID }, 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln'), { error: 'invalid_client', description: /Basic/ });
    // RFC 7235 §3.1: a 401 carries a challenge; Basic is the only scheme we offer.
    expect(error.wwwAuthenticate).toBe(CHALLENGE);
  });
});

// ---------------------------------------------------------------------------------------------
// TOKEN-05 client_secret_post
// ---------------------------------------------------------------------------------------------

describe('client_secret_post', () => {
  it('TOKEN-05 accepts client_id and client_secret as form fields', async () => {
    const result = await authenticateClient(input({ client_id: POST_ID, client_secret: POST_SECRET, grant_type: 'refresh_token' }), ctx());
    expect(result).toMatchObject({ method: 'client_secret_post', client: { client_id: POST_ID } });
  });

  it('TOKEN-05 refuses a wrong secret with 401 invalid_client and no challenge', async () => {
    const error = await rejects(input({ client_id: POST_ID, client_secret: WRONG_SECRET }), { error: 'invalid_client', description: FAILED });
    expect(error.wwwAuthenticate).toBeUndefined();
  });

  it('TOKEN-05 refuses an empty secret', async () => {
    await rejects(input({ client_id: POST_ID, client_secret: '' }), { error: 'invalid_client', description: FAILED });
  });

  it('TOKEN-05 answers an unknown client like a wrong secret but for the named cause (prod mode drops it)', async () => {
    const unknown = await rejects(input({ client_id: 'nobody', client_secret: POST_SECRET }), { error: 'invalid_client' });
    const wrong = await rejects(input({ client_id: POST_ID, client_secret: WRONG_SECRET }), { error: 'invalid_client' });
    expect(unknown.description).toBe('Client authentication failed: unknown or inactive client_id');
    expect(wrong.description).toBe('Client authentication failed: wrong client secret');
    expect(unknown.detail).not.toBe(wrong.detail);
  });

  it('TOKEN-05 requires client_id beside client_secret (invalid_request)', async () => {
    await rejects(input({ client_secret: POST_SECRET }), { error: 'invalid_request', description: /client_id/ });
  });

  it('TOKEN-05 CLIENT-06 accepts a secret before its expiry and refuses it from the expiry on', async () => {
    const body = { client_id: EXPIRING_ID, client_secret: EXPIRING_SECRET };
    expect((await authenticateClient(input(body), ctx({ clock: () => EXPIRING_AT_S * 1000 - 1 }))).client.client_id).toBe(EXPIRING_ID);
    const error = await rejects(input(body), { error: 'invalid_client', description: FAILED }, ctx({ clock: () => EXPIRING_AT_S * 1000 }));
    expect(error.detail).toMatch(/expired/);
  });
});

// ---------------------------------------------------------------------------------------------
// TOKEN-03 exactly one method, the registered one
// ---------------------------------------------------------------------------------------------

describe('method selection', () => {
  it('TOKEN-03 refuses Basic plus client_secret in the body with invalid_request', async () => {
    await rejects(input({ client_id: BASIC_ID, client_secret: BASIC_SECRET }, basic(BASIC_ID, BASIC_SECRET)), {
      error: 'invalid_request',
      description: 'Use exactly one client authentication method',
    });
  });

  it('TOKEN-03 refuses Basic plus a client assertion with invalid_request', async () => {
    await rejects(input(jwtBody(await assertion()), basic(BASIC_ID, BASIC_SECRET)), { error: 'invalid_request', description: 'Use exactly one client authentication method' });
  });

  it('TOKEN-03 refuses client_secret plus a client assertion with invalid_request', async () => {
    await rejects(input(jwtBody(await assertion(), { client_secret: POST_SECRET })), { error: 'invalid_request', description: 'Use exactly one client authentication method' });
  });

  it('TOKEN-03 counts a lone client_assertion_type as the assertion method', async () => {
    await rejects(input({ client_id: POST_ID, client_secret: POST_SECRET, client_assertion_type: JWT_BEARER_ASSERTION_TYPE }), { error: 'invalid_request' });
  });

  it.each(['client_id', 'client_secret', 'client_assertion', 'client_assertion_type'])(
    'TOKEN-03 RFC 6749 §3.2 refuses a repeated %s with invalid_request',
    async (name) => {
      const body: Record<string, string | string[]> = { client_id: POST_ID, client_secret: POST_SECRET };
      body[name] = ['one-value-of-it', 'another-value-of-it'];
      await rejects(input(body), { error: 'invalid_request', description: new RegExp(`${name} parameter must not be repeated`) });
    },
  );

  it('TOKEN-03 refuses a client_secret_basic client that uses client_secret_post', async () => {
    const error = await rejects(input({ client_id: BASIC_ID, client_secret: BASIC_SECRET }), { error: 'invalid_client', description: /registered authentication method/ });
    expect(error.detail).toMatch(/registered client_secret_basic, used client_secret_post/);
  });

  it('TOKEN-03 refuses a client_secret_post client that uses Basic (with a challenge)', async () => {
    await rejects(input({}, basic(POST_ID, POST_SECRET)), { error: 'invalid_client', description: /registered authentication method/ });
  });

  it('TOKEN-03 refuses a private_key_jwt client that sends a secret', async () => {
    await rejects(input({ client_id: JWT_ID, client_secret: BASIC_SECRET }), { error: 'invalid_client' });
  });

  it('TOKEN-03 refuses a secret client that sends a client assertion', async () => {
    await rejects(input(jwtBody(await assertion({ iss: POST_ID, sub: POST_ID }), { client_id: POST_ID })), { error: 'invalid_client', description: /registered authentication method/ });
  });

  it('TOKEN-03 ERR-04 refuses a request with no credentials and no client_id with 401 invalid_client', async () => {
    const error = await rejects(input({ grant_type: 'authorization_code', code: 'abc' }), { error: 'invalid_client', description: FAILED });
    expect(error.wwwAuthenticate).toBeUndefined();
  });

  it('CLIENT-17 TOKEN-03 treats an inactive client as unknown, even with its right secret', async () => {
    const inactive = await rejects(input({ client_id: INACTIVE_ID, client_secret: INACTIVE_SECRET }), { error: 'invalid_client', description: FAILED });
    expect(inactive.detail).toMatch(/unknown or inactive/);
  });
});

// ---------------------------------------------------------------------------------------------
// TOKEN-09 none
// ---------------------------------------------------------------------------------------------

describe('none', () => {
  it('TOKEN-09 accepts a public client that sends only its client_id', async () => {
    const result = await authenticateClient(input({ client_id: PUBLIC_ID, grant_type: 'authorization_code' }), ctx());
    expect(result).toMatchObject({ method: 'none', client: { client_id: PUBLIC_ID, isPublic: true } });
  });

  it('TOKEN-09 refuses an unknown client_id', async () => {
    await rejects(input({ client_id: 'no-such-spa' }), { error: 'invalid_client', description: FAILED });
  });

  it.each([BASIC_ID, POST_ID, JWT_ID])('TOKEN-09 TOKEN-03 refuses confidential client %s sending only its client_id', async (clientId) => {
    const error = await rejects(input({ client_id: clientId }), { error: 'invalid_client' });
    expect(error.detail).toMatch(/used none/);
  });

  it('TOKEN-09 refuses a public client that sends a secret', async () => {
    await rejects(input({ client_id: PUBLIC_ID, client_secret: POST_SECRET }), { error: 'invalid_client' });
  });

  it('TOKEN-09 refuses a public client that uses a Basic header', async () => {
    await rejects(input({}, basic(PUBLIC_ID, POST_SECRET)), { error: 'invalid_client' });
  });
});

// ---------------------------------------------------------------------------------------------
// TOKEN-06…TOKEN-08 private_key_jwt
// ---------------------------------------------------------------------------------------------

describe('private_key_jwt: parameters', () => {
  it('TOKEN-06 accepts a valid assertion with client_id and the jwt-bearer assertion type', async () => {
    const result = await authenticateClient(input(jwtBody(await assertion())), ctx());
    expect(result).toMatchObject({ method: 'private_key_jwt', client: { client_id: JWT_ID } });
  });

  it('TOKEN-06 requires client_id beside the assertion (invalid_request)', async () => {
    await rejects(input(jwtBody(await assertion(), { client_id: undefined })), { error: 'invalid_request', description: /client_id/ });
  });

  it('TOKEN-06 refuses another client_assertion_type with invalid_client', async () => {
    const body = jwtBody(await assertion(), { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' });
    await rejects(input(body), { error: 'invalid_client', description: /client_assertion_type/ });
  });

  it('TOKEN-06 refuses an assertion without client_assertion_type with invalid_client', async () => {
    await rejects(input(jwtBody(await assertion(), { client_assertion_type: undefined })), { error: 'invalid_client', description: /client_assertion_type/ });
  });

  it('TOKEN-06 requires client_assertion beside client_assertion_type (invalid_request)', async () => {
    await rejects(input({ client_id: JWT_ID, client_assertion_type: JWT_BEARER_ASSERTION_TYPE }), { error: 'invalid_request', description: /client_assertion/ });
  });

  it('TOKEN-06 refuses a client_assertion that is not a JWT', async () => {
    await rejects(input(jwtBody('this-is-not-a-jwt-at-all')), { error: 'invalid_client', description: 'The client assertion is not a valid JWT' });
  });
});

describe('private_key_jwt: claims', () => {
  it('TOKEN-07 refuses iss different from client_id', async () => {
    await rejects(input(jwtBody(await assertion({ iss: OTHER_JWT_ID }))), { error: 'invalid_client', description: 'The client assertion iss must be the client_id' });
  });

  it('TOKEN-07 refuses sub different from client_id', async () => {
    await rejects(input(jwtBody(await assertion({ sub: 'someone-else' }))), { error: 'invalid_client', description: 'The client assertion sub must be the client_id' });
  });

  it.each(['iss', 'sub', 'aud', 'exp', 'iat'])('TOKEN-07 refuses an assertion without %s', async (claim) => {
    await rejects(input(jwtBody(await assertion({ [claim]: undefined }))), { error: 'invalid_client', description: `The client assertion must have the ${claim} claim` });
  });

  it('TOKEN-07 refuses a client_id that names another client than the assertion', async () => {
    // A valid assertion of jwt-web presented as jwt-other: jwt-other's keys do not know the kid.
    await rejects(input(jwtBody(await assertion(), { client_id: OTHER_JWT_ID })), { error: 'invalid_client' });
  });

  it('TOKEN-07 refuses an aud that is neither the issuer nor the endpoint, and any aud array', async () => {
    await rejects(input(jwtBody(await assertion({ aud: 'https://evil.example.com/token' }))), { error: 'invalid_client', description: /aud must be/ });
    for (const aud of [['https://a.example.com', 'https://b.example.com'], ['https://other.example.com', TOKEN_URL], [ISSUER]]) {
      await rejects(input(jwtBody(await assertion({ aud }))), { error: 'invalid_client', description: /aud must be one string/ });
    }
  });

  it('TOKEN-07 accepts aud = issuer and aud = endpoint', async () => {
    for (const aud of [ISSUER, TOKEN_URL]) {
      expect((await authenticateClient(input(jwtBody(await assertion({ aud }))), ctx())).method).toBe('private_key_jwt');
    }
  });

  it('TOKEN-07 accepts only the audiences the endpoint passes', async () => {
    const parUrl = `${ISSUER}/par`;
    const body = jwtBody(await assertion({ aud: TOKEN_URL }));
    await rejects(input(body), { error: 'invalid_client', description: /aud must be/ }, ctx({ audiences: [ISSUER, parUrl] }));
    expect((await authenticateClient(input(jwtBody(await assertion({ aud: parUrl }))), ctx({ audiences: [ISSUER, parUrl] }))).method).toBe('private_key_jwt');
  });

  it('TOKEN-07 accepts exp - iat = 120 and refuses exp - iat = 121', async () => {
    expect((await authenticateClient(input(jwtBody(await assertion({ iat: NOW_S - 1, exp: NOW_S + 119 }))), ctx())).method).toBe('private_key_jwt');
    await rejects(input(jwtBody(await assertion({ iat: NOW_S - 1, exp: NOW_S + 120 }))), { error: 'invalid_client', description: /at most 120 seconds/ });
  });

  it('TOKEN-07 refuses exp not after iat', async () => {
    await rejects(input(jwtBody(await assertion({ iat: NOW_S + 5, exp: NOW_S + 5 }))), { error: 'invalid_client', description: /exp must be after/ });
  });

  it('TOKEN-07 refuses an assertion from its exp on: the skew applies to iat only', async () => {
    await rejects(input(jwtBody(await assertion({ iat: NOW_S - 71, exp: NOW_S - 11 }))), { error: 'invalid_client', description: 'The client assertion has expired' });
    await rejects(input(jwtBody(await assertion({ iat: NOW_S - 65, exp: NOW_S - 1 }))), { error: 'invalid_client', description: 'The client assertion has expired' });
    await rejects(input(jwtBody(await assertion({ iat: NOW_S - 60, exp: NOW_S }))), { error: 'invalid_client', description: 'The client assertion has expired' });
  });

  it('TOKEN-07 refuses iat more than 10 s in the future and accepts it within the skew', async () => {
    await rejects(input(jwtBody(await assertion({ iat: NOW_S + 11, exp: NOW_S + 71 }))), { error: 'invalid_client', description: 'The client assertion iat is in the future' });
    expect((await authenticateClient(input(jwtBody(await assertion({ iat: NOW_S + 10, exp: NOW_S + 70 }))), ctx())).method).toBe('private_key_jwt');
  });

  it('TOKEN-07 judges time by the injected clock, not the wall clock', async () => {
    const body = jwtBody(await assertion({ iat: NOW_S, exp: NOW_S + 60 }));
    await rejects(input(body), { error: 'invalid_client', description: 'The client assertion has expired' }, ctx({ clock: () => NOW + 70_000 }));
  });

  it('TOKEN-07 refuses non-numeric exp or iat', async () => {
    await rejects(input(jwtBody(await assertion({ exp: String(NOW_S + 60) }))), { error: 'invalid_client', description: /exp claim is invalid/ });
    await rejects(input(jwtBody(await assertion({ iat: String(NOW_S) }))), { error: 'invalid_client', description: /iat claim is invalid/ });
  });
});

describe('private_key_jwt: jti', () => {
  it('TOKEN-07 refuses a second use of the same jti with invalid_client', async () => {
    const body = jwtBody(await assertion());
    expect((await authenticateClient(input(body), ctx())).method).toBe('private_key_jwt');
    await rejects(input(body), { error: 'invalid_client', description: 'The client assertion jti has been used before' });
    // A new assertion with the same jti is just as much a replay.
    const jti = (JSON.parse(Buffer.from(body.client_assertion!.toString().split('.')[1]!, 'base64url').toString()) as { jti: string }).jti;
    await rejects(input(jwtBody(await assertion({ jti, iat: NOW_S - 1, exp: NOW_S + 30 }))), { error: 'invalid_client', description: 'The client assertion jti has been used before' });
  });

  it('TOKEN-07 lets exactly one of two concurrent uses of one jti through', async () => {
    for (let round = 0; round < 5; round++) {
      const body = jwtBody(await assertion());
      const outcomes = await Promise.allSettled([authenticateClient(input(body), ctx()), authenticateClient(input(body), ctx())]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(refused?.reason).toBeInstanceOf(OAuthError);
      expect((refused!.reason as OAuthError).description).toBe('The client assertion jti has been used before');
    }
  });

  it('TOKEN-07 remembers the jti per client, until exp plus the skew', async () => {
    const jti = `shared-${randomUUID()}`;
    const exp = NOW_S + 45;
    expect((await authenticateClient(input(jwtBody(await assertion({ jti, exp }))), ctx())).client.client_id).toBe(JWT_ID);
    const other = await assertion({ jti, exp, iss: OTHER_JWT_ID, sub: OTHER_JWT_ID }, { kid: OTHER_JWT_KID, key: otherJwtKeys.privateKey });
    expect((await authenticateClient(input(jwtBody(other, { client_id: OTHER_JWT_ID })), ctx())).client.client_id).toBe(OTHER_JWT_ID);

    const stored = await listKeys(prefix);
    const ttl = stored.get(keys.assertionJti(JWT_ID, jti));
    const expected = (exp + 10) * 1000 - NOW;
    expect(ttl).toBeDefined();
    expect(ttl!).toBeLessThanOrEqual(expected);
    expect(ttl!).toBeGreaterThan(expected - 5_000);
    expect(stored.has(keys.assertionJti(OTHER_JWT_ID, jti))).toBe(true);
  });

  it('TOKEN-07 does not spend the jti of an assertion that fails another check', async () => {
    const jti = randomUUID();
    await rejects(input(jwtBody(await assertion({ jti, aud: 'https://evil.example.com' }))), { error: 'invalid_client', description: /aud must be/ });
    await rejects(input(jwtBody(await assertion({ jti }, { key: strangerKeys.privateKey }))), { error: 'invalid_client', description: /signature/ });
    expect((await authenticateClient(input(jwtBody(await assertion({ jti }))), ctx())).method).toBe('private_key_jwt');
  });

  it('TOKEN-07 refuses an assertion without jti by default, and accepts it when requireJti is off', async () => {
    const body = jwtBody(await assertion({ jti: undefined }));
    await rejects(input(body), { error: 'invalid_client', description: 'The client assertion must have a jti' });
    expect((await authenticateClient(input(body), ctx({ requireJti: false }))).method).toBe('private_key_jwt');
  });

  it('TOKEN-07 refuses a jti that is not a string', async () => {
    await rejects(input(jwtBody(await assertion({ jti: 42 }))), { error: 'invalid_client', description: /jti must be a non-empty string/ });
  });
});

describe('private_key_jwt: signature', () => {
  it('TOKEN-08 refuses an unsigned alg=none assertion', async () => {
    const unsigned = `${b64url({ alg: 'none', kid: JWT_KID })}.${b64url(defaultClaims())}.`;
    await rejects(input(jwtBody(unsigned)), { error: 'invalid_client', description: 'The client assertion must be signed with RS256' });
  });

  it('TOKEN-08 RFC 7515 §4.1.11 refuses a correctly signed assertion with a crit header extension it does not understand', async () => {
    const claims = withoutUndefined({ ...defaultClaims() });
    // Signed by hand: jose itself refuses to sign a crit it does not know.
    const signingInput = `${b64url({ alg: 'RS256', kid: JWT_KID, crit: ['urn:example:must-understand'], 'urn:example:must-understand': true })}.${b64url(claims)}`;
    const critical = `${signingInput}.${sign('sha256', Buffer.from(signingInput), jwtKeys.privateKey as unknown as KeyObject).toString('base64url')}`;
    await rejects(input(jwtBody(critical)), { error: 'invalid_client', description: 'The client assertion signature is invalid' });
  });

  it('TOKEN-08 refuses an HS256 assertion', async () => {
    const hs = await assertion({}, { alg: 'HS256', key: randomBytes(32) });
    await rejects(input(jwtBody(hs)), { error: 'invalid_client', description: 'The client assertion must be signed with RS256' });
  });

  it('TOKEN-08 refuses a PS256 assertion', async () => {
    const ps = await assertion({}, { alg: 'PS256', key: psKeys.privateKey });
    await rejects(input(jwtBody(ps)), { error: 'invalid_client', description: 'The client assertion must be signed with RS256' });
  });

  it('TOKEN-08 refuses an assertion without kid', async () => {
    await rejects(input(jwtBody(await assertion({}, { kid: null }))), { error: 'invalid_client', description: /must have a kid/ });
  });

  it('TOKEN-08 refuses a kid that is not registered for the client', async () => {
    await rejects(input(jwtBody(await assertion({}, { kid: 'unknown-kid' }))), { error: 'invalid_client', description: 'The client assertion kid names no registered key' });
    // Another client's kid (and key) does not count either.
    const foreign = await assertion({}, { kid: OTHER_JWT_KID, key: otherJwtKeys.privateKey });
    await rejects(input(jwtBody(foreign)), { error: 'invalid_client', description: 'The client assertion kid names no registered key' });
  });

  it('TOKEN-08 refuses a signature made by another key under the registered kid', async () => {
    await rejects(input(jwtBody(await assertion({}, { key: strangerKeys.privateKey }))), { error: 'invalid_client', description: 'The client assertion signature is invalid' });
  });

  it('TOKEN-08 refuses an assertion whose payload was altered after signing', async () => {
    const [h, , s] = (await assertion()).split('.');
    const tampered = `${h}.${b64url({ ...defaultClaims(), exp: NOW_S + 100 })}.${s}`;
    await rejects(input(jwtBody(tampered)), { error: 'invalid_client', description: 'The client assertion signature is invalid' });
  });
});

// ---------------------------------------------------------------------------------------------
// ERR-03 / ERR-04 over everything above
// ---------------------------------------------------------------------------------------------

describe('errors', () => {
  it('ERR-04 invalid_request is 400 without a challenge even when a Basic header was sent', async () => {
    const error = await rejects(input({ client_id: 'someone-else' }, basic(BASIC_ID, BASIC_SECRET)), { error: 'invalid_request' });
    expect(error.status).toBe(400);
    expect(error.wwwAuthenticate).toBeUndefined();
  });

  it('ERR-03 no error description, message or detail contains a secret or an assertion', () => {
    // This runs last in the file: `thrown` holds every refusal the tests above provoked.
    expect(thrown.length).toBeGreaterThan(60);
    for (const { error, forbidden } of thrown) {
      expectNothingSecret(error, forbidden);
      expect(error.description).toMatch(/^[\x20-\x7e]+$/);
      expect(error.description.length).toBeLessThanOrEqual(120);
    }
  });
});
