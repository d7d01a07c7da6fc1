// /par: RFC 9126 Pushed Authorization Requests (PAR-01…06). The client authenticates as at the
// token endpoint, every check of /authorize that needs no user runs now, and failures are JSON.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { OAuthError } from '../errors.js';
import { flowServices } from '../http/authorization-flow.js';
import { authenticateCaller } from '../http/client-authentication.js';
import { noStore } from '../http/headers.js';
import { parseAuthorizationRequest } from '../protocol/authorize/checks.js';
import type { RawParameters } from '../protocol/authorize/parameters.js';
import { pushedRequestUriPrefix } from '../protocol/authorize/pushed-request.js';
import { endpointUrl } from '../protocol/discovery.js';
import { newPushedRequestHandle } from '../store/pushed-requests.js';
import type { RouteModule } from './module.js';
import { documentOnly, oauthErrorBody } from './schemas.js';

export const parPath = '/par';

async function pushAuthorizationRequest(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const context = request.server.op;
  const { config, clock } = context;
  const body = (request.body ?? {}) as RawParameters;
  // PAR-02 RFC 9126 §2: exactly as at the token endpoint.
  const { client } = await authenticateCaller(request, parPath);
  // PAR-03 RFC 9126 §2.1: a request_uri cannot itself be pushed.
  if (body.request_uri !== undefined) throw new OAuthError('invalid_request', 'request_uri is not allowed in a pushed authorization request');
  // PAR-03: all of /authorize's checks that need no user, now; every failure is JSON (PAR-06).
  const outcome = parseAuthorizationRequest({ ...body, client_id: client.client_id }, context.registry, { pushed: true });
  if (!outcome.ok) {
    const error = outcome.error;
    throw new OAuthError(error.error, error.description, { status: error.status === 401 ? 400 : error.status, detail: error.detail });
  }
  const handle = newPushedRequestHandle();
  const lifetime = config.parLifetime; // PAR-05
  await flowServices(context).pushedRequests.save(handle, { client_id: client.client_id, request: outcome.request, expires_at: clock() + lifetime * 1000 }, lifetime * 1000);
  // PAR-04 RFC 9126 §2.2: 201 with the request_uri and its lifetime, never cached.
  return noStore(reply)
    .code(201)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify({ request_uri: `${pushedRequestUriPrefix}${handle}`, expires_in: lifetime }));
}

export const parModule: RouteModule = {
  name: 'par',
  register(app) {
    app.post(
      parPath,
      {
        ...documentOnly,
        schema: {
          tags: ['authorization'],
          summary: 'Pushed authorization request (RFC 9126)',
          description:
            'Takes the parameters of /authorize plus client authentication as at /token. Send the returned request_uri to /authorize with client_id only.',
          consumes: ['application/x-www-form-urlencoded'],
          body: z.object({ client_id: z.string().optional(), response_type: z.literal('code'), redirect_uri: z.string(), scope: z.string() }).catchall(z.unknown()),
          response: {
            201: z.object({ request_uri: z.string().describe('urn:idporten:<43 random characters>'), expires_in: z.number().int() }),
            400: oauthErrorBody,
            401: oauthErrorBody,
          },
        },
      },
      pushAuthorizationRequest,
    );
  },
  metadata: ({ config }) => ({
    pushed_authorization_request_endpoint: endpointUrl(config.issuer, parPath),
    // PAR-10 RFC 9126 §5: not required globally; clients may be registered to require it.
    require_pushed_authorization_requests: false,
  }),
};
