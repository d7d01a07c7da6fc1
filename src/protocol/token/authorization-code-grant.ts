// The authorization_code grant, every rule in one place (AUTHZ-19, TOKEN-10, TOKEN-11, TOKEN-15;
// RFC 6749 §4.1.2, §4.1.3, §10.5; RFC 7636 §4.5, §4.6): what a code binds, how long it lives,
// the client binding, expiry, redirect_uri, PKCE and replay. Every failure is invalid_grant: the
// client learns that the grant is unusable, not which binding failed (the log gets the detail).
import { OAuthError } from '../../errors.js';
import type { RegisteredClient } from '../../registry/client-registry.js';
import { verifierMatches, verifierPattern } from '../pkce.js';
import { cappedGrantLifetime, type ScopePolicy } from '../scope-policy.js';
import type { AuthenticatedSubject } from '../tokens.js';
import { formParameter, type FormBody } from './token-request.js';

/** TOKEN-11: codes live 60 s (choice; ID-porten publishes no value). */
export const codeLifetimeMs = 60_000;

/** AUTHZ-19 RFC 6749 §10.10: what a code is bound to, and everything its grant needs. */
export interface CodeRecord {
  [key: string]: unknown;
  client_id: string;
  redirect_uri: string;
  scope: string[];
  nonce?: string;
  code_challenge?: string;
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
  return { code, redirect_uri: redirectUri, ...(verifier !== undefined ? { code_verifier: verifier } : {}) };
}

/**
 * TOKEN-11 RFC 6749 §10.5: how long after the first redemption a replay is still answered by
 * revocation: as long as the access token issued by the first redemption could live.
 */
export const replayWindowMs = (client: Pick<RegisteredClient, 'access_token_lifetime'>): number => client.access_token_lifetime * 1000 + 60_000;

/**
 * TOKEN-15 RFC 6749 §10.4: authorization_lifetime is counted from the original login — the
 * authentication the grant rests on (auth_time), also when the code came from an SSO answer —
 * or less when a scope's authorization_max_lifetime says so (CLIENT-16).
 */
export const grantExpiresAt = (subject: Pick<AuthenticatedSubject, 'auth_time'>, client: Pick<RegisteredClient, 'authorization_lifetime'>, policy: ScopePolicy): number =>
  subject.auth_time * 1000 + cappedGrantLifetime(client.authorization_lifetime, policy) * 1000;

/** TOKEN-15: a grant that has ended (or ends within a second) yields no tokens. */
export function checkGrantNotOver(grantEndsAtMs: number, nowMs: number): void {
  if (grantEndsAtMs - nowMs < 1000) throw invalidGrant('authorization_lifetime has passed since the login');
}

const invalidGrant = (detail: string) => new OAuthError('invalid_grant', 'The authorization code is invalid, expired or was issued to another client', { detail });

/** How the store's atomic single use of a code came out (TOKEN-11). */
export type CodeRedemption = { state: 'missing' } | { state: 'mismatch' } | { state: 'fresh'; value: CodeRecord } | { state: 'used'; value: CodeRecord };

export type CodeGrantDecision =
  /** Issue tokens for this record. */
  | { kind: 'issue'; record: CodeRecord }
  /** TOKEN-11: a second redemption; the grant of the first must be revoked, then `error` sent. */
  | { kind: 'replay'; record: CodeRecord; error: OAuthError };

/** TOKEN-10, TOKEN-11: decide a code redemption after the code was atomically claimed. */
export function decideCodeGrant(redemption: CodeRedemption, client: RegisteredClient, parameters: CodeGrantParameters, nowMs: number): CodeGrantDecision {
  // TOKEN-10 RFC 6749 §4.1.3: an unknown code, or one issued to another client (which the store
  // leaves untouched, so a stolen code cannot be burnt by someone else).
  if (redemption.state === 'missing') throw invalidGrant('unknown code');
  if (redemption.state === 'mismatch') throw invalidGrant('code of another client');
  const record = redemption.value;
  if (redemption.state === 'used') {
    // TOKEN-11 RFC 6749 §4.1.2, §10.5: a second redemption revokes everything the first issued.
    return { kind: 'replay', record, error: new OAuthError('invalid_grant', 'The authorization code has already been used', { detail: 'code replay' }) };
  }
  checkCodeRedemption(record, client, parameters, nowMs);
  return { kind: 'issue', record };
}

/** TOKEN-10, TOKEN-11: the code's bindings, checked after it was atomically claimed. */
export function checkCodeRedemption(record: CodeRecord, client: RegisteredClient, parameters: CodeGrantParameters, nowMs: number): void {
  // TOKEN-10 RFC 6749 §4.1.3: issued to this very client.
  if (record.client_id !== client.client_id) throw invalidGrant('code of another client');
  // TOKEN-11: 60 s, on the injected clock.
  if (record.expires_at <= nowMs) throw invalidGrant('code expired');
  // TOKEN-10 RFC 6749 §4.1.3: identical to the authorization request's redirect_uri.
  if (record.redirect_uri !== parameters.redirect_uri) throw invalidGrant('redirect_uri differs from the authorization request');
  const verifier = parameters.code_verifier;
  if (record.code_challenge !== undefined) {
    // TOKEN-10 RFC 7636 §4.6: BASE64URL(SHA256(code_verifier)) must equal the stored challenge.
    if (verifier === undefined) throw invalidGrant('code_verifier missing');
    if (!verifierPattern.test(verifier) || !verifierMatches(verifier, record.code_challenge)) throw invalidGrant('code_verifier does not match');
  } else if (verifier !== undefined) {
    // RFC 9700 §2.1.1: a verifier without a stored challenge signals a confused or injected code.
    throw invalidGrant('code_verifier sent but no code_challenge was');
  }
}
