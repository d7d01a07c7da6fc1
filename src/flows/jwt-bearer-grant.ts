// The JWT-bearer grant of machine clients as a use case (TOKEN-21; RFC 7523 §2.1): the assertion
// is the client's authentication (protocol/token/jwt-bearer-grant.ts decides), the token is
// minted (JWT or opaque, AT-01; lifetime capped by TOKEN-20), and one round trip both claims the
// assertion's jti (SET NX, shared by every instance) and writes the token's record: of two
// concurrent uses of one assertion, exactly one gets a token.
import { OAuthError } from '../errors.js';
import type { AccessTokenRecord } from '../protocol/access-token.js';
import type { ClientAuthInput } from '../protocol/client-authentication/index.js';
import { newAccessTokenHandle, newId, newJti } from '../protocol/identifiers.js';
import { signJwt } from '../protocol/jws.js';
import { cappedAccessTokenLifetime, scopePolicy } from '../protocol/scope-policy.js';
import { parseJwtBearerGrant, verifyJwtBearerGrant } from '../protocol/token/jwt-bearer-grant.js';
import { buildMachineAccessTokenClaims } from '../protocol/tokens.js';
import { undoOps } from '../store/store.js';
import type { FlowContext, Services } from './services.js';
import { accessTokenOps, type TokenResponse } from './token-issuance.js';

export async function jwtBearerGrant(services: Services, flow: FlowContext, input: ClientAuthInput): Promise<TokenResponse> {
  const { config, clock } = services;
  const request = parseJwtBearerGrant(input.body, input.authorization);
  const grant = await verifyJwtBearerGrant(request, {
    registry: services.registry,
    scopes: services.scopes,
    issuer: config.issuer,
    certificates: services.certificates,
    nowMs: clock(),
  });
  const { client } = grant;
  flow.noteClient(client);

  const now = clock();
  // AT-07, TOKEN-20: the client's lifetime, capped by the lowest at_max_age of the scopes.
  const policy = scopePolicy(grant.scope, services.scopes);
  const lifetime = cappedAccessTokenLifetime(client.access_token_lifetime, policy);
  const claims = buildMachineAccessTokenClaims({
    issuer: config.issuer,
    client,
    clientAmr: grant.clientAmr,
    scope: grant.scope,
    resource: grant.resource,
    jti: newJti(),
    nowSeconds: Math.floor(now / 1000),
    lifetime,
  });
  // AT-08, REVOKE-03: every token has a record and a grant of its own, so /token/revoke and
  // introspection treat machine tokens like any other.
  const record: AccessTokenRecord = { grant_id: newId(), client_id: client.client_id, locale: '' };
  const handle = policy.opaque ? newAccessTokenHandle() : undefined; // AT-01
  const ops =
    handle === undefined
      ? accessTokenOps(services, claims.jti as string, record, lifetime, lifetime * 1000 + 60_000)
      : accessTokenOps(services, services.accessTokens.opaqueId(handle), { ...record, claims }, lifetime, lifetime * 1000 + 60_000);

  // TOKEN-21 RFC 7523 §3 item 7: the jti is claimed atomically (SET NX on the store every instance
  // shares) in the same round trip as the record writes; a lost claim takes its writes back.
  const [first] = await Promise.all([services.assertionJtis.remember(client.client_id, grant.jti, grant.jtiMemoryMs), services.store.write(ops)]);
  if (!first) {
    await services.store.write(undoOps(ops));
    flow.log.warn({ client_id: client.client_id }, 'jwt-bearer assertion replayed (TOKEN-21)');
    throw new OAuthError('invalid_grant', 'The assertion jti has been used before', { detail: 'replayed jwt-bearer assertion' });
  }
  // TOKEN-21: an access token only: no id_token, no refresh token.
  return {
    access_token: handle ?? signJwt(claims, services.signingKeys.signingKey(now)),
    token_type: 'Bearer',
    expires_in: lifetime,
    scope: grant.scope.join(' '),
  };
}
