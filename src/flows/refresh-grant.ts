// The refresh_token grant as a use case (TOKEN-13…16): redeem (ONETIME) or read (REUSE) the
// token, let protocol/token/refresh-token-grant.ts decide, revoke on reuse (TOKEN-14), mint, and
// lose no race with a revocation of the grant.
import type { AuthenticatedClient } from '../protocol/client-authentication/index.js';
import { decideRefreshGrant, narrowScope, parseRefreshGrant, renewedRecord, reuseMemoryMs, type RefreshRedemption } from '../protocol/token/refresh-token-grant.js';
import { invalidRefreshToken } from '../protocol/token/refresh-token-grant.js';
import type { FormBody } from '../protocol/token/token-request.js';
import type { WriteOp } from '../store/store.js';
import { audit, type FlowContext, type Services } from './services.js';
import { grantFacts, mintAccessToken, mintRefreshToken, revokeGrant, type TokenResponse } from './token-issuance.js';

export async function refreshTokenGrant(services: Services, flow: FlowContext, caller: AuthenticatedClient, body: FormBody): Promise<TokenResponse> {
  const { client } = caller;
  const parameters = parseRefreshGrant(body);
  const onetime = client.refresh_token_usage === 'ONETIME';
  if (parameters.scope !== undefined) {
    // TOKEN-13: a bad scope must not use up a ONETIME token (a retry would then look like a
    // replay); the grant's scope never changes, so a plain read decides it before redemption.
    const peek = await services.refreshTokens.find(parameters.refresh_token);
    if (peek && peek.client_id === client.client_id) narrowScope(peek.scope, parameters.scope);
  }
  // TOKEN-14 RFC 9700 §4.14.2: a ONETIME token is consumed atomically (of two concurrent uses
  // exactly one wins); a REUSE token is read.
  const redemption: RefreshRedemption = onetime ? await services.refreshTokens.redeem(parameters.refresh_token, client.client_id, reuseMemoryMs(client)) : await findReusable(services, parameters.refresh_token, client.client_id);
  const now = services.clock();
  const decision = decideRefreshGrant(redemption, now);
  if (decision.kind === 'reuse-detected') {
    await revokeGrant(services, decision.record.grant_id, client, 'refresh token reused');
    flow.log.warn({ client_id: client.client_id, grant_id: decision.record.grant_id }, 'rotated refresh token reused; its grant is revoked (TOKEN-14)');
    services.metrics.replayDetected('refresh_token');
    audit(services, flow, { event: 'refresh_reuse_detected', client_id: client.client_id, grant_id: decision.record.grant_id });
    throw decision.error;
  }
  const { record } = decision;
  // TOKEN-13, TOKEN-16: the new access token may be narrower; the grant keeps its scope.
  const facts = grantFacts(caller, record, record.grant_expires_at, narrowScope(record.scope, parameters.scope));
  const accessToken = mintAccessToken(services, facts, now);
  let refreshToken: string;
  let refreshOps: WriteOp[];
  if (onetime) {
    // TOKEN-14: a new token each time.
    const next = mintRefreshToken(services, facts, now);
    refreshToken = next.token;
    refreshOps = next.ops;
  } else {
    // TOKEN-14, TOKEN-15: REUSE keeps the token; its idle window starts again.
    refreshToken = parameters.refresh_token;
    refreshOps = services.refreshTokens.renewOps(refreshToken, renewedRecord(record, client, now), now);
  }
  // The grant may be revoked meanwhile (REVOKE-03, logout, TOKEN-14): the marker is read in the
  // same round trip as the writes, and if it is there the fresh tokens die with the grant. A
  // revocation racing on another instance that read the grant's token list just before these
  // writes misses the new access token (its deny record cannot be overwritten: access-token
  // records are created with SET NX); the new refresh token still dies at its first use here.
  const [revoked] = await Promise.all([services.grants.findRevocation(record.grant_id), services.store.write([...accessToken.ops, ...refreshOps])]);
  if (revoked) {
    await revokeGrant(services, record.grant_id, client, revoked.reason);
    throw invalidRefreshToken('grant revoked');
  }
  services.metrics.tokenIssued('refresh_token');
  audit(services, flow, { event: 'token_refreshed', client_id: client.client_id, grant_id: record.grant_id, grant_type: 'refresh_token' });
  // TOKEN-16 Core §12.2: a new access token, the refresh token, no id_token.
  return { access_token: accessToken.token, token_type: 'Bearer', expires_in: accessToken.lifetime, scope: facts.scope.join(' '), refresh_token: refreshToken };
}

/** TOKEN-14: a REUSE token as a redemption: found, another client's, or missing. */
async function findReusable(services: Services, token: string, clientId: string): Promise<RefreshRedemption> {
  const found = await services.refreshTokens.find(token);
  if (!found) return { state: 'missing' };
  return found.client_id === clientId ? { state: 'fresh', value: found } : { state: 'mismatch' };
}
