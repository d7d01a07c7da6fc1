// Recognising our own access tokens (AT-01, AT-02, AT-08), shared by /userinfo (UI-02), revocation
// (REVOKE-05) and introspection (INTROSPECT-04). A JWT access token is signed by one of our keys
// (JWKS-03), has our iss, and the claims only an access token carries — an id_token has no
// client_amr, client_id or scope. An opaque access token (AT-01) is a random handle whose record
// holds those claims. Expiry is the caller's to judge: revocation accepts an expired token, the
// others don't.
import type { SigningKeys } from './jws.js';
import { verifyOwnJwt } from './jws.js';
import type { EidasAttributes } from './tokens.js';

/**
 * AT-08: every access token has a record: a JWT's keyed by its jti, written before the token
 * exists (with the code) so issuing costs no extra write; an opaque token's keyed by the hash of
 * its handle, holding its claims. /userinfo and introspection require the record; revocation
 * turns it into a deny marker that lives until the token's exp (REVOKE-05).
 */
export interface AccessTokenRecord {
  [key: string]: unknown;
  grant_id: string;
  client_id: string;
  locale: string;
  /** IDT-11, UI-03: the eIDAS attributes /userinfo answers with (kept here, never in the token). */
  eidas?: EidasAttributes;
  revoked?: boolean;
  /** AT-01: the claims of an opaque access token (a JWT carries its own). */
  claims?: Record<string, unknown>;
}

/** UI-02, AT-08: a token is usable only while its record exists, is not revoked and is the same client's. */
export const isUsableRecord = (record: AccessTokenRecord | null, clientId: string): boolean =>
  record !== null && !record.revoked && record.client_id === clientId;

export interface AccessTokenClaims {
  /** Absent for machine tokens (TOKEN-21, AT-05). */
  sub?: string;
  pid?: string;
  scope: string;
  client_id: string;
  jti: string;
  exp: number;
}

export interface OwnAccessToken {
  claims: AccessTokenClaims;
  /** Every claim as issued (INTROSPECT-05 repeats several of them). */
  payload: Readonly<Record<string, unknown>>;
}

/** AT-01: an opaque access token: 256 random bits, 43 base64url characters (a JWT has dots). */
const opaqueHandle = /^[A-Za-z0-9_-]{43}$/;
export const isOpaqueHandle = (token: string): boolean => opaqueHandle.test(token);

/** The access-token claims of an issued claim set, or undefined when it is no access token of ours. */
export function accessTokenClaims(payload: Readonly<Record<string, unknown>>, issuer: string): AccessTokenClaims | undefined {
  if (payload.iss !== issuer) return undefined;
  const { sub, scope, client_id, client_amr, jti, exp, pid } = payload;
  if (typeof client_amr !== 'string' || typeof client_id !== 'string' || typeof scope !== 'string') return undefined;
  if ((sub !== undefined && typeof sub !== 'string') || typeof jti !== 'string' || typeof exp !== 'number') return undefined;
  return { scope, client_id, jti, exp, ...(typeof sub === 'string' ? { sub } : {}), ...(typeof pid === 'string' ? { pid } : {}) };
}

/** A JWT access token of ours, or undefined. */
export async function readOwnAccessToken(token: string, keys: SigningKeys, issuer: string): Promise<OwnAccessToken | undefined> {
  const payload = (await verifyOwnJwt(token, keys))?.payload;
  const claims = payload && accessTokenClaims(payload, issuer);
  return claims ? { claims, payload: payload! } : undefined;
}

/** AT-01: an opaque access token from its record; undefined for a revoked or claimless record. */
export function readOpaqueAccessToken(record: AccessTokenRecord | null, issuer: string): OwnAccessToken | undefined {
  if (!record || record.revoked || !record.claims) return undefined;
  const claims = accessTokenClaims(record.claims, issuer);
  return claims && claims.client_id === record.client_id ? { claims, payload: record.claims } : undefined;
}
