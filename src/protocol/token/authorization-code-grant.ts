// The authorization_code grant, every rule in one place (AUTHZ-19, TOKEN-10, TOKEN-11, TOKEN-15;
// RFC 6749 §4.1.2, §4.1.3, §10.5; RFC 7636 §4.5, §4.6): what a code binds, how long it lives,
// the client binding, expiry, redirect_uri, PKCE and replay. The bindings are checked by the
// store in the same atomic operation that uses the code up (codeBindings): a request that cannot
// prove them — a wrong or missing PKCE verifier above all — leaves the code redeemable, so
// whoever sees a public client's code cannot burn it and revoke the real login. Every failure is
// invalid_grant and names its rule, except that an unknown code and another client's code are
// told alike.
import { OAuthError } from '../../errors.js';
import type { RegisteredClient } from '../../registry/client-registry.js';
import { s256, verifierPattern } from '../pkce.js';
import { cappedGrantLifetime, type ScopePolicy } from '../scope-policy.js';
import type { AuthenticatedSubject } from '../tokens.js';
import { formParameter, type FormBody } from './token-request.js';

/** AUTHZ-19 RFC 6749 §10.10: what a code is bound to, and everything its grant needs. */
export interface CodeRecord {
  [key: string]: unknown;
  client_id: string;
  redirect_uri: string;
  scope: string[];
  nonce?: string;
  code_challenge?: string;
  /** AUTHZ-24: the sub-identity the login was for; the id_token's client_onbehalfof. */
  onbehalfof?: string;
  resource: string[];
  subject: AuthenticatedSubject;
  grant_id: string;
  /** The jti of the access token this code will be exchanged for, chosen now (AT-08). */
  access_token_jti: string;
  /** Milliseconds; checked against the injected clock. */
  expires_at: number;
}

export interface CodeGrantParameters {
  code: string;
  redirect_uri: string;
  code_verifier?: string;
}

/** TOKEN-10: code and redirect_uri are required; code_verifier when a challenge was stored. */
export function parseCodeGrant(body: FormBody): CodeGrantParameters {
  const code = formParameter(body, 'code');
  const redirectUri = formParameter(body, 'redirect_uri');
  const verifier = formParameter(body, 'code_verifier');
  if (code === undefined) throw new OAuthError('invalid_request', 'code is missing');
  if (redirectUri === undefined) throw new OAuthError('invalid_request', 'redirect_uri is missing');
  // TOKEN-10 RFC 7636 §4.1: 43-128 unreserved characters; anything else cannot match a challenge.
  if (verifier !== undefined && !verifierPattern.test(verifier)) throw invalidGrant('code_verifier does not match', 'malformed code_verifier');
  return { code, redirect_uri: redirectUri, ...(verifier !== undefined ? { code_verifier: verifier } : {}) };
}

/** A binding the store checks as it uses the code up: this field of the record has this value (null: has none). */
export interface CodeBinding {
  field: 'client_id' | 'redirect_uri' | 'code_challenge';
  equals: string | null;
}

/**
 * TOKEN-10, TOKEN-11: what the code must be bound to for this request to use it up, in the order
 * the refusals are told: the client (RFC 6749 §4.1.3), the redirect_uri of the authorization
 * request (RFC 6749 §4.1.3), and the PKCE challenge, which must be BASE64URL(SHA256(verifier))
 * (RFC 7636 §4.6) or absent when no verifier is sent (RFC 9700 §2.1.1: a verifier without a
 * stored challenge signals a confused or injected code).
 */
export function codeBindings(client: Pick<RegisteredClient, 'client_id'>, parameters: CodeGrantParameters): CodeBinding[] {
  return [
    { field: 'client_id', equals: client.client_id },
    { field: 'redirect_uri', equals: parameters.redirect_uri },
    { field: 'code_challenge', equals: parameters.code_verifier === undefined ? null : s256(parameters.code_verifier) },
  ];
}

/**
 * TOKEN-11 RFC 6749 §4.1.2, §10.5: what a used code leaves behind for replays: its bindings
 * (a replay must prove them too, so only the code's holder can make it revoke) and its grant.
 */
export type CodeTombstone = Pick<CodeRecord, 'client_id' | 'redirect_uri' | 'code_challenge' | 'grant_id'>;

