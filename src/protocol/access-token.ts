// Recognising our own JWT access tokens (AT-02, AT-08), shared by /userinfo (UI-02), revocation
// (REVOKE-05) and introspection (INTROSPECT-04): signed by one of our keys (JWKS-03), our iss,
// and the claims only an access token carries — an id_token has no client_amr, client_id or
// scope. Expiry is the caller's to judge: revocation accepts an expired token, the others don't.
import type { SigningKeys } from '../keys/signing-keys.js';
import { verifyOwnJwt } from './jws.js';

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
