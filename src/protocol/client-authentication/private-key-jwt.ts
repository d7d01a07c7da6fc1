// private_key_jwt (TOKEN-06…TOKEN-08): RFC 7523 §2.2 and §3 with RFC 7521 §4.2. The assertion is
// verified (jwt-assertion.ts) against the client's registered key named by kid, or the business
// certificate in x5c (assertion-key.ts); the jti replay memory (TOKEN-07) is passed in as a
// function, so this module does no I/O of its own.
import { OAuthError } from '../../errors.js';
import type { RegisteredClient } from '../../registry/client-registry.js';
import type { BusinessCertificateVerifier } from '../business-certificate.js';
import { claimFault, verifiesRs256, type ClaimFault } from '../jwt-assertion.js';
import { decodeCompactJws } from '../jws.js';
import { assertionKey, type AssertionAmr } from './assertion-key.js';
import { quote, type Fail } from './failure.js';

/** RFC 7523 §2.2: the one client_assertion_type this provider accepts. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** TOKEN-07 (choice): clock skew tolerated on iat (never on exp), in seconds. */
const CLOCK_SKEW_S = 10;
/** TOKEN-07: longest accepted assertion lifetime, exp − iat, in seconds. */
const MAX_ASSERTION_LIFETIME_S = 120;
/** TOKEN-07: a jti is remembered in the store, so its length is bounded. */
const MAX_JTI_LENGTH = 256;

/** TOKEN-07: remember a jti until `ttlMs` has passed; false when it was seen before (atomic). */
export type RememberAssertionJti = (clientId: string, jti: string, ttlMs: number) => Promise<boolean>;

export interface AssertionContext {
  /** Values accepted as the assertion's aud: the issuer and the endpoint's own URL(s). */
  audiences: readonly string[];
  rememberAssertionJti: RememberAssertionJti;
  /** TOKEN-07 flag requireJti (default true, OP_REQUIRE_ASSERTION_JTI): refuse assertions without jti. */
  requireJti?: boolean;
  /** TOKEN-08: the business certificate checker; absent = no certificate is trusted. */
  certificates?: BusinessCertificateVerifier;
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

/**
 * TOKEN-06…TOKEN-08 RFC 7523 §3: verify the assertion of a private_key_jwt client; throws
 * invalid_client. Resolves to how the client proved itself (AT-04).
 */
export async function verifyClientAssertion(assertion: string, client: RegisteredClient, nowMs: number, context: AssertionContext, fail: Fail): Promise<AssertionAmr> {
  const clientId = client.client_id;
  const who = `client ${quote(clientId)}`;

  const jws = decodeCompactJws(assertion);
  if (!jws) throw fail('The client assertion is not a valid JWT', `${who}: undecodable assertion`);
  // TOKEN-08: RS256; kid naming a registered key (locked and expiring, CLIENT-07), or x5c with a
  // business certificate of the client's organisation when it has no registered keys.
  const { key, clientAmr } = await assertionKey(jws.header, client, nowMs, context.certificates, fail, 'client assertion');
  if (!(await verifiesRs256(jws, key))) throw fail('The client assertion signature is invalid', `${who}: signature`);

  const { payload } = jws;
  const nowS = Math.floor(nowMs / 1000);
  // TOKEN-07 RFC 7523 §3 items 1, 2, 3, 4: iss = sub = client_id, aud names us, exp present; iat
  // too. No tolerance on exp: an expired assertion is never accepted (iat is checked below).
  const fault = claimFault(payload, { issuer: clientId, subject: clientId, audiences: context.audiences, required: ['iss', 'sub', 'aud', 'exp', 'iat'], nowSeconds: nowS, tolerance: 0 });
  if (fault) throw claimError(fault, who, fail);
  // TOKEN-07 RFC 7523 §3 item 3, with the audience-injection fix of 2025 (draft-ietf-oauth-rfc7523bis):
  // aud is one string, and it names this server as the issuer or the token endpoint, at every
  // endpoint that takes client authentication. An array, or another endpoint's URL (the PAR URL
  // that RFC 9126 §2 would allow), could make an assertion meant for someone else count here.
  if (typeof payload.aud !== 'string') {
    throw fail('The client assertion aud must be one string: the issuer or the token endpoint URL', `${who}: aud ${quote(JSON.stringify(payload.aud) ?? '')}`);
  }

  const exp = payload.exp as number;
  const iat = payload.iat as number;
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
    return clientAmr;
  }
  if (typeof jti !== 'string' || jti === '') throw fail('The client assertion jti must be a non-empty string', `${who}: jti of type ${typeof jti}`);
  if (jti.length > MAX_JTI_LENGTH) throw fail(`The client assertion jti must be at most ${MAX_JTI_LENGTH} characters`, `${who}: jti of ${jti.length} characters`);
  // TOKEN-07 RFC 7523 §3 item 7: remember the jti until the assertion can no longer be accepted
  // (exp + skew); atomic, so of two concurrent uses exactly one wins.
  const ttlMs = Math.max(1, (exp + CLOCK_SKEW_S) * 1000 - nowMs);
  const first = await context.rememberAssertionJti(clientId, jti, ttlMs);
  if (!first) throw fail('The client assertion jti has been used before', `${who}: replayed assertion jti`);
  return clientAmr;
}

/** A refused claim as invalid_client with a description that says what to fix. */
function claimError(fault: ClaimFault, who: string, fail: Fail): OAuthError {
  const detail = `${who}: ${JSON.stringify(fault)}`;
  switch (fault.kind) {
    case 'missing':
      return fail(`The client assertion must have the ${fault.claim} claim`, detail);
    case 'mismatch':
      return fault.claim === 'aud'
        ? fail('The client assertion aud must be one string: the issuer or the token endpoint URL', detail)
        : fail(`The client assertion ${fault.claim} must be the client_id`, detail);
    case 'invalid':
      return fail(`The client assertion ${fault.claim} claim is invalid`, detail);
    case 'not-yet-valid':
      return fail('The client assertion is not yet valid', detail);
    case 'expired':
      return fail('The client assertion has expired', detail);
  }
}