/**
 * TOKEN-11 RFC 6749 §4.1.2, §10.5: how long after the first redemption a replay is still answered
 * by revoking every token it issued: as long as the grant could live when it got a refresh token
 * (authorization_lifetime, counted from a login that was at most now), else as long as its access
 * token could (the id_token cannot be revoked).
 */
export const replayWindowMs = (client: Pick<RegisteredClient, 'access_token_lifetime' | 'authorization_lifetime' | 'grant_types'>): number =>
  client.grant_types.includes('refresh_token') ? Math.max(client.authorization_lifetime, client.access_token_lifetime + 60) * 1000 : client.access_token_lifetime * 1000 + 60_000;

/**
 * TOKEN-15 RFC 6749 §10.4: authorization_lifetime is counted from the original login — the
 * authentication the grant rests on (auth_time), also when the code came from an SSO answer —
 * or less when a scope's authorization_max_lifetime says so (CLIENT-16).
 */
export const grantExpiresAt = (subject: Pick<AuthenticatedSubject, 'auth_time'>, client: Pick<RegisteredClient, 'authorization_lifetime'>, policy: ScopePolicy): number =>
  subject.auth_time * 1000 + cappedGrantLifetime(client.authorization_lifetime, policy) * 1000;

/** TOKEN-15: a grant that has ended (or ends within a second) yields no tokens. */
export function checkGrantNotOver(grantEndsAtMs: number, nowMs: number): void {
  if (grantEndsAtMs - nowMs < 1000) throw invalidGrant('authorization_lifetime has passed since the login', 'grant past its authorization_lifetime');
}

function invalidGrant(description: string, detail: string): OAuthError {
  return new OAuthError('invalid_grant', description, { detail });
}

/** How the store's atomic single use of a code came out (TOKEN-11). */
export type CodeRedemption =
  | { state: 'missing' }
  | { state: 'mismatch'; field: string; absent: boolean }
  | { state: 'fresh'; value: CodeRecord }
  | { state: 'used'; value: CodeTombstone };

export type CodeGrantDecision =
  /** Issue tokens for this record. */
  | { kind: 'issue'; record: CodeRecord }
  /** TOKEN-11: a second redemption; the grant of the first must be revoked, then `error` sent. */
  | { kind: 'replay'; record: CodeTombstone; error: OAuthError };

/** TOKEN-10: the refusal of a binding that did not hold (the code is untouched). */
function bindingRefusal(redemption: { field: string; absent: boolean }, parameters: CodeGrantParameters): OAuthError {
  switch (redemption.field) {
    case 'redirect_uri':
      return invalidGrant('redirect_uri does not match the authorization request', 'redirect_uri differs from the authorization request');
    case 'code_challenge':
      if (parameters.code_verifier === undefined) return invalidGrant('code_verifier is missing', 'code_verifier missing');
      if (redemption.absent) return invalidGrant('code_verifier was sent but the authorization request had no code_challenge', 'code_verifier without code_challenge');
      return invalidGrant('code_verifier does not match', 'code_verifier does not match');
    default:
      // TOKEN-10 RFC 6749 §4.1.3: another client's code is told like an unknown one.
      return invalidGrant('code is unknown or was issued to another client', 'code of another client');
  }
}

/** TOKEN-10, TOKEN-11: decide a code redemption, after the store checked the bindings and used it up. */
export function decideCodeGrant(redemption: CodeRedemption, parameters: CodeGrantParameters, nowMs: number): CodeGrantDecision {
  if (redemption.state === 'missing') throw invalidGrant('code is unknown or was issued to another client', 'unknown code');
  if (redemption.state === 'mismatch') throw bindingRefusal(redemption, parameters);
  if (redemption.state === 'used') {
    // TOKEN-11 RFC 6749 §4.1.2, §10.5: a second redemption revokes everything the first issued.
    return { kind: 'replay', record: redemption.value, error: invalidGrant('code was already used', 'code replay') };
  }
  const record = redemption.value;
  // TOKEN-11: expires_at was set from OP_CODE_LIFETIME at issue; checked on the injected clock.
  if (record.expires_at <= nowMs) throw invalidGrant('code has expired', 'code expired');
  return { kind: 'issue', record };
}
