// /token: RFC 6749 §3.2, §4.1.3, §5, §6; OIDC Core §3.1.3, §12 (TOKEN-01…17). Client
// authentication is protocol/client-authentication.ts; the grants' checks are in
// protocol/token/; minting is http/token-issuance.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { OAuthError } from '../errors.js';
import type { ProviderContext } from '../http/context.js';
import { flowServices, type FlowServices } from '../http/authorization-flow.js';
import { authenticateCaller, tokenEndpointPath } from '../http/client-authentication.js';
import { noStore } from '../http/headers.js';
import { grantFacts, grantLifetimes, mintAccessToken, mintIdToken, mintRefreshToken } from '../http/token-issuance.js';
import type { AuthenticatedClient } from '../protocol/client-authentication.js';
import { endpointUrl } from '../protocol/discovery.js';
import { checkCodeRedemption, parseCodeGrant } from '../protocol/token/authorization-code-grant.js';
import { checkRefreshTokenLife, invalidRefreshToken, narrowScope, parseRefreshGrant } from '../protocol/token/refresh-token-grant.js';
import { checkGrantType, supportedGrantTypes, type FormBody } from '../protocol/token/token-request.js';
import type { RefreshTokenRecord } from '../store/refresh-tokens.js';
import type { WriteOp } from '../store/store.js';
import type { RouteModule } from './module.js';
import { documentOnly, oauthErrorBody } from './schemas.js';

export const tokenPath = tokenEndpointPath;

type TokenResponse = Record<string, string | number>;

/** How long after the first redemption a replay is still answered by revocation (TOKEN-11). */
const replayWindowMs = (accessTokenLifetimeSeconds: number): number => accessTokenLifetimeSeconds * 1000 + 60_000;

async function authorizationCodeGrant(context: ProviderContext, flow: FlowServices, body: FormBody, caller: AuthenticatedClient, request: FastifyRequest): Promise<TokenResponse> {
  const { client } = caller;
  const parameters = parseCodeGrant(body);
  const redemption = await flow.codes.redeem(parameters.code, client.client_id, replayWindowMs(client.access_token_lifetime));
  const now = context.clock();
  if (redemption.state === 'missing' || redemption.state === 'mismatch') {
    throw new OAuthError('invalid_grant', 'The authorization code is invalid, expired or was issued to another client', { detail: redemption.state === 'missing' ? 'unknown code' : 'code of another client' });
  }
  const record = redemption.value;
  if (redemption.state === 'used') {
    // TOKEN-11 RFC 6749 §4.1.2, §10.5: a second redemption revokes everything the first issued.
    await flow.grants.revoke(record.grant_id, client.client_id, 'authorization code replayed', now, grantLifetimes(client));
    request.log.warn({ client_id: client.client_id, grant_id: record.grant_id }, 'authorization code replayed; its grant is revoked (TOKEN-11)');
    throw new OAuthError('invalid_grant', 'The authorization code has already been used', { detail: 'code replay' });
  }
  checkCodeRedemption(record, client, parameters, now);

  // TOKEN-15: the grant lives authorization_lifetime from the authorization that issued the code.
  const facts = grantFacts(caller, record, record.granted_at + client.authorization_lifetime * 1000);
  const accessToken = mintAccessToken(context, flow, facts, now, record.access_token_jti);
  // TOKEN-12, CLIENT-05: a refresh token only for clients registered for the refresh_token grant.
  const refresh = client.grant_types.includes('refresh_token') ? mintRefreshToken(flow, facts, now) : undefined;
  if (refresh) await context.store.write(refresh.ops);
  return {
    access_token: accessToken.token,
    token_type: 'Bearer',
    expires_in: accessToken.lifetime,
    scope: record.scope.join(' '),
    // TOKEN-12 Core §3.1.3.3: an id_token only when openid was granted (AUTHZ-06).
    ...(record.scope.includes('openid') ? { id_token: mintIdToken(context, facts, record.nonce, now) } : {}),
    ...(refresh ? { refresh_token: refresh.token } : {}),
  };
}

