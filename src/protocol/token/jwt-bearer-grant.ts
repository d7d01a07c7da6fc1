// The JWT-bearer grant of machine clients, every rule in one place (TOKEN-21; RFC 7523 §2.1, §3,
// §3.1; Maskinporten's JWT grant): grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer and
// assertion=<JWT>. The assertion itself authenticates the client (no client_assertion): header
// kid (a registered key) or x5c (a business certificate), as TOKEN-08 (assertion-key.ts); aud =
// issuer, iss = client_id, iat within ±10 s, exp − iat ≤ 120 s, a jti never used before (the
// store remembers it, atomically), a scope the client holds, an optional resource. Every refusal
// is invalid_grant, except a missing, unknown or unheld scope, which is invalid_scope
// (docs/interface.md, "Pinned details"). Pure: the jti memory is the caller's.
import { OAuthError } from '../../errors.js';
import { JWT_BEARER_GRANT } from '../../registry/client-schema.js';
import type { ClientRegistry, RegisteredClient } from '../../registry/client-registry.js';
import { scopeRefusal, type ScopeRegistry } from '../../registry/scope-registry.js';
import type { BusinessCertificateVerifier } from '../business-certificate.js';
import { assertionKey, type AssertionAmr } from '../client-authentication/assertion-key.js';
import { claimFault, verifiesRs256, type ClaimFault } from '../jwt-assertion.js';
import { decodeCompactJws } from '../jws.js';
import { formParameter, type FormBody } from './token-request.js';

export { JWT_BEARER_GRANT };

/** TOKEN-21 (Maskinporten): iat within this many seconds of our clock, either way; also the exp tolerance. */
const CLOCK_SKEW_S = 10;
/** TOKEN-21 (Maskinporten): exp − iat ≤ 120 s. */
const MAX_ASSERTION_LIFETIME_S = 120;
/** A bound on resource values, as at /authorize. */
const MAX_RESOURCES = 10;

/** TOKEN-21: every refusal but a scope's is invalid_grant; the description says which rule failed. */
const refuse = (description: string, detail?: string): OAuthError => new OAuthError('invalid_grant', description, detail !== undefined ? { detail } : {});
const refuseScope = (description: string): OAuthError => new OAuthError('invalid_scope', description);

/** Whether a token request asks for this grant (dispatched before any client authentication). */
export const isJwtBearerGrant = (body: FormBody): boolean => body.grant_type === JWT_BEARER_GRANT;

export interface JwtBearerRequest {
  assertion: string;
  /** Optional (openid-client sends it); when present it must be the assertion's iss. */
  client_id?: string;
}

/** TOKEN-21 RFC 7523 §2.1: the assertion, and no other client credentials (the assertion is the client's proof). */
export function parseJwtBearerGrant(body: FormBody, authorization: string | undefined): JwtBearerRequest {
  let assertion: string | undefined;
  let clientId: string | undefined;
  try {
    assertion = formParameter(body, 'assertion');
    clientId = formParameter(body, 'client_id');
  } catch (error) {
    throw refuse(error instanceof OAuthError ? error.description : 'Malformed request');
  }
  if (assertion === undefined) throw refuse('The assertion parameter is required for the jwt-bearer grant');
  // TOKEN-21 (Maskinporten): the client is authenticated by the assertion alone; a second
  // credential beside it would be a second, conflicting authentication.
  if (authorization !== undefined || body.client_secret !== undefined || body.client_assertion !== undefined || body.client_assertion_type !== undefined) {
    throw refuse('The jwt-bearer grant is authenticated by its assertion alone: send no other client credentials');
  }
  return { assertion, ...(clientId !== undefined ? { client_id: clientId } : {}) };
}

export interface JwtBearerContext {
  registry: ClientRegistry;
  scopes: ScopeRegistry;
  issuer: string;
  certificates: BusinessCertificateVerifier | undefined;
  nowMs: number;
}

/** A verified grant assertion: whose, how proven, what for, and the jti to remember. */
export interface VerifiedJwtBearerGrant {
  client: RegisteredClient;
  clientAmr: AssertionAmr;
  scope: string[];
  resource: string[];
  jti: string;
  /** ms: how long the jti must be remembered (until the assertion could no longer be accepted). */
  jtiMemoryMs: number;
}

