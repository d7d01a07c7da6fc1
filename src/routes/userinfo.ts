// /userinfo: OIDC Core §5.3, RFC 6750 (UI-01…04). The JWT access token is verified locally; its
// record (AT-08) says whether it is revoked and carries the locale.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { OAuthError } from '../errors.js';
import { flowServices } from '../http/authorization-flow.js';
import { noStore } from '../http/headers.js';
import { challenge, extractBearerToken, verifyAccessToken } from '../protocol/bearer-token.js';
import { endpointUrl } from '../protocol/discovery.js';
import type { RouteModule } from './module.js';
import { documentOnly, oauthErrorBody } from './schemas.js';

export const userinfoPath = '/userinfo';

async function userinfo(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const context = request.server.op;
  const { config, clock, signingKeys } = context;
  const realm = config.issuer;
  noStore(reply);
  const { token } = extractBearerToken(request.headers.authorization, request.query as Record<string, unknown>, request.body as Record<string, unknown> | undefined, realm);
  // UI-04 RFC 6750 §3.1: no token at all is a bare challenge, without an error code.
  if (token === undefined) return reply.code(401).header('www-authenticate', challenge(realm)).send();
  const claims = verifyAccessToken(token, signingKeys, config.issuer, Math.floor(clock() / 1000), realm);
  request.clientId = claims.client_id;
  // UI-02, AT-08: a revoked (or never issued) token has no live record.
  const record = await flowServices(context).accessTokens.find(claims.jti);
  if (!record || record.revoked || record.client_id !== claims.client_id) {
    throw new OAuthError('invalid_token', 'The access token is invalid or has expired', {
      detail: record?.revoked ? 'revoked' : 'no record',
      wwwAuthenticate: challenge(realm, { error: 'invalid_token', description: 'The access token is invalid or has expired' }),
    });
  }
  // UI-02 Core §5.3: userinfo needs the profile scope; else 403 insufficient_scope (UI-04).
  if (!claims.scope.split(' ').includes('profile')) {
    const description = 'The access token lacks the profile scope';
    throw new OAuthError('insufficient_scope', description, { wwwAuthenticate: challenge(realm, { error: 'insufficient_scope', description, scope: 'profile' }) });
  }
  // UI-03: sub (as in the id_token), pid, locale.
  return reply.type('application/json; charset=utf-8').send(JSON.stringify({ sub: claims.sub, ...(claims.pid !== undefined ? { pid: claims.pid } : {}), locale: record.locale }));
}

const claims = z.object({ sub: z.string(), pid: z.string().optional(), locale: z.string() }).describe('UI-03');

export const userinfoModule: RouteModule = {
  name: 'userinfo',
  register(app) {
    const schema = { tags: ['userinfo'], summary: 'UserInfo endpoint (OIDC Core §5.3); Bearer access token with the profile scope', response: { 200: claims, 400: oauthErrorBody, 401: oauthErrorBody, 403: oauthErrorBody } };
    app.get(userinfoPath, { ...documentOnly, schema }, userinfo);
    app.post(
      userinfoPath,
      { ...documentOnly, schema: { ...schema, consumes: ['application/x-www-form-urlencoded'], body: z.object({ access_token: z.string().optional() }) } },
      userinfo,
    );
  },
  metadata: ({ config }) => ({ userinfo_endpoint: endpointUrl(config.issuer, userinfoPath) }),
};
