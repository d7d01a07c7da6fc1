// The authorization_code grant as a use case (TOKEN-10…12, TOKEN-15): redeem the code atomically
// with its bindings, let protocol/token/authorization-code-grant.ts decide, revoke on replay
// (TOKEN-11), mint.
import { OAuthError } from '../errors.js';
import type { AuthenticatedClient } from '../protocol/client-authentication/index.js';
import { scopePolicy } from '../protocol/scope-policy.js';
import { checkGrantNotOver, codeBindings, decideCodeGrant, grantExpiresAt, parseCodeGrant, replayWindowMs } from '../protocol/token/authorization-code-grant.js';
import type { FormBody } from '../protocol/token/token-request.js';
import { audit, type FlowContext, type Services } from './services.js';
import { grantFacts, mintAccessToken, mintIdToken, mintRefreshToken, revokeGrant, type TokenResponse } from './token-issuance.js';

export async function authorizationCodeGrant(services: Services, flow: FlowContext, caller: AuthenticatedClient, body: FormBody): Promise<TokenResponse> {
  const { client } = caller;
  const parameters = parseCodeGrant(body);
  // TOKEN-10, TOKEN-11: the bindings are proven in the same atomic step that uses the code up.
  const redemption = await services.codes.redeem(parameters.code, codeBindings(client, parameters), replayWindowMs(client));
  const now = services.clock();
  const decision = decideCodeGrant(redemption, parameters, now);
  if (decision.kind === 'replay') {
    // TOKEN-11 RFC 6749 §4.1.2, §10.5: a second redemption revokes everything the first issued.
    await revokeGrant(services, decision.record.grant_id, client, 'authorization code replayed');
    flow.log.warn({ client_id: client.client_id, grant_id: decision.record.grant_id }, 'authorization code replayed; its grant is revoked (TOKEN-11)');
    services.metrics.replayDetected('authorization_code');
    audit(services, flow, { event: 'token_revoked', client_id: client.client_id, grant_id: decision.record.grant_id, reason: 'authorization code replayed' });
    throw decision.error;
  }
  const { record } = decision;
  // TOKEN-15: the grant counts from the login's auth_time (capped by the scopes, CLIENT-16).
  const grantEndsAt = grantExpiresAt(record.subject, client, scopePolicy(record.scope, services.scopes));
  checkGrantNotOver(grantEndsAt, now);
  const facts = grantFacts(caller, record, grantEndsAt);
  const accessToken = mintAccessToken(services, facts, now, record.access_token_jti);
  // TOKEN-12, CLIENT-05: a refresh token only for clients registered for the refresh_token grant.
  const refresh = client.grant_types.includes('refresh_token') ? mintRefreshToken(services, facts, now) : undefined;
  const writes = [...accessToken.ops, ...(refresh?.ops ?? [])];
  if (accessToken.ops.length > 0) {
    // AT-01: an opaque token is registered only now. A replay of the code that revokes the grant
    // meanwhile (TOKEN-11) may have read the grant's token list before this write: the grant's
    // marker is read in the same round trip, and the fresh tokens die with the grant.
    const [revoked] = await Promise.all([services.grants.findRevocation(record.grant_id), services.store.write(writes)]);
    if (revoked) {
      await revokeGrant(services, record.grant_id, client, revoked.reason);
      throw new OAuthError('invalid_grant', 'code was already used', { detail: 'grant revoked while redeeming' });
    }
  } else if (writes.length > 0) {
    await services.store.write(writes);
  }
  services.metrics.tokenIssued('authorization_code');
  audit(services, flow, { event: 'token_issued', client_id: client.client_id, grant_id: record.grant_id, grant_type: 'authorization_code' });
  return {
    access_token: accessToken.token,
    token_type: 'Bearer',
    expires_in: accessToken.lifetime,
    scope: record.scope.join(' '),
    // TOKEN-12 Core §3.1.3.3: an id_token only when openid was granted (AUTHZ-06).
    ...(record.scope.includes('openid') ? { id_token: mintIdToken(services, facts, { nonce: record.nonce, onbehalfof: record.onbehalfof }, now) } : {}),
    ...(refresh ? { refresh_token: refresh.token } : {}),
  };
}