/** TOKEN-21 RFC 7523 §3: verify the assertion and decide the scope and audience of the token. */
export async function verifyJwtBearerGrant(request: JwtBearerRequest, context: JwtBearerContext): Promise<VerifiedJwtBearerGrant> {
  const jws = decodeCompactJws(request.assertion);
  if (!jws) throw refuse('The assertion is not a valid JWT');
  const unverified = jws.payload;
  // TOKEN-21 RFC 7523 §3 item 1: iss names the client, which must be registered and active
  // (CLIENT-17); an unknown client is invalid_grant too.
  if (typeof unverified.iss !== 'string' || unverified.iss === '') throw refuse('The assertion must have an iss claim: the client_id');
  const client = context.registry.find(unverified.iss);
  if (!client) throw refuse('The assertion iss names no active client', `iss ${JSON.stringify(unverified.iss.slice(0, 100))}`);
  if (request.client_id !== undefined && request.client_id !== client.client_id) throw refuse('The client_id parameter differs from the assertion iss');
  // TOKEN-02, CLIENT-03: only machine clients are registered for this grant (invalid_grant, as every other refusal).
  if (!client.grant_types.includes(JWT_BEARER_GRANT)) throw refuse('The client is not registered for the jwt-bearer grant');

  // TOKEN-21, TOKEN-08: kid (registered key, CLIENT-07) or x5c (business certificate), RS256.
  const { key, clientAmr } = await assertionKey(jws.header, client, context.nowMs, context.certificates, (description, detail) => refuse(description, detail), 'assertion');
  if (!(await verifiesRs256(jws, key))) throw refuse('The assertion signature is invalid');

  const { payload } = jws;
  const nowS = Math.floor(context.nowMs / 1000);
  // TOKEN-21 RFC 7523 §3 items 1, 3, 4: iss = client_id, aud = the issuer, exp present; iat and jti too.
  const fault = claimFault(payload, { issuer: client.client_id, audiences: [context.issuer], required: ['iss', 'aud', 'exp', 'iat', 'jti'], nowSeconds: nowS, tolerance: CLOCK_SKEW_S });
  if (fault) throw claimError(fault);
  const { iat, exp, jti, sub } = payload as { iat: number; exp: number; jti: unknown; sub?: unknown };
  // TOKEN-21 (Maskinporten): iat at most 10 s from our clock, ahead or behind.
  if (Math.abs(iat - nowS) > CLOCK_SKEW_S) throw refuse(`The assertion iat must be within ${CLOCK_SKEW_S} seconds of the provider's clock`, `iat ${iat}, now ${nowS}`);
  if (exp <= iat) throw refuse('The assertion exp must be after its iat');
  // TOKEN-21 (Maskinporten): exp − iat ≤ 120 s, which also bounds the jti memory.
  if (exp - iat > MAX_ASSERTION_LIFETIME_S) throw refuse(`The assertion lifetime (exp - iat) must be at most ${MAX_ASSERTION_LIFETIME_S} seconds`, `exp - iat = ${exp - iat}`);
  // TOKEN-21: jti is required (a JWT cannot be reused).
  if (typeof jti !== 'string' || jti === '' || jti.length > 200) throw refuse('The assertion jti must be a non-empty string of at most 200 characters');
  // RFC 7523 §3 item 2: the subject, when sent, is the client itself; acting for others is not offered.
  if (sub !== undefined && sub !== client.client_id) throw refuse('The assertion sub, when present, must be the client_id');

  const scope = checkScope(payload.scope, client, context.scopes);
  const resource = checkResource(payload.resource);
  return { client, clientAmr, scope, resource, jti, jtiMemoryMs: Math.max(1, (exp + CLOCK_SKEW_S) * 1000 - context.nowMs) };
}

/**
 * TOKEN-21 RFC 6749 §3.3: the scope claim is required, space-separated, and every scope must be
 * registered on the client and available to it in the scope registry (CLIENT-16) — else invalid_scope.
 */
function checkScope(claim: unknown, client: RegisteredClient, scopes: ScopeRegistry): string[] {
  if (typeof claim !== 'string') throw refuseScope('The assertion must have a scope claim (space-separated scopes)');
  const requested = [...new Set(claim.split(' ').filter(Boolean))];
  if (requested.length === 0) throw refuseScope('The assertion scope claim is empty');
  const refused = requested.filter((name) => !client.scopes.includes(name) || scopeRefusal(name, client, scopes) !== undefined);
  if (refused.length > 0) throw refuseScope(`Scope not registered for this client: ${refused.join(' ')}`);
  return requested;
}

/** TOKEN-21, AT-06 RFC 8707 §2: optional; absolute URIs without a fragment; they become the token's aud. */
function checkResource(claim: unknown): string[] {
  if (claim === undefined) return [];
  const values = typeof claim === 'string' ? [claim] : claim;
  if (!Array.isArray(values) || values.length === 0 || values.length > MAX_RESOURCES || !values.every((v) => typeof v === 'string' && isAbsoluteUriWithoutFragment(v))) {
    throw refuse(`The assertion resource must be an absolute URI without a fragment, or an array of 1 to ${MAX_RESOURCES} of them`);
  }
  return [...new Set(values as string[])];
}

function isAbsoluteUriWithoutFragment(value: string): boolean {
  if (value.length > 2048 || value.includes('#')) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/** A refused claim as invalid_grant with a description that says what to fix. */
function claimError(fault: ClaimFault): OAuthError {
  const detail = JSON.stringify(fault);
  switch (fault.kind) {
    case 'missing':
      return refuse(`The assertion must have the ${fault.claim} claim`, detail);
    case 'mismatch':
      return fault.claim === 'aud' ? refuse('The assertion aud must be the issuer', detail) : refuse(`The assertion ${fault.claim} must be the client_id`, detail);
    case 'invalid':
      return refuse(`The assertion ${fault.claim} claim is invalid`, detail);
    case 'not-yet-valid':
      return refuse('The assertion is not yet valid', detail);
    case 'expired':
      return refuse('The assertion has expired', detail);
  }
}
