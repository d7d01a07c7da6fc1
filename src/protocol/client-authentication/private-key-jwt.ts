// private_key_jwt (TOKEN-06…TOKEN-08): RFC 7523 §2.2 and §3 with RFC 7521 §4.2. The assertion is
// verified with jose against the client's registered keys; the jti replay memory (TOKEN-07) is
// passed in as a function, so this module does no I/O of its own.
import { createLocalJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { OAuthError } from '../../errors.js';
import type { RegisteredClient } from '../../registry/client-registry.js';
import { GENERIC_FAILURE, quote, type Fail } from './failure.js';

/** RFC 7523 §2.2: the one client_assertion_type this provider accepts. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** TOKEN-07 (choice): clock skew tolerated on iat, in seconds; exp gets none. */
const CLOCK_SKEW_S = 10;
/** TOKEN-07: longest accepted assertion lifetime, exp − iat, in seconds. */
const MAX_ASSERTION_LIFETIME_S = 120;
/** TOKEN-07 (choice): the jti is kept as a replay marker, so its length is bounded. */
export const MAX_JTI_LENGTH = 256;

/** TOKEN-07: remember a jti until `ttlMs` has passed; false when it was seen before (atomic). */
export type RememberAssertionJti = (clientId: string, jti: string, ttlMs: number) => Promise<boolean>;

export interface AssertionContext {
  /** The values one of which the assertion's aud must be: the issuer and the token endpoint URL. */
  audiences: readonly string[];
  rememberAssertionJti: RememberAssertionJti;
  /** TOKEN-07 flag requireJti (default true, OP_REQUIRE_ASSERTION_JTI): refuse assertions without jti. */
  requireJti?: boolean;
}

/** TOKEN-06 RFC 7521 §4.2, RFC 7523 §2.2: the assertion type, the assertion and client_id. */
export function clientIdOfAssertion(assertionType: string | undefined, assertion: string | undefined, bodyClientId: string | undefined, fail: Fail): string {
  // TOKEN-06: the one assertion type; anything else is a failed authentication.
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
  return bodyClientId;
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
export async function verifyClientAssertion(assertion: string, client: RegisteredClient, nowMs: number, context: AssertionContext, fail: Fail): Promise<void> {
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
      // TOKEN-07 RFC 7523 §3 items 1, 2, 4: iss = sub = client_id, exp present; iat and aud too.
      issuer: clientId,
      subject: clientId,
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
      currentDate: new Date(nowMs),
      // TOKEN-07: no tolerance on exp (an expired assertion is never accepted); iat is checked below.
      clockTolerance: 0,
    }));
  } catch (error) {
    throw assertionError(error, who, fail);
  }

  // TOKEN-07 RFC 7523 §3 item 3, with the audience-injection fix of 2025 (draft-ietf-oauth-rfc7523bis):
  // aud is one string, and it names this server as the issuer or the token endpoint, at every
  // endpoint that takes client authentication. An array, or another endpoint's URL (the PAR URL
  // that RFC 9126 §2 would allow), could make an assertion meant for someone else count here.
  const { aud } = payload;
  if (typeof aud !== 'string' || !context.audiences.includes(aud)) {
    throw fail('The client assertion aud must be one string: the issuer or the token endpoint URL', `${who}: aud ${quote(JSON.stringify(aud) ?? '')}`);
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
    // TOKEN-07 flag requireJti: RFC 7523 §3 item 7 makes jti optional; without it an assertion
    // can be replayed for its whole lifetime, so it is required unless the operator opts out.
    if (context.requireJti ?? true) throw fail('The client assertion must have a jti', `${who}: assertion without jti`);
    return;
  }
  if (typeof jti !== 'string' || jti === '') throw fail('The client assertion jti must be a non-empty string', `${who}: jti of type ${typeof jti}`);
  if (jti.length > MAX_JTI_LENGTH) throw fail(`The client assertion jti must be at most ${MAX_JTI_LENGTH} characters`, `${who}: jti of ${jti.length} characters`);
  // TOKEN-07 RFC 7523 §3 item 7: remember the jti until the assertion can no longer be accepted
  // (exp; kept a skew longer, which costs nothing); atomic, so of two concurrent uses exactly one wins.
  const ttlMs = Math.max(1, (exp + CLOCK_SKEW_S) * 1000 - nowMs);
  const first = await context.rememberAssertionJti(clientId, jti, ttlMs);
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
