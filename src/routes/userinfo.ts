// /userinfo: OIDC Core §5.3, RFC 6750 (UI-01…04); the use case is flows/userinfo.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { userinfo } from '../flows/userinfo.js';
import { flowContext } from '../http/fastify.js';
import { noStore } from '../http/headers.js';
import { challenge, extractBearerToken } from '../protocol/bearer-token.js';
import { endpointUrl } from '../protocol/discovery.js';
import type { RouteModule } from './module.js';
import { documentOnly, oauthErrorBody } from './schemas.js';

export const userinfoPath = '/userinfo';

async function handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const services = request.server.services;
  const realm = services.config.issuer;
  noStore(reply);
  // UI-01: header (GET/POST) or form field (POST), never the query.
  const { token } = extractBearerToken(request.headers.authorization, request.query as Record<string, unknown>, request.body as Record<string, unknown> | undefined, realm);
  // UI-04 RFC 6750 §3.1: no token at all is a bare challenge, without an error code.
  if (token === undefined) return reply.code(401).header('www-authenticate', challenge(realm)).send();
  const claims = await userinfo(services, flowContext(request), token);
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(claims));
}

const claims = z
  .object({
    sub: z.string(),
    pid: z.string().optional(),
    locale: z.string(),
    // IDT-11: an eIDAS login's attributes.
    eidas_identifier: z.string().optional(),
    eidas_firstname: z.string().optional(),
    eidas_lastname: z.string().optional(),
    eidas_date_of_birth: z.string().optional(),
  })
  .describe('UI-03');

export const userinfoModule: RouteModule = {
  name: 'userinfo',
  register(app) {
    const schema = { tags: ['userinfo'], summary: 'UserInfo endpoint (OIDC Core §5.3); Bearer access token with the profile scope', response: { 200: claims, 400: oauthErrorBody, 401: oauthErrorBody, 403: oauthErrorBody } };
    app.get(userinfoPath, { ...documentOnly, schema }, handle);
    app.post(
      userinfoPath,
      { ...documentOnly, schema: { ...schema, consumes: ['application/x-www-form-urlencoded'], body: z.object({ access_token: z.string().optional() }) } },
      handle,
    );
  },
  metadata: ({ config }) => ({ userinfo_endpoint: endpointUrl(config.issuer, userinfoPath) }),
};
