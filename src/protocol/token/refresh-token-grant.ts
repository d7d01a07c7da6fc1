// The refresh_token grant's checks (TOKEN-13…16; RFC 6749 §6; RFC 9700 §4.14.2).
import { OAuthError } from '../../errors.js';
import type { RefreshTokenRecord } from '../../store/refresh-tokens.js';
import { formParameter, type FormBody } from './token-request.js';

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
