// Recognising our own JWT access tokens (AT-02, AT-08), shared by /userinfo (UI-02), revocation
// (REVOKE-05) and introspection (INTROSPECT-04): signed by one of our keys (JWKS-03), our iss,
// and the claims only an access token carries — an id_token has no client_amr, client_id or
// scope. Expiry is the caller's to judge: revocation accepts an expired token, the others don't.
import type { SigningKeys } from './jws.js';
import { verifyOwnJwt } from './jws.js';

/**
 * AT-08: every JWT access token has a record keyed by its jti, written before the token exists
 * (with the code) so issuing costs no extra write. /userinfo requires the record; revocation
 * turns it into a deny marker that lives until the token's exp (REVOKE-05).
 */
export interface AccessTokenRecord {
  [key: string]: string | boolean | undefined;
  grant_id: string;
  client_id: string;
  locale: string;
  revoked?: boolean;
}

/** UI-02, AT-08: a token is usable only while its record exists, is not revoked and is the same client's. */
export const isUsableRecord = (record: AccessTokenRecord | null, clientId: string): boolean =>
  record !== null && !record.revoked && record.client_id === clientId;

export interface AccessTokenClaims {
  sub: string;
  pid?: string;
  scope: string;
  client_id: string;
  jti: string;
  exp: number;
}

export interface OwnAccessToken {
  claims: AccessTokenClaims;
  /** Every claim as signed (INTROSPECT-05 repeats several of them). */
  payload: Readonly<Record<string, unknown>>;
}

export function readOwnAccessToken(token: string, keys: SigningKeys, issuer: string): OwnAccessToken | undefined {
  const payload = verifyOwnJwt(token, keys)?.payload;
  if (!payload || payload.iss !== issuer) return undefined;
  const { sub, scope, client_id, client_amr, jti, exp, pid } = payload;
  if (typeof client_amr !== 'string' || typeof client_id !== 'string' || typeof scope !== 'string') return undefined;
  if (typeof sub !== 'string' || typeof jti !== 'string' || typeof exp !== 'number') return undefined;
  return { claims: { sub, scope, client_id, jti, exp, ...(typeof pid === 'string' ? { pid } : {}) }, payload };
}
