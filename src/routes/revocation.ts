// /token/revoke: RFC 7009 (REVOKE-01…05, AT-08); the use case is flows/revocation.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { revocationPath, revokeToken } from '../flows/revocation.js';
import { flowContext } from '../http/fastify.js';
import { noStore } from '../http/headers.js';
import { endpointUrl } from '../protocol/discovery.js';
import type { FormBody } from '../protocol/token/token-request.js';
import type { RouteModule } from './module.js';
import { documentOnly, oauthErrorBody } from './schemas.js';

export { revocationPath };

async function revoke(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const body = (request.body ?? {}) as FormBody;
  await revokeToken(request.server.services, flowContext(request), { authorization: request.headers.authorization, body });
  // REVOKE-04 RFC 7009 §2.2: 200 with an empty body.
  return noStore(reply).code(200).send();
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
