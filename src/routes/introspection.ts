// /token/introspect: RFC 7662 (INTROSPECT-01…05); the use case is flows/introspection.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { introspect, introspectionPath, introspectionScope } from '../flows/introspection.js';
import { flowContext } from '../http/fastify.js';
import { noStore } from '../http/headers.js';
import { endpointUrl } from '../protocol/discovery.js';
import type { FormBody } from '../protocol/token/token-request.js';
import type { RouteModule } from './module.js';
import { documentOnly, oauthErrorBody } from './schemas.js';

export { introspectionPath, introspectionScope };

async function handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const body = (request.body ?? {}) as FormBody;
  const answer = await introspect(request.server.services, flowContext(request), { authorization: request.headers.authorization, body });
  return noStore(reply).type('application/json; charset=utf-8').send(JSON.stringify(answer));
}

const introspectionResponse = z
  .object({
    active: z.boolean(),
    token_type: z.literal('Bearer').optional(),
    scope: z.string().optional(),
    client_id: z.string().optional(),
    iss: z.string().optional(),
    sub: z.string().optional(),
    pid: z.string().optional(),
    acr: z.string().optional(),
    client_amr: z.string().optional(),
    consumer: z.object({ authority: z.string(), ID: z.string() }).optional(),
    supplier: z.object({ authority: z.string(), ID: z.string() }).optional(),
    aud: z.union([z.string(), z.array(z.string())]).optional(),
    iat: z.number().int().optional(),
    exp: z.number().int().optional(),
    expires_in: z.number().int().optional(),
    jti: z.string().optional(),
  })
  .describe('INTROSPECT-05; exactly {"active":false} for anything else');

export const introspectionModule: RouteModule = {
  name: 'introspection',
  register(app) {
    app.post(
      introspectionPath,
      {
        ...documentOnly,
        schema: {
          tags: ['token'],
          summary: 'Token introspection (RFC 7662)',
          description: `Callers must be registered with the ${introspectionScope} scope; a token is visible only to a client that one of its scopes names in enforced_aud_for_introspection, and that every scope of the token naming introspectors names. JWT and opaque access tokens.`,
          consumes: ['application/x-www-form-urlencoded'],
          body: z.object({ token: z.string(), token_type_hint: z.string().optional() }).catchall(z.unknown()),
          response: { 200: introspectionResponse, 400: oauthErrorBody, 401: oauthErrorBody, 403: oauthErrorBody },
        },
      },
      handle,
    );
  },
  metadata: ({ config }) => ({
    introspection_endpoint: endpointUrl(config.issuer, introspectionPath),
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    introspection_endpoint_auth_signing_alg_values_supported: ['RS256'],
  }),
};
