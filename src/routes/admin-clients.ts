// The administration API on Digdir's self-service paths (ADMIN-01…08; RFC 7591 §3, RFC 7592 §2;
// docs/interface.md "Administration API"); the use cases are flows/client-administration.ts.
// JSON in and out (only here: every other endpoint takes forms), Bearer access tokens with the
// idporten:dcr.* scopes, errors in the RFC 7591 §3.2.2 shape, a rate limit per source address.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { OAuthError } from '../errors.js';
import {
  authenticateAdminCaller,
  createClient,
  deleteClient,
  listClients,
  readClient,
  readKeys,
  replaceClient,
  replaceKeys,
  rotateSecret,
} from '../flows/client-administration.js';
import { flowContext } from '../http/fastify.js';
import { noStore } from '../http/headers.js';
import { routeRateLimit } from '../http/rate-limit.js';
import { clientRecordFields } from '../registry/client-schema.js';
import type { RouteModule } from './module.js';
import { documentOnly, oauthErrorBody } from './schemas.js';

export const adminClientsPath = '/api/v1/clients';

/** The OpenAPI name of the Bearer scheme (app.ts declares it). */
export const adminSecurity = [{ bearerAuth: [] }];

function sendJson(reply: FastifyReply, status: number, value: unknown): FastifyReply {
  return noStore(reply).code(status).type('application/json; charset=utf-8').send(JSON.stringify(value));
}

const caller = (request: FastifyRequest) => authenticateAdminCaller(request.server.services, flowContext(request), request.headers.authorization);
const clientIdOf = (request: FastifyRequest): string => (request.params as { client_id: string }).client_id;

const clientInput = clientRecordFields
  .omit({ client_id: true, client_secret: true, client_secret_expires_at: true, created: true, last_updated: true })
  .partial({ client_orgno: true })
  .describe('CLIENT-01 client record; client_id and client_secret are assigned by the provider');
const clientOutput = z
  .object({
    client_id: z.string(),
    client_secret: z.string().optional().describe('ADMIN-03, CLIENT-06: only in the answer of create, rotation, and a PUT that makes a secret'),
    client_secret_expires_at: z.number().optional(),
    client_orgno: z.string(),
    integration_type: z.string(),
    created: z.string().optional(),
    last_updated: z.string().optional(),
  })
  .catchall(z.unknown())
  .describe('CLIENT-01 client record as registered; never a secret hash');
const jwksBody = z.object({ keys: z.array(z.record(z.string(), z.unknown())).max(5) }).describe('ADMIN-07 CLIENT-07: the whole key set, 1 to 5 public RSA keys');
const params = z.object({ client_id: z.string() });
const errors = { 400: oauthErrorBody, 401: oauthErrorBody, 403: oauthErrorBody, 404: oauthErrorBody, 429: oauthErrorBody };

function register(app: FastifyInstance): void {
  // Only this scope reads JSON; anything else is refused before a handler runs.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    if (text === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text as string));
    } catch {
      done(new OAuthError('invalid_client_metadata', 'The body is not valid JSON (RFC 7591 §3.2.2)'), undefined);
    }
  });
  app.addContentTypeParser('*', (_request, _payload, done) => done(new OAuthError('invalid_request', 'The request body must be application/json'), undefined));

  const config = { rateLimit: routeRateLimit(app.services.config.rateLimits.adminApiPerAddress, 60_000) };
  const base = { ...documentOnly, config };
  const tags = ['administration'];

  app.post(
    adminClientsPath,
    { ...base, schema: { tags, security: adminSecurity, summary: 'Create a client (ADMIN-03; RFC 7591 §3.1); scope idporten:dcr.write', body: clientInput, response: { 201: clientOutput, ...errors } } },
    async (request, reply) => sendJson(reply, 201, await createClient(request.server.services, flowContext(request), await caller(request), request.body)),
  );
  app.get(
    adminClientsPath,
    { ...base, schema: { tags, security: adminSecurity, summary: "The caller's clients (ADMIN-02); scope idporten:dcr.read", response: { 200: z.array(clientOutput), ...errors } } },
    async (request, reply) => sendJson(reply, 200, await listClients(request.server.services, await caller(request))),
  );
  const one = `${adminClientsPath}/:client_id`;
  app.get(
    one,
    { ...base, schema: { tags, security: adminSecurity, summary: 'Read a client (RFC 7592 §2.1); scope idporten:dcr.read', params, response: { 200: clientOutput, ...errors } } },
    async (request, reply) => sendJson(reply, 200, await readClient(request.server.services, await caller(request), clientIdOf(request))),
  );
  app.put(
    one,
    {
      ...base,
      schema: { tags, security: adminSecurity, summary: 'Replace a client (ADMIN-05; RFC 7592 §2.2); scope idporten:dcr.modify', params, body: clientInput, response: { 200: clientOutput, ...errors } },
    },
    async (request, reply) => sendJson(reply, 200, await replaceClient(request.server.services, flowContext(request), await caller(request), clientIdOf(request), request.body)),
  );
  app.delete(
    one,
    {
      ...base,
      schema: { tags, security: adminSecurity, summary: 'Deactivate a client and revoke its grants (ADMIN-08; RFC 7592 §2.3); scope idporten:dcr.modify', params, response: { 204: z.null(), ...errors } },
    },
    async (request, reply) => {
      await deleteClient(request.server.services, flowContext(request), await caller(request), clientIdOf(request));
      return noStore(reply).code(204).send();
    },
  );
  app.post(
    `${one}/secret`,
    { ...base, schema: { tags, security: adminSecurity, summary: 'Rotate the secret (ADMIN-06): the old one stops working at once; scope idporten:dcr.modify', params, response: { 200: clientOutput, ...errors } } },
    async (request, reply) => sendJson(reply, 200, await rotateSecret(request.server.services, flowContext(request), await caller(request), clientIdOf(request))),
  );
  app.get(
    `${one}/jwks`,
    { ...base, schema: { tags, security: adminSecurity, summary: "The client's key set (ADMIN-07); scope idporten:dcr.read", params, response: { 200: jwksBody, ...errors } } },
    async (request, reply) => sendJson(reply, 200, await readKeys(request.server.services, await caller(request), clientIdOf(request))),
  );
  for (const method of ['post', 'put'] as const) {
    app[method](
      `${one}/jwks`,
      {
        ...base,
        schema: { tags, security: adminSecurity, summary: 'Replace the whole key set (ADMIN-07, CLIENT-07); scope idporten:dcr.modify', params, body: jwksBody, response: { 200: jwksBody, ...errors } },
      },
      async (request, reply) => sendJson(reply, 200, await replaceKeys(request.server.services, flowContext(request), await caller(request), clientIdOf(request), request.body)),
    );
  }
}

export const adminClientsModule: RouteModule = { name: 'admin-clients', register };
