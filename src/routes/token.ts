// /token: RFC 6749 §3.2, §4.1.3, §5; OIDC Core §3.1.3 (TOKEN-01…12, TOKEN-17). Client
// authentication is protocol/client-authentication.ts; the code grant's checks are
// protocol/token/authorization-code-grant.ts; claims are protocol/tokens.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { OAuthError } from '../errors.js';
import { flowServices } from '../http/authorization-flow.js';
import { noStore } from '../http/headers.js';
import { authenticateClient } from '../protocol/client-authentication.js';
import { endpointUrl } from '../protocol/discovery.js';
import { signJwt } from '../protocol/jws.js';
import { checkCodeRedemption, parseCodeGrant } from '../protocol/token/authorization-code-grant.js';
import { checkGrantType, supportedGrantTypes, type FormBody } from '../protocol/token/token-request.js';
import { buildAccessTokenClaims, buildIdTokenClaims, pairwiseSubject } from '../protocol/tokens.js';
import type { RouteModule } from './module.js';
import { documentOnly, oauthErrorBody } from './schemas.js';

export const tokenPath = '/token';

/** How long after the first redemption a replay is still answered by revocation (TOKEN-11). */
const replayWindowMs = (accessTokenLifetimeSeconds: number): number => accessTokenLifetimeSeconds * 1000 + 60_000;

async function token(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const context = request.server.op;
  const { config, clock, signingKeys, store } = context;
  const flow = flowServices(context);
  // TOKEN-01: a form POST (formbody refuses other media types before this point).
  const body = (request.body ?? {}) as FormBody;
  const { client, method } = await authenticateClient(
    { authorization: request.headers.authorization, body },
    // TOKEN-07: the assertion's aud may be the issuer or this endpoint's URL.
    { registry: context.registry, issuer: config.issuer, audiences: [config.issuer, endpointUrl(config.issuer, tokenPath)], clock, store, keys: context.keys },
  );
  request.clientId = client.client_id;
  checkGrantType(body, client);

  const parameters = parseCodeGrant(body);
  const redemption = await flow.codes.redeem(parameters.code, replayWindowMs(client.access_token_lifetime));
  if (redemption.state === 'missing') {
    throw new OAuthError('invalid_grant', 'The authorization code is invalid, expired or was issued to another client', { detail: 'unknown code' });
  }
  const record = redemption.value;
  const now = clock();
  if (redemption.state === 'used') {
    // TOKEN-11 RFC 6749 §4.1.2, §10.5: a second redemption, by anyone, revokes what the first one
    // issued, for as long as the code's own client's tokens can live.
    const owner = context.registry.find(record.client_id) ?? client;
    await store.write([
      ...flow.accessTokens.revokeOps(record.access_token_jti, { grant_id: record.grant_id, client_id: record.client_id, locale: record.subject.locale }, replayWindowMs(owner.access_token_lifetime)),
      ...flow.grants.revokeOps(record.grant_id, { revoked_at: now, reason: 'authorization code replayed' }, owner.authorization_lifetime * 1000),
    ]);
    request.log.warn({ client_id: client.client_id, grant_id: record.grant_id }, 'authorization code replayed; its grant is revoked (TOKEN-11)');
    throw new OAuthError('invalid_grant', 'The authorization code has already been used', { detail: 'code replay' });
  }
  checkCodeRedemption(record, client, parameters, now);

  const nowSeconds = Math.floor(now / 1000);
  const sub = pairwiseSubject(config.pairwiseSecret, client.client_id, record.subject.pid);
  const lifetime = client.access_token_lifetime; // AT-07
  const accessToken = signJwt(
    buildAccessTokenClaims({
      issuer: config.issuer,
      client,
      clientAuthMethod: method,
      subject: record.subject,
      sub,
      scope: record.scope,
      resource: record.resource,
      jti: record.access_token_jti,
      nowSeconds,
      lifetime,
    }),
    signingKeys.active,
  );
  // TOKEN-12 Core §3.1.3.3: an id_token only when openid was granted (AUTHZ-06).
  const idToken = record.scope.includes('openid')
    ? signJwt(
        buildIdTokenClaims({ issuer: config.issuer, client, subject: record.subject, sub, nowSeconds, ...(record.nonce !== undefined ? { nonce: record.nonce } : {}) }),
        signingKeys.active,
      )
    : undefined;
  noStore(reply).type('application/json; charset=utf-8');
  return reply.send(
    JSON.stringify({
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: lifetime,
      scope: record.scope.join(' '),
      ...(idToken !== undefined ? { id_token: idToken } : {}),
    }),
  );
}

const tokenResponse = z.object({
  access_token: z.string().describe('RS256 JWT (AT-02)'),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  scope: z.string(),
  id_token: z.string().optional().describe('RS256 JWT, when openid was granted (IDT-01)'),
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
          description: 'Client authentication: client_secret_basic, client_secret_post, private_key_jwt or none (public clients with PKCE).',
          consumes: ['application/x-www-form-urlencoded'],
          body: z
            .object({
              grant_type: z.literal('authorization_code'),
              code: z.string(),
              redirect_uri: z.string(),
              code_verifier: z.string().optional(),
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
