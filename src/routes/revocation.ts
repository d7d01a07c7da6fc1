// /token/revoke: RFC 7009 (REVOKE-01…05, AT-08). Revoking any token of a grant revokes the grant:
// every access token gets a deny marker until it expires and every refresh token is deleted;
// the SSO session and other clients' grants are untouched (REVOKE-03).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { OAuthError } from '../errors.js';
import { flowServices } from '../http/authorization-flow.js';
import { authenticateCaller } from '../http/client-authentication.js';
import { noStore } from '../http/headers.js';
import { grantLifetimes } from '../http/token-issuance.js';
import { endpointUrl } from '../protocol/discovery.js';
import { readOwnAccessToken } from '../protocol/access-token.js';
import { formParameter, type FormBody } from '../protocol/token/token-request.js';
import type { RouteModule } from './module.js';
import { documentOnly, oauthErrorBody } from './schemas.js';

export const revocationPath = '/token/revoke';

type Found = { kind: 'access'; client_id: string; jti: string; exp: number } | { kind: 'refresh'; client_id: string; grant_id: string };

async function findToken(request: FastifyRequest, token: string, hint: string | undefined): Promise<Found | undefined> {
  const context = request.server.op;
  const flow = flowServices(context);
  const asAccessToken = async (): Promise<Found | undefined> => {
    // REVOKE-05: one of our access tokens, expired or not; an id_token is no token to revoke.
    const claims = readOwnAccessToken(token, context.signingKeys, context.config.issuer)?.claims;
    return claims ? { kind: 'access', client_id: claims.client_id, jti: claims.jti, exp: claims.exp } : undefined;
  };
  const asRefreshToken = async (): Promise<Found | undefined> => {
    const record = await flow.refreshTokens.find(token);
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

async function revoke(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const context = request.server.op;
  const { clock } = context;
  const flow = flowServices(context);
  const body = (request.body ?? {}) as FormBody;
  // REVOKE-02 RFC 7009 §2.1: the client authenticates with its registered method.
  const { client } = await authenticateCaller(request, revocationPath);
  const token = formParameter(body, 'token');
  if (token === undefined) throw new OAuthError('invalid_request', 'token is missing');
  const found = await findToken(request, token, formParameter(body, 'token_type_hint'));
  noStore(reply);
  // REVOKE-04 RFC 7009 §2.2: an unknown token is answered like a revoked one.
  if (!found) return reply.code(200).send();
  // REVOKE-04: another client's token is refused, and left alone.
  if (found.client_id !== client.client_id) throw new OAuthError('invalid_grant', 'The token was issued to another client');
  const now = clock();
  if (found.kind === 'access') {
    // REVOKE-04: an expired access token needs nothing.
    if (found.exp * 1000 <= now) return reply.code(200).send();
    const record = await flow.accessTokens.find(found.jti);
    if (record && !record.revoked) {
      // REVOKE-03: the whole grant, with every token in it.
      await flow.grants.revoke(record.grant_id, client.client_id, 'revoked by the client', now, grantLifetimes(client));
    } else if (!record) {
      // REVOKE-05, AT-08: at least this jti is denied until the token's exp.
      await context.store.write(flow.accessTokens.revokeOps(found.jti, { grant_id: '', client_id: client.client_id, locale: '' }, found.exp * 1000 - now + 1000));
    }
  } else {
    await flow.grants.revoke(found.grant_id, client.client_id, 'revoked by the client', now, grantLifetimes(client));
  }
  request.log.info({ client_id: client.client_id, kind: found.kind }, 'token revoked (REVOKE-03)');
  return reply.code(200).send();
}

export const revocationModule: RouteModule = {
  name: 'revocation',
  register(app) {
    app.post(
      revocationPath,
      {
        ...documentOnly,
        schema: {
          tags: ['token'],
          summary: 'Token revocation (RFC 7009)',
          description: 'Revoking an access or refresh token revokes every token of its grant for that client. 200 for valid, expired and unknown tokens.',
          consumes: ['application/x-www-form-urlencoded'],
          body: z.object({ token: z.string(), token_type_hint: z.enum(['access_token', 'refresh_token']).optional() }).catchall(z.unknown()),
          response: { 200: z.null().describe('Empty body'), 400: oauthErrorBody, 401: oauthErrorBody },
        },
      },
      revoke,
    );
  },
  metadata: ({ config }) => ({
    revocation_endpoint: endpointUrl(config.issuer, revocationPath),
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    revocation_endpoint_auth_signing_alg_values_supported: ['RS256'],
  }),
};
