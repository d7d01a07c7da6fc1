// UserInfo as a use case (UI-01…04; OIDC Core §5.3, RFC 6750). A JWT access token is verified
// locally and its record (AT-08) says whether it is revoked and carries the locale; an opaque
// access token (AT-01) is its record.
import { OAuthError } from '../errors.js';
import { isOpaqueHandle, isUsableRecord, readOpaqueAccessToken, type AccessTokenClaims, type AccessTokenRecord } from '../protocol/access-token.js';
import { challenge, invalidToken, verifyAccessToken } from '../protocol/bearer-token.js';
import type { EidasAttributes } from '../protocol/tokens.js';
import type { FlowContext, Services } from './services.js';

export interface UserinfoClaims extends Partial<EidasAttributes> {
  sub: string;
  pid?: string;
  locale: string;
}

/** UI-02, UI-03 for a token already taken from the request (UI-01). */
export async function userinfo(services: Services, flow: FlowContext, token: string): Promise<UserinfoClaims> {
  const { config, clock, signingKeys } = services;
  const realm = config.issuer;
  const nowSeconds = Math.floor(clock() / 1000);
  let claims: AccessTokenClaims;
  let record: AccessTokenRecord | null;
  if (isOpaqueHandle(token)) {
    // AT-01: the handle's record holds the claims; a revoked or unknown handle has none.
    record = await services.accessTokens.find(services.accessTokens.opaqueId(token));
    const own = readOpaqueAccessToken(record, config.issuer);
    if (!own) throw invalidToken(realm, record?.revoked ? 'revoked opaque token' : 'unknown opaque token');
    if (own.claims.exp <= nowSeconds) throw invalidToken(realm, 'expired');
    claims = own.claims;
  } else {
    claims = await verifyAccessToken(token, signingKeys, config.issuer, nowSeconds, realm);
    // UI-02, AT-08: a revoked (or never issued) token has no live record.
    record = await services.accessTokens.find(claims.jti);
    if (!isUsableRecord(record, claims.client_id)) throw invalidToken(realm, record?.revoked ? 'revoked' : 'no record');
  }
  // CLIENT-17, ADMIN-08: the token of a deactivated client is revoked with it (checked in memory).
  if (!services.registry.find(claims.client_id)) throw invalidToken(realm, 'the client is not active');
  flow.noteClient({ client_id: claims.client_id });
  // UI-02 Core §5.3: userinfo needs the profile scope; else 403 insufficient_scope (UI-04). A
  // machine token (TOKEN-21) never has it.
  if (!claims.scope.split(' ').includes('profile') || claims.sub === undefined) {
    const description = 'The access token lacks the profile scope';
    throw new OAuthError('insufficient_scope', description, { wwwAuthenticate: challenge(realm, { error: 'insufficient_scope', description, scope: 'profile' }) });
  }
  // UI-03: sub (as in the id_token), pid (absent for pseudonymous scopes, AT-05, and for an eIDAS
  // identity without a Norwegian number, IDT-05), locale; IDT-11: an eIDAS login's attributes.
  return { sub: claims.sub, ...(claims.pid !== undefined ? { pid: claims.pid } : {}), locale: record!.locale, ...(record!.eidas ?? {}) };
}
