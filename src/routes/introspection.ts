// /token/introspect: RFC 7662 (INTROSPECT-01…05). Only callers registered with the
// idporten:token.introspection scope may ask; an answer other than an active access token the
// caller may see is exactly {"active":false}.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { OAuthError } from '../errors.js';
import { flowServices } from '../http/authorization-flow.js';
import { authenticateCaller } from '../http/client-authentication.js';
import { noStore } from '../http/headers.js';
import { endpointUrl } from '../protocol/discovery.js';
import { readOwnAccessToken } from '../protocol/access-token.js';
import { formParameter, type FormBody } from '../protocol/token/token-request.js';
import type { RouteModule } from './module.js';
import { documentOnly, oauthErrorBody } from './schemas.js';

export const introspectionPath = '/token/introspect';
export const introspectionScope = 'idporten:token.introspection';

const inactive = JSON.stringify({ active: false });

/** INTROSPECT-05: the claims an active response repeats from the token, in this order. */
const repeatedClaims = ['scope', 'client_id', 'iss', 'sub', 'pid', 'acr', 'client_amr', 'consumer', 'supplier', 'aud', 'iat', 'exp', 'jti'] as const;

async function introspect(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const context = request.server.op;
  const { config, clock } = context;
  const body = (request.body ?? {}) as FormBody;
  // INTROSPECT-02 RFC 7662 §2.1: the caller authenticates; failure is 401 invalid_client.
  const { client, method } = await authenticateCaller(request, introspectionPath);
  // INTROSPECT-02 RFC 7662 §4: the caller must really authenticate; a public client cannot.
  if (method === 'none') throw new OAuthError('invalid_client', 'Introspection requires client authentication', { detail: 'public client' });
  // INTROSPECT-03: the caller must hold the introspection scope (403, profile's choice of code).
  if (!client.scopes.includes(introspectionScope)) {
    throw new OAuthError('unauthorized_client', `The client is not registered with the ${introspectionScope} scope`, { status: 403 });
  }
  const token = formParameter(body, 'token'); // INTROSPECT-01
  if (token === undefined) throw new OAuthError('invalid_request', 'token is missing');
  formParameter(body, 'token_type_hint'); // only refused when repeated; every token is looked up the same way
  noStore(reply).type('application/json; charset=utf-8');

  // INTROSPECT-04: ours, an access token, unexpired, unrevoked, visible to the caller.
  const own = readOwnAccessToken(token, context.signingKeys, config.issuer);
  const nowSeconds = Math.floor(clock() / 1000);
  if (!own || own.claims.exp <= nowSeconds) return reply.send(inactive);
  // INTROSPECT-04: until a scope registry can name other callers (enforced_aud_for_introspection,
  // profile §12), a caller sees only the access tokens issued to itself.
  if (own.claims.client_id !== client.client_id) return reply.send(inactive);
  const record = await flowServices(context).accessTokens.find(own.claims.jti);
  if (!record || record.revoked) return reply.send(inactive);

  // INTROSPECT-05 RFC 7662 §2.2 (pid included even for pseudonymous scopes).
  const answer: Record<string, unknown> = { active: true, token_type: 'Bearer' };
  for (const name of repeatedClaims) if (own.payload[name] !== undefined) answer[name] = own.payload[name];
  answer.expires_in = own.claims.exp - nowSeconds;
  return reply.send(JSON.stringify(answer));
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
          description: `Callers must be registered with the ${introspectionScope} scope and see only access tokens issued to themselves.`,
          consumes: ['application/x-www-form-urlencoded'],
          body: z.object({ token: z.string(), token_type_hint: z.string().optional() }).catchall(z.unknown()),
          response: { 200: introspectionResponse, 400: oauthErrorBody, 401: oauthErrorBody, 403: oauthErrorBody },
        },
      },
      introspect,
    );
  },
  metadata: ({ config }) => ({
    introspection_endpoint: endpointUrl(config.issuer, introspectionPath),
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    introspection_endpoint_auth_signing_alg_values_supported: ['RS256'],
  }),
};
