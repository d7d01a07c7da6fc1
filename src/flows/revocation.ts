// Revocation as a use case (REVOKE-01…05, AT-08; RFC 7009). Revoking any token of a grant
// revokes the grant: every access token gets a deny marker until it expires and every refresh
// token is deleted; the SSO session and other clients' grants are untouched (REVOKE-03).
import { OAuthError } from '../errors.js';
import { isOpaqueHandle, readOpaqueAccessToken, readOwnAccessToken } from '../protocol/access-token.js';
import type { ClientAuthInput } from '../protocol/client-authentication/index.js';
import { formParameter } from '../protocol/token/token-request.js';
import { authenticateCaller } from './client-authentication.js';
import { audit, type FlowContext, type Services } from './services.js';
import { revokeGrant } from './token-issuance.js';

export const revocationPath = '/token/revoke';

/** A found token; an access token by its record id (its jti, or the hash of an opaque handle). */
type Found = { kind: 'access'; client_id: string; jti: string; exp: number } | { kind: 'refresh'; client_id: string; grant_id: string };

async function findToken(services: Services, token: string, hint: string | undefined): Promise<Found | undefined> {
  const asAccessToken = async (): Promise<Found | undefined> => {
    if (isOpaqueHandle(token)) {
      // AT-01: an opaque access token is found by its record (under the hash of its handle).
      const id = services.accessTokens.opaqueId(token);
      const claims = readOpaqueAccessToken(await services.accessTokens.find(id), services.config.issuer)?.claims;
      return claims ? { kind: 'access', client_id: claims.client_id, jti: id, exp: claims.exp } : undefined;
    }
    // REVOKE-05: one of our access tokens, expired or not; an id_token is no token to revoke.
    const claims = (await readOwnAccessToken(token, services.signingKeys, services.config.issuer))?.claims;
    return claims ? { kind: 'access', client_id: claims.client_id, jti: claims.jti, exp: claims.exp } : undefined;
  };
  const asRefreshToken = async (): Promise<Found | undefined> => {
    const record = await services.refreshTokens.find(token);
    return record ? { kind: 'refresh', client_id: record.client_id, grant_id: record.grant_id } : undefined;
  };
  // REVOKE-01 RFC 7009 §2.1: the hint orders the search; a wrong hint only widens it.
  const order = hint === 'refresh_token' ? [asRefreshToken, asAccessToken] : [asAccessToken, asRefreshToken];
  for (const lookup of order) {
    const found = await lookup();
    if (found) return found;
  }
  return undefined;
}

/** REVOKE-04 RFC 7009 §2.2: resolves for valid, expired and unknown tokens alike (200). */
export async function revokeToken(services: Services, flow: FlowContext, input: ClientAuthInput): Promise<void> {
  // REVOKE-02 RFC 7009 §2.1: the client authenticates with its registered method.
  const { client } = await authenticateCaller(services, flow, input);
  const token = formParameter(input.body, 'token');
  if (token === undefined) throw new OAuthError('invalid_request', 'token is missing');
  const found = await findToken(services, token, formParameter(input.body, 'token_type_hint'));
  // REVOKE-04 RFC 7009 §2.2: an unknown token is answered like a revoked one.
  if (!found) return;
  // REVOKE-04: another client's token is refused, and left alone.
  if (found.client_id !== client.client_id) throw new OAuthError('invalid_grant', 'The token was issued to another client');
  const now = services.clock();
  if (found.kind === 'access') {
    // REVOKE-04: an expired access token needs nothing.
    if (found.exp * 1000 <= now) return;
    const record = await services.accessTokens.find(found.jti);
    if (record && !record.revoked) {
      // REVOKE-03: the whole grant, with every token in it.
      await revokeGrant(services, record.grant_id, client, 'revoked by the client');
      audit(services, flow, { event: 'token_revoked', client_id: client.client_id, grant_id: record.grant_id, reason: 'revoked by the client' });
    } else if (!record) {
      // REVOKE-05, AT-08: at least this jti is denied until the token's exp.
      await services.accessTokens.revoke(found.jti, { grant_id: '', client_id: client.client_id, locale: '' }, found.exp * 1000 - now + 1000);
      audit(services, flow, { event: 'token_revoked', client_id: client.client_id, reason: 'revoked by the client' });
    }
  } else {
    await revokeGrant(services, found.grant_id, client, 'revoked by the client');
    audit(services, flow, { event: 'token_revoked', client_id: client.client_id, grant_id: found.grant_id, reason: 'revoked by the client' });
  }
  flow.log.info({ client_id: client.client_id, kind: found.kind }, 'token revoked (REVOKE-03)');
}