async function refreshTokenGrant(context: ProviderContext, flow: FlowServices, body: FormBody, caller: AuthenticatedClient, request: FastifyRequest): Promise<TokenResponse> {
  const { client } = caller;
  const parameters = parseRefreshGrant(body);
  const now = context.clock();
  if (parameters.scope !== undefined) {
    // TOKEN-13: a bad scope must not use up a ONETIME token (a retry would then look like a
    // replay); the grant's scope never changes, so a plain read decides it before redemption.
    const peek = await flow.refreshTokens.find(parameters.refresh_token);
    if (peek && peek.client_id === client.client_id) narrowScope(peek.scope, parameters.scope);
  }
  let record: RefreshTokenRecord;
  if (client.refresh_token_usage === 'ONETIME') {
    // TOKEN-14 RFC 9700 §4.14.2: each use consumes the token atomically; of two concurrent
    // uses exactly one wins.
    const redemption = await flow.refreshTokens.redeem(parameters.refresh_token, client.client_id, now, now + client.authorization_lifetime * 1000);
    if (redemption.state === 'missing') throw invalidRefreshToken('unknown refresh token');
    if (redemption.state === 'mismatch') throw invalidRefreshToken('refresh token of another client');
    if (redemption.state === 'used') {
      // TOKEN-14: a rotated token presented again means two parties hold it: end the grant.
      await flow.grants.revoke(redemption.value.grant_id, client.client_id, 'refresh token reused', now, grantLifetimes(client));
      request.log.warn({ client_id: client.client_id, grant_id: redemption.value.grant_id }, 'rotated refresh token reused; its grant is revoked (TOKEN-14)');
      throw invalidRefreshToken('refresh token reused');
    }
    record = redemption.value;
  } else {
    const found = await flow.refreshTokens.find(parameters.refresh_token);
    if (!found) throw invalidRefreshToken('unknown refresh token');
    // TOKEN-13: another client's token is as good as none.
    if (found.client_id !== client.client_id) throw invalidRefreshToken('refresh token of another client');
    record = found;
  }
  checkRefreshTokenLife(record, now);
  // TOKEN-13, TOKEN-16: the new access token may be narrower; the grant keeps its scope.
  const facts = grantFacts(caller, record, record.grant_expires_at, narrowScope(record.scope, parameters.scope));
  const accessToken = mintAccessToken(context, flow, facts, now);
  let refreshToken: string;
  let refreshOps: WriteOp[];
  if (client.refresh_token_usage === 'ONETIME') {
    // TOKEN-14: a new token each time.
    const next = mintRefreshToken(flow, facts, now);
    refreshToken = next.token;
    refreshOps = next.ops;
  } else {
    // TOKEN-14, TOKEN-15: REUSE keeps the token; its idle window starts again.
    refreshToken = parameters.refresh_token;
    refreshOps = flow.refreshTokens.renewOps(refreshToken, { ...record, expires_at: Math.min(now + client.refresh_token_lifetime * 1000, record.grant_expires_at) }, now);
  }
  // The grant may be revoked meanwhile (REVOKE-03, logout, TOKEN-14): the marker is read in the
  // same round trip as the writes, and if it is there the fresh tokens die with the grant. A
  // revocation racing on another instance that read the grant's token list just before these
  // writes misses the new access token (its deny record cannot be overwritten: access-token
  // records are created with SET NX); the new refresh token still dies at its first use here.
  const [revoked] = await Promise.all([flow.grants.findRevocation(record.grant_id), context.store.write([...accessToken.ops, ...refreshOps])]);
  if (revoked) {
    await flow.grants.revoke(record.grant_id, client.client_id, revoked.reason, now, grantLifetimes(client));
    throw invalidRefreshToken('grant revoked');
  }
  // TOKEN-16 Core §12.2: a new access token, the refresh token, no id_token.
  return { access_token: accessToken.token, token_type: 'Bearer', expires_in: accessToken.lifetime, scope: facts.scope.join(' '), refresh_token: refreshToken };
}

async function token(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const context = request.server.op;
  const flow = flowServices(context);
  // TOKEN-01: a form POST (only form bodies are parsed at all).
  const body = (request.body ?? {}) as FormBody;
  const caller = await authenticateCaller(request, tokenPath);
  const grantType = checkGrantType(body, caller.client);
  const response = grantType === 'authorization_code' ? await authorizationCodeGrant(context, flow, body, caller, request) : await refreshTokenGrant(context, flow, body, caller, request);
  noStore(reply).type('application/json; charset=utf-8');
  return reply.send(JSON.stringify(response));
}

const tokenResponse = z.object({
  access_token: z.string().describe('RS256 JWT (AT-02)'),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  scope: z.string(),
  id_token: z.string().optional().describe('RS256 JWT, for the authorization_code grant when openid was granted (IDT-01)'),
  refresh_token: z.string().optional().describe('For clients registered with the refresh_token grant (TOKEN-12, TOKEN-14)'),
});

export const tokenModule: RouteModule = {
  name: 'token',
  register(app) {
    app.post(
      tokenPath,
      {
        ...documentOnly,
        schema: {
          tags: ['token'],
          summary: 'Token endpoint (RFC 6749 §3.2, OIDC Core §3.1.3)',
          description:
            'Grants: authorization_code and refresh_token. Client authentication: client_secret_basic, client_secret_post, private_key_jwt or none (public clients with PKCE).',
          consumes: ['application/x-www-form-urlencoded'],
          body: z
            .object({
              grant_type: z.enum(['authorization_code', 'refresh_token']),
              code: z.string().optional(),
              redirect_uri: z.string().optional(),
              code_verifier: z.string().optional(),
              refresh_token: z.string().optional(),
              scope: z.string().optional().describe('refresh_token grant: a narrower scope'),
              client_id: z.string().optional(),
              client_secret: z.string().optional(),
              client_assertion_type: z.string().optional(),
              client_assertion: z.string().optional(),
            })
            .catchall(z.unknown()),
          response: { 200: tokenResponse, 400: oauthErrorBody, 401: oauthErrorBody },
        },
      },
      token,
    );
  },
  metadata: ({ config }) => ({
    token_endpoint: endpointUrl(config.issuer, tokenPath),
    grant_types_supported: [...supportedGrantTypes],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    token_endpoint_auth_signing_alg_values_supported: ['RS256'],
    id_token_signing_alg_values_supported: ['RS256'],
    subject_types_supported: ['pairwise'],
    // DISC-06: optional, recommended by Discovery §3.
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'auth_time', 'acr', 'amr', 'nonce', 'sid', 'pid', 'locale'],
  }),
};
