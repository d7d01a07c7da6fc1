// The refresh_token grant, every rule in one place (TOKEN-13…16, CLIENT-05, CLIENT-13; RFC 6749
// §6, §10.4; RFC 9700 §4.14.2): what a refresh token binds, ONETIME rotation with reuse
// detection, REUSE renewal, the idle window and the grant's absolute end, and scope narrowing.
import { OAuthError } from '../../errors.js';
import type { RegisteredClient } from '../../registry/client-registry.js';
import type { AuthenticatedSubject } from '../tokens.js';
import { formParameter, type FormBody } from './token-request.js';

export interface RefreshTokenRecord {
  [key: string]: unknown;
  client_id: string;
  grant_id: string;
  /** The scope of the grant; a refresh may narrow the access token's scope, never this. */
  scope: string[];
  resource: string[];
  subject: AuthenticatedSubject;
  usage: 'ONETIME' | 'REUSE';
  /** ms: the idle window, renewed at each use (TOKEN-15 refresh_token_lifetime). */
  expires_at: number;
  /** ms: the absolute end of the grant (TOKEN-15 authorization_lifetime from the login). */
  grant_expires_at: number;
}

export interface RefreshGrantParameters {
  refresh_token: string;
  /** TOKEN-13: an optional narrower scope. */
  scope?: string[];
}

export function parseRefreshGrant(body: FormBody): RefreshGrantParameters {
  const token = formParameter(body, 'refresh_token');
  if (token === undefined) throw new OAuthError('invalid_request', 'refresh_token is missing');
  const scope = formParameter(body, 'scope');
  return { refresh_token: token, ...(scope !== undefined ? { scope: [...new Set(scope.split(' ').filter(Boolean))] } : {}) };
}

export const invalidRefreshToken = (detail: string) =>
  new OAuthError('invalid_grant', 'The refresh token is invalid, expired, revoked or was issued to another client', { detail });

/** How the store's lookup of a refresh token came out: a ONETIME redemption, or a REUSE read. */
export type RefreshRedemption = { state: 'missing' } | { state: 'mismatch' } | { state: 'fresh'; value: RefreshTokenRecord } | { state: 'used'; value: RefreshTokenRecord };

export type RefreshGrantDecision =
  | { kind: 'issue'; record: RefreshTokenRecord }
  /** TOKEN-14: a rotated token presented again means two parties hold it: end the grant, then `error`. */
  | { kind: 'reuse-detected'; record: RefreshTokenRecord; error: OAuthError };

/** TOKEN-13, TOKEN-14, TOKEN-15: decide a refresh after the token was redeemed (ONETIME) or read (REUSE). */
export function decideRefreshGrant(redemption: RefreshRedemption, nowMs: number): RefreshGrantDecision {
  if (redemption.state === 'missing') throw invalidRefreshToken('unknown refresh token');
  // TOKEN-13: another client's token is as good as none, and is left unharmed.
  if (redemption.state === 'mismatch') throw invalidRefreshToken('refresh token of another client');
  // TOKEN-14 RFC 9700 §4.14.2: a ONETIME token used before is a replay.
  if (redemption.state === 'used') return { kind: 'reuse-detected', record: redemption.value, error: invalidRefreshToken('refresh token reused') };
  checkRefreshTokenLife(redemption.value, nowMs);
  return { kind: 'issue', record: redemption.value };
}

/** TOKEN-15: the idle window and the grant's absolute end, on the injected clock. */
export function checkRefreshTokenLife(record: RefreshTokenRecord, nowMs: number): void {
  if (record.expires_at <= nowMs) throw invalidRefreshToken('refresh token idle too long');
  // Less than a second left would mint an access token that is born expired.
  if (record.grant_expires_at - nowMs < 1000) throw invalidRefreshToken('grant past its authorization_lifetime');
}

/** TOKEN-13 RFC 6749 §6: the requested scope may only narrow the grant's scope. */
export function narrowScope(granted: readonly string[], requested: readonly string[] | undefined): string[] {
  if (requested === undefined) return [...granted];
  if (requested.length === 0) throw new OAuthError('invalid_scope', 'scope is empty');
  const extra = requested.filter((s) => !granted.includes(s));
  if (extra.length > 0) throw new OAuthError('invalid_scope', `Scope not part of the original grant: ${extra.join(' ')}`);
  return [...requested];
}

/** TOKEN-13…15: a refresh token record for the grant, its idle window from now, capped by the grant. */
export function buildRefreshTokenRecord(
  client: Pick<RegisteredClient, 'client_id' | 'refresh_token_usage' | 'refresh_token_lifetime'>,
  grant: { grantId: string; scope: readonly string[]; resource: readonly string[]; subject: AuthenticatedSubject; grantExpiresAt: number },
  nowMs: number,
): RefreshTokenRecord {
  return {
    client_id: client.client_id,
    grant_id: grant.grantId,
    scope: [...grant.scope],
    resource: [...grant.resource],
    subject: grant.subject,
    // CLIENT-13: public clients are registered ONETIME only.
    usage: client.refresh_token_usage,
    expires_at: Math.min(nowMs + client.refresh_token_lifetime * 1000, grant.grantExpiresAt),
    grant_expires_at: grant.grantExpiresAt,
  };
}

/** TOKEN-14, TOKEN-15: REUSE keeps the token; its idle window starts again, capped by the grant. */
export const renewedRecord = (record: RefreshTokenRecord, client: Pick<RegisteredClient, 'refresh_token_lifetime'>, nowMs: number): RefreshTokenRecord => ({
  ...record,
  expires_at: Math.min(nowMs + client.refresh_token_lifetime * 1000, record.grant_expires_at),
});

/** The use of a ONETIME token is remembered until the grant could have ended, so a late replay is still seen. */
export const reuseMemoryMs = (client: Pick<RegisteredClient, 'authorization_lifetime'>): number => Math.max(1000, client.authorization_lifetime * 1000);
