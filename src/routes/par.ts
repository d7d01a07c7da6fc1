// /par: RFC 9126 Pushed Authorization Requests (PAR-01…06); the use case is
// flows/pushed-authorization.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parPath, pushAuthorizationRequest } from '../flows/pushed-authorization.js';
import { flowContext } from '../http/fastify.js';
import { noStore } from '../http/headers.js';
import type { RawParameters } from '../protocol/authorize/parameters.js';
import { endpointUrl } from '../protocol/discovery.js';
import type { RouteModule } from './module.js';
import { documentOnly, oauthErrorBody } from './schemas.js';

export { parPath };

async function handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const body = (request.body ?? {}) as RawParameters;
  const answer = await pushAuthorizationRequest(request.server.services, flowContext(request), { authorization: request.headers.authorization, body });
  // PAR-04 RFC 9126 §2.2: 201, never cached.
  return noStore(reply).code(201).type('application/json; charset=utf-8').send(JSON.stringify(answer));
}

export const parModule: RouteModule = {
  name: 'par',
  register(app) {
    // PAR-01 RFC 9126 §2.1: POST with a form body only (other methods get 405 with Allow).
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
      handle,
    );
  },
  metadata: ({ config }) => ({
    pushed_authorization_request_endpoint: endpointUrl(config.issuer, parPath),
    // PAR-10 RFC 9126 §5: not required globally; clients may be registered to require it.
    require_pushed_authorization_requests: false,
  }),
};
