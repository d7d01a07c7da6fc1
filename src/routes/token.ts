// /token: RFC 6749 §3.2, §4.1.3, §5, §6; OIDC Core §3.1.3, §12 (TOKEN-01…17); RFC 7523 §2.1
// (TOKEN-21). The use case is flows/token.ts (client authentication, then flows/code-grant.ts or
// flows/refresh-grant.ts; or flows/jwt-bearer-grant.ts, whose assertion authenticates the client).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { tokenEndpointPath } from '../flows/client-authentication.js';
import { exchangeToken } from '../flows/token.js';
import { flowContext } from '../http/fastify.js';
import { noStore } from '../http/headers.js';
import { endpointUrl } from '../protocol/discovery.js';
import { JWT_BEARER_GRANT } from '../protocol/token/jwt-bearer-grant.js';
import { supportedGrantTypes, type FormBody } from '../protocol/token/token-request.js';
import type { RouteModule } from './module.js';
import { documentOnly, oauthErrorBody } from './schemas.js';

export const tokenPath = tokenEndpointPath;

async function token(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  // TOKEN-01: a form POST (only form bodies are parsed at all).
  const body = (request.body ?? {}) as FormBody;
  const response = await exchangeToken(request.server.services, flowContext(request), { authorization: request.headers.authorization, body });
  noStore(reply).type('application/json; charset=utf-8');
  return reply.send(JSON.stringify(response));
}

const tokenResponse = z.object({
  access_token: z.string().describe('RS256 JWT (AT-02), or an opaque handle when a scope has token_type OPAQUE (AT-01)'),
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
            'Grants: authorization_code and refresh_token, with client authentication by client_secret_basic, client_secret_post, private_key_jwt (a registered key by kid, or a business certificate chain in x5c) or none (public clients with PKCE); ' +
            `and ${JWT_BEARER_GRANT} for machine clients (TOKEN-21), whose assertion authenticates the client: the response is an access token only.`,
          consumes: ['application/x-www-form-urlencoded'],
          body: z
            .object({
              grant_type: z.enum(['authorization_code', 'refresh_token', JWT_BEARER_GRANT]),
              code: z.string().optional(),
              redirect_uri: z.string().optional(),
              code_verifier: z.string().optional(),
              refresh_token: z.string().optional(),
              assertion: z.string().optional().describe(`${JWT_BEARER_GRANT}: the signed JWT grant (RFC 7523 §2.1)`),
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
    // DISC-04: the JWT-bearer grant is advertised because it is implemented (TOKEN-21).
    grant_types_supported: [...supportedGrantTypes, JWT_BEARER_GRANT],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    token_endpoint_auth_signing_alg_values_supported: ['RS256'],
    id_token_signing_alg_values_supported: ['RS256'],
    // DISC-02, IDT-04: pairwise by default; public for clients registered with subject_type public.
    subject_types_supported: ['public', 'pairwise'],
    // DISC-06: optional, recommended by Discovery §3.
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'auth_time', 'acr', 'amr', 'nonce', 'sid', 'pid', 'locale'],
  }),
};
