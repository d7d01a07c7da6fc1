// A presented access token of ours that is still worth something, decided in one place for every
// endpoint that takes one as its caller's credential (/userinfo UI-02, the administration API
// ADMIN-02): ours and unexpired, with a live record (AT-08; an opaque token, AT-01, is its record),
// of a client that is still active (CLIENT-17, ADMIN-08). Introspection answers `active: false`
// instead of refusing and checks its audience rule before the store (INTROSPECT-04), so it keeps
// its own order.
import type { AccessTokenRecord } from '../protocol/access-token.js';
import { isOpaqueHandle, isUsableRecord, readOpaqueAccessToken, readOwnAccessToken, type OwnAccessToken } from '../protocol/access-token.js';
import { invalidToken } from '../protocol/bearer-token.js';
import type { Services } from './services.js';

export interface LiveAccessToken {
  own: OwnAccessToken;
  /** The token's record: the locale and eIDAS attributes of its login (AT-08). */
  record: AccessTokenRecord;
}

/** The token's claims and record, or invalid_token (RFC 6750 §3.1) naming why in the log only. */
export async function liveAccessToken(services: Services, token: string): Promise<LiveAccessToken> {
  const { config, clock, signingKeys, accessTokens } = services;
  const realm = config.issuer;
  const nowSeconds = Math.floor(clock() / 1000);
  let own: OwnAccessToken | undefined;
  let record: AccessTokenRecord | null;
  if (isOpaqueHandle(token)) {
    // AT-01: the handle's record holds the claims; a revoked or unknown handle has none.
    record = await accessTokens.find(accessTokens.opaqueId(token));
    own = readOpaqueAccessToken(record, config.issuer);
    if (!own || !record) throw invalidToken(realm, record?.revoked ? 'revoked opaque token' : 'unknown opaque token');
    if (own.claims.exp <= nowSeconds) throw invalidToken(realm, 'expired');
  } else {
    // UI-02: signature, iss and an access token's claims, unexpired, before the store is asked.
    own = await readOwnAccessToken(token, signingKeys, config.issuer);
    if (!own) throw invalidToken(realm, 'not one of our access tokens');
    if (own.claims.exp <= nowSeconds) throw invalidToken(realm, 'expired');
    // UI-02, AT-08: a revoked (or never issued) token has no live record.
    record = await accessTokens.find(own.claims.jti);
    if (!record || !isUsableRecord(record, own.claims.client_id)) throw invalidToken(realm, record?.revoked ? 'revoked' : 'no record');
  }
  // CLIENT-17, ADMIN-08: the token of a deactivated client is revoked with it (checked in memory).
  if (!services.registry.find(own.claims.client_id)) throw invalidToken(realm, 'the client is not active');
  return { own, record };
}
