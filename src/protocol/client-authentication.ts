// Client authentication at /token, /par, /token/revoke and /token/introspect (TOKEN-03…TOKEN-09,
// PAR-02, REVOKE-02, INTROSPECT-02): RFC 6749 §2.3 and §2.3.1 (client_secret_basic,
// client_secret_post), RFC 7523 §2.2 and §3 with RFC 7521 §4.2 (private_key_jwt), RFC 6749 §2.1
// (none). Every failure is an OAuthError: invalid_request (400) for a malformed request,
// invalid_client (401, ERR-04) for failed authentication, with a Basic challenge whenever the
// client used the Authorization header (RFC 6749 §5.2). Descriptions never carry a secret or an
// assertion (ERR-03). Pure apart from the jti replay marker (TOKEN-07), which is one SET NX.
import { createLocalJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { Clock } from '../clock.js';
import { OAuthError } from '../errors.js';
import { verifyClientSecret, type ClientRegistry, type RegisteredClient } from '../registry/client-registry.js';
import type { KeySpace } from '../store/keys.js';
import type { Store } from '../store/store.js';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

export interface ClientAuthInput {
  /** The Authorization header, if any. */
  authorization: string | undefined;
  /** The parsed form body: @fastify/formbody turns a repeated key into an array. */
  body: Readonly<Record<string, string | string[] | undefined>>;
}

export interface ClientAuthContext {
  registry: ClientRegistry;
  issuer: string;
  /** Values accepted as the assertion's aud: the issuer and the endpoint's own URL(s). */
  audiences: readonly string[];
  /** Milliseconds since the epoch. */
  clock: Clock;
  store: Store;
  keys: KeySpace;
  /** TOKEN-07 flag requireJti (default false): refuse assertions without jti. */
  requireJti?: boolean;
}

export interface AuthenticatedClient {
  client: RegisteredClient;
  method: ClientAuthMethod;
}

/** RFC 7523 §2.2: the one client_assertion_type this provider accepts. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** TOKEN-07 (choice): clock skew tolerated on exp and iat, in seconds. */
const CLOCK_SKEW_S = 10;
/** TOKEN-07: longest accepted assertion lifetime, exp − iat, in seconds. */
const MAX_ASSERTION_LIFETIME_S = 120;

const GENERIC_FAILURE = 'Client authentication failed';

/** A body parameter for the log: never a credential, bounded and quoted. */
const quote = (value: string): string => JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}...` : value);

type Fail = (description: string, detail: string) => OAuthError;

/**
 * Authenticate the client of a back-channel request with exactly its registered method.
 * Resolves to the client and the method it used, or throws an OAuthError.
 */
export async function authenticateClient(input: ClientAuthInput, context: ClientAuthContext): Promise<AuthenticatedClient> {
  const now = context.clock();
  const { body } = input;
  const usedHeader = input.authorization !== undefined;

  // ERR-04 RFC 6749 §5.2: a client that tried the Authorization header gets 401 with a challenge.
  // Basic is the only header scheme we accept, so it is the challenge even for another scheme.
  const fail: Fail = (description, detail) =>
    new OAuthError('invalid_client', description, {
      status: 401,
      detail,
      ...(usedHeader ? { wwwAuthenticate: `Basic realm="${context.issuer}"` } : {}),
    });

  // TOKEN-03 RFC 6749 §3.2: parameters MUST NOT be repeated; a repeated credential is also
  // "multiple credentials" (RFC 6749 §5.2).
  for (const name of ['client_id', 'client_secret', 'client_assertion', 'client_assertion_type'] as const) {
    if (Array.isArray(body[name])) {
      throw new OAuthError('invalid_request', `The ${name} parameter must not be repeated`, { detail: `repeated body parameter ${name}` });
    }
  }
  const bodyClientId = body.client_id as string | undefined;
  const bodySecret = body.client_secret as string | undefined;
  const assertion = body.client_assertion as string | undefined;
  const assertionType = body.client_assertion_type as string | undefined;

  const basic = input.authorization === undefined ? undefined : parseBasicAuthorization(input.authorization, fail);

  // TOKEN-03 RFC 6749 §2.3: "MUST NOT use more than one authentication method in each request".
  const present: ClientAuthMethod[] = [];
  if (basic) present.push('client_secret_basic');
  if (bodySecret !== undefined) present.push('client_secret_post');
  if (assertion !== undefined || assertionType !== undefined) present.push('private_key_jwt');
  if (present.length > 1) {
    throw new OAuthError('invalid_request', 'Use exactly one client authentication method', { detail: `methods present: ${present.join(', ')}` });
  }
  const method: ClientAuthMethod = present[0] ?? 'none';

  let clientId: string;
  switch (method) {
    case 'client_secret_basic':
      clientId = basic!.clientId;
      // TOKEN-04: a client_id beside the header must name the same client, or the request is ambiguous.
      if (bodyClientId !== undefined && bodyClientId !== clientId) {
        throw new OAuthError('invalid_request', 'The client_id parameter does not match the Authorization header', {
          detail: `Basic client_id ${quote(clientId)}, body client_id ${quote(bodyClientId)}`,
        });
      }
      break;
    case 'client_secret_post':
      // TOKEN-05 RFC 6749 §2.3.1: client_id and client_secret travel together in the body.
      if (bodyClientId === undefined || bodyClientId === '') {
        throw new OAuthError('invalid_request', 'The client_id parameter is required with client_secret', { detail: 'client_secret without client_id' });
      }
      clientId = bodyClientId;
      break;
    case 'private_key_jwt':
      // TOKEN-06 RFC 7521 §4.2, RFC 7523 §2.2: the one assertion type; anything else is a failed authentication.
      if (assertionType !== JWT_BEARER_ASSERTION_TYPE) {
        throw fail('The client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer', `client_assertion_type ${quote(assertionType ?? '(missing)')}`);
      }
      if (assertion === undefined || assertion === '') {
        throw new OAuthError('invalid_request', 'The client_assertion parameter is required', { detail: 'client_assertion_type without client_assertion' });
      }
      // TOKEN-06 (ID-porten, Core 9): client_id is REQUIRED beside the assertion.
      if (bodyClientId === undefined || bodyClientId === '') {
        throw new OAuthError('invalid_request', 'The client_id parameter is required with client_assertion', { detail: 'client_assertion without client_id' });
      }
      clientId = bodyClientId;
      break;
    case 'none':
      // ERR-04 RFC 6749 §5.2: "no client authentication included" is invalid_client.
      if (bodyClientId === undefined || bodyClientId === '') throw fail(GENERIC_FAILURE, 'no client authentication and no client_id');
      clientId = bodyClientId;
      break;
  }

  // CLIENT-17: an unknown or inactive client fails exactly like a wrong secret (the description
  // must not tell them apart); the log does.
  const client = context.registry.find(clientId);
  if (!client) throw fail(GENERIC_FAILURE, `unknown or inactive client ${quote(clientId)} (method ${method})`);

  // TOKEN-03 RFC 6749 §2.3: only the registered method counts; this also stops a confidential
  // client from passing as public by sending client_id alone (TOKEN-09).
  if (method !== client.token_endpoint_auth_method) {
    throw fail('The client must use its registered authentication method', `client ${quote(clientId)} registered ${client.token_endpoint_auth_method}, used ${method}`);
  }

  switch (method) {
    case 'client_secret_basic':
    case 'client_secret_post': {
      const presented = method === 'client_secret_basic' ? basic!.secret : bodySecret!;
      // TOKEN-04, TOKEN-05 CLIENT-06: constant-time comparison of hashes; an expired secret fails.
      if (!verifyClientSecret(client, presented, now)) {
        const expired = client.secret?.expiresAt !== undefined && now >= client.secret.expiresAt;
        throw fail(GENERIC_FAILURE, `client ${quote(clientId)}: ${expired ? 'client secret expired' : 'wrong client secret'} (${method})`);
      }
      break;
    }
    case 'private_key_jwt':
      await verifyClientAssertion(assertion!, client, now, context, fail);
      break;
    case 'none':
      // TOKEN-09 RFC 6749 §2.1: a public client has no credentials; being registered as such suffices.
      break;
  }
  return { client, method };
}

interface BasicCredentials {
  clientId: string;
  secret: string;
}

const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** RFC 6749 Appendix B: application/x-www-form-urlencoded decoding; undefined on a bad escape. */
function formUrlDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * TOKEN-04 RFC 6749 §2.3.1, RFC 7617 §2: `Basic base64(urlenc(client_id) ":" urlenc(secret))`.
 * Throws invalid_client for another scheme or a malformed value.
 */
function parseBasicAuthorization(header: string, fail: Fail): BasicCredentials {
  const space = header.indexOf(' ');
  const scheme = space === -1 ? header : header.slice(0, space);
  // RFC 7235 §2.1: the scheme name is case-insensitive.
  if (scheme.toLowerCase() !== 'basic') {
    throw fail('Only the Basic authorization scheme is accepted for client authentication', `Authorization scheme ${quote(scheme.slice(0, 20))}`);
  }
  const token = space === -1 ? '' : header.slice(space + 1).trim();
  const malformed = (why: string) => fail('The Basic authorization header is malformed', `Basic credentials: ${why}`);
  if (token === '' || !base64.test(token)) throw malformed('not base64');
  let decoded: string;
  try {
    decoded = utf8.decode(Buffer.from(token, 'base64'));
  } catch {
    throw malformed('not UTF-8');
  }
  // RFC 6749 §2.3.1: the id is url-encoded, so the first colon is the separator; the secret may hold colons.
  const colon = decoded.indexOf(':');
  if (colon === -1) throw malformed('no colon');
  const clientId = formUrlDecode(decoded.slice(0, colon));
  const secret = formUrlDecode(decoded.slice(colon + 1));
  if (clientId === undefined || secret === undefined) throw malformed('bad percent-encoding');
  if (clientId === '') throw malformed('empty client_id');
  return { clientId, secret };
}

const keySets = new WeakMap<RegisteredClient, ReturnType<typeof createLocalJWKSet>>();

function keySetOf(client: RegisteredClient): ReturnType<typeof createLocalJWKSet> | undefined {
  if (!client.jwks) return undefined;
  let keySet = keySets.get(client);
  if (!keySet) {
    keySet = createLocalJWKSet(client.jwks);
    keySets.set(client, keySet);
  }
  return keySet;
}

/** TOKEN-06…TOKEN-08 RFC 7523 §3: verify the assertion of a private_key_jwt client; throws invalid_client. */
async function verifyClientAssertion(assertion: string, client: RegisteredClient, nowMs: number, context: ClientAuthContext, fail: Fail): Promise<void> {
  const clientId = client.client_id;
  const who = `client ${quote(clientId)}`;

  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(assertion);
  } catch {
    throw fail('The client assertion is not a valid JWT', `${who}: undecodable assertion header`);
  }
  // TOKEN-08 RFC 7523 §3.2: RS256 only. Checked before any key is touched, so neither `none` nor
  // an HMAC keyed with a public key can get through.
  if (header.alg !== 'RS256') {
    throw fail('The client assertion must be signed with RS256', `${who}: assertion alg ${quote(String(header.alg))}`);
  }
  // TOKEN-08 RFC 7515 §4.1.4: kid MUST select one of the registered keys. The x5c path of TOKEN-08
  // is for clients without registered keys, and CLIENT-07 gives every private_key_jwt client keys.
  if (typeof header.kid !== 'string' || header.kid === '') {
    throw fail('The client assertion header must have a kid naming a registered key', `${who}: assertion without kid`);
  }
  const keySet = keySetOf(client);
  if (!keySet) throw fail(GENERIC_FAILURE, `${who}: private_key_jwt client without registered jwks`);

  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(assertion, keySet, {
      algorithms: ['RS256'],
      // TOKEN-07 RFC 7523 §3 items 1, 2, 3, 4: iss = sub = client_id, aud names us, exp present; iat too.
      issuer: clientId,
      subject: clientId,
      audience: [...context.audiences],
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
      currentDate: new Date(nowMs),
      clockTolerance: CLOCK_SKEW_S,
    }));
  } catch (error) {
    throw assertionError(error, who, fail);
  }

  const nowS = Math.floor(nowMs / 1000);
  const exp = payload.exp!;
  const iat = payload.iat!;
  // TOKEN-07 (choice, skew 10 s): an assertion is not issued in the future.
  if (iat > nowS + CLOCK_SKEW_S) throw fail('The client assertion iat is in the future', `${who}: iat ${iat}, now ${nowS}`);
  if (exp <= iat) throw fail('The client assertion exp must be after its iat', `${who}: iat ${iat}, exp ${exp}`);
  // TOKEN-07 (ID-porten): short-lived assertions only, which also bounds the jti memory below.
  if (exp - iat > MAX_ASSERTION_LIFETIME_S) {
    throw fail(`The client assertion lifetime (exp - iat) must be at most ${MAX_ASSERTION_LIFETIME_S} seconds`, `${who}: exp - iat = ${exp - iat}`);
  }

  const { jti } = payload;
  if (jti === undefined) {
    // TOKEN-07 flag requireJti: RFC 7523 §3 item 7 makes jti optional; the flag makes it mandatory.
    if (context.requireJti) throw fail('The client assertion must have a jti', `${who}: assertion without jti`);
    return;
  }
  if (typeof jti !== 'string' || jti === '') throw fail('The client assertion jti must be a non-empty string', `${who}: jti of type ${typeof jti}`);
  // TOKEN-07 RFC 7523 §3 item 7: remember the jti until the assertion can no longer be accepted
  // (exp + skew); one atomic SET NX, so of two concurrent uses exactly one wins.
  const ttlMs = Math.max(1, (exp + CLOCK_SKEW_S) * 1000 - nowMs);
  const first = await context.store.setIfAbsent(context.keys.assertionJti(clientId, jti), 1, ttlMs);
  if (!first) throw fail('The client assertion jti has been used before', `${who}: replayed assertion jti`);
}

/** Map a jose verification error to invalid_client with a description that says what to fix. */
function assertionError(error: unknown, who: string, fail: Fail): unknown {
  if (!(error instanceof joseErrors.JOSEError)) return error;
  const detail = `${who}: ${error.code}: ${error.message}`;
  if (error instanceof joseErrors.JWTExpired) return fail('The client assertion has expired', detail);
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return fail(`The client assertion must have the ${error.claim} claim`, detail);
    switch (error.claim) {
      case 'iss':
      case 'sub':
        return fail(`The client assertion ${error.claim} must be the client_id`, detail);
      case 'aud':
        return fail('The client assertion aud must be the issuer or the endpoint URL', detail);
      case 'nbf':
        return fail('The client assertion is not yet valid', detail);
      default:
        return fail(`The client assertion ${error.claim} claim is invalid`, detail);
    }
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) return fail('The client assertion kid names no registered key', detail);
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return fail('The client assertion signature is invalid', detail);
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return fail('The client assertion must be signed with RS256', detail);
  return fail('The client assertion is not a valid signed JWT', detail);
}
