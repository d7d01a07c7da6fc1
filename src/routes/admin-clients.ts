// The administration API on Digdir's self-service paths (ADMIN-01…08; RFC 7591 §3, RFC 7592 §2;
// docs/interface.md "Administration API"); the use cases are flows/client-administration.ts.
// JSON in and out (only here: every other endpoint takes forms), Bearer access tokens with the
// idporten:dcr.* scopes, errors in the RFC 7591 §3.2.2 shape, a rate limit per source address.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { OAuthError } from '../errors.js';
import {
  addOnBehalfOf,
  authenticateAdminCaller,
  createClient,
  deleteClient,
  deleteOnBehalfOf,
  listClients,
  listOnBehalfOf,
  readClient,
  readKeys,
  readOnBehalfOf,
  replaceClient,
  replaceKeys,
  replaceOnBehalfOf,
  rotateSecret,
} from '../flows/client-administration.js';
import { changeScopeAccess, createScope, listScopes, readScope, replaceScope } from '../flows/scope-administration.js';
import { flowContext } from '../http/fastify.js';
import { noStore } from '../http/headers.js';
import { routeRateLimit } from '../http/rate-limit.js';
import { clientRecordFields, onBehalfOfEntry } from '../registry/client-schema.js';
import { scopeRecordSchema } from '../registry/scope-schema.js';
import type { RouteModule } from './module.js';
import { documentOnly, oauthErrorBody } from './schemas.js';

const adminClientsPath = '/api/v1/clients';
const adminScopesPath = '/api/v1/scopes';

/** The OpenAPI name of the Bearer scheme (app.ts declares it). */
const adminSecurity = [{ bearerAuth: [] }];

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
const entryParams = z.object({ client_id: z.string(), onbehalfof: z.string().describe('The id of the entry, URL-encoded') });
const entryOutput = onBehalfOfEntry.describe('AUTHZ-24 onbehalfof entry of a client: {onbehalfof, name, orgno, description?}');
const entryReplacement = onBehalfOfEntry.partial({ onbehalfof: true }).describe("AUTHZ-24 onbehalfof entry; onbehalfof may be left out (it is the URL's)");
const scopeParams = z.object({ name: z.string().describe('The scope name, URL-encoded') });
const accessParams = z.object({ name: z.string().describe('The scope name, URL-encoded'), consumer_orgno: z.string() });
const scopeInput = scopeRecordSchema.partial({ owner_orgno: true }).omit({ created: true, last_updated: true }).describe('CLIENT-16 scope record; owner_orgno is the caller\'s');
const scopeOutput = z.object({ name: z.string(), owner_orgno: z.string() }).catchall(z.unknown()).describe('CLIENT-16 scope record');
const errors = { 400: oauthErrorBody, 401: oauthErrorBody, 403: oauthErrorBody, 404: oauthErrorBody, 429: oauthErrorBody };

function register(app: FastifyInstance): void {
  // ADMIN-01 (RFC 7591 §3.1, RFC 7592 §2.2): only this scope reads JSON; anything else is refused
  // before a handler runs. ADMIN-04 (RFC 7591 §3.2.2): a body that is not JSON is invalid_client_metadata.
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

  // A client's onbehalfof list (AUTHZ-24 sub-identities): idporten:dcr/onbehalfof:write edits it
  // and nothing else of the record; idporten:dcr.modify may too.
  const onBehalfOf = `${one}/onbehalfof`;
  const entry = `${onBehalfOf}/:onbehalfof`;
  const entryIdOf = (request: FastifyRequest): string => (request.params as { onbehalfof: string }).onbehalfof;
  app.get(
    onBehalfOf,
    {
      ...base,
      schema: { tags, security: adminSecurity, summary: "The client's onbehalfof list; scope idporten:dcr.read or idporten:dcr/onbehalfof:write", params, response: { 200: z.array(entryOutput), ...errors } },
    },
    async (request, reply) => sendJson(reply, 200, await listOnBehalfOf(request.server.services, await caller(request), clientIdOf(request))),
  );
  app.post(
    onBehalfOf,
    {
      ...base,
      schema: {
        tags,
        security: adminSecurity,
        summary: 'Add an onbehalfof entry (at most 100, ids unique within the client); scope idporten:dcr/onbehalfof:write or idporten:dcr.modify',
        params,
        body: entryOutput,
        response: { 201: entryOutput, ...errors },
      },
    },
    async (request, reply) => sendJson(reply, 201, await addOnBehalfOf(request.server.services, flowContext(request), await caller(request), clientIdOf(request), request.body)),
  );
  app.get(
    entry,
    { ...base, schema: { tags, security: adminSecurity, summary: 'Read an onbehalfof entry; scope idporten:dcr.read or idporten:dcr/onbehalfof:write', params: entryParams, response: { 200: entryOutput, ...errors } } },
    async (request, reply) => sendJson(reply, 200, await readOnBehalfOf(request.server.services, await caller(request), clientIdOf(request), entryIdOf(request))),
  );
  app.put(
    entry,
    {
      ...base,
      schema: {
        tags,
        security: adminSecurity,
        summary: 'Replace an onbehalfof entry (its id stays); scope idporten:dcr/onbehalfof:write or idporten:dcr.modify',
        params: entryParams,
        body: entryReplacement,
        response: { 200: entryOutput, ...errors },
      },
    },
    async (request, reply) =>
      sendJson(reply, 200, await replaceOnBehalfOf(request.server.services, flowContext(request), await caller(request), clientIdOf(request), entryIdOf(request), request.body)),
  );
  app.delete(
    entry,
    { ...base, schema: { tags, security: adminSecurity, summary: 'Remove an onbehalfof entry; scope idporten:dcr/onbehalfof:write or idporten:dcr.modify', params: entryParams, response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      await deleteOnBehalfOf(request.server.services, flowContext(request), await caller(request), clientIdOf(request), entryIdOf(request));
      return noStore(reply).code(204).send();
    },
  );

  // The scope owners' calls (CLIENT-16), scope idporten:scopes.write.
  const nameOf = (request: FastifyRequest): string => (request.params as { name: string }).name;
  app.get(
    adminScopesPath,
    { ...base, schema: { tags, security: adminSecurity, summary: "The scopes the caller's organisation owns; scope idporten:scopes.write", response: { 200: z.array(scopeOutput), ...errors } } },
    async (request, reply) => sendJson(reply, 200, await listScopes(request.server.services, await caller(request))),
  );
  app.post(
    adminScopesPath,
    { ...base, schema: { tags, security: adminSecurity, summary: 'Create a scope of an own prefix (CLIENT-16); scope idporten:scopes.write', body: scopeInput, response: { 201: scopeOutput, ...errors } } },
    async (request, reply) => sendJson(reply, 201, await createScope(request.server.services, flowContext(request), await caller(request), request.body)),
  );
  app.get(
    `${adminScopesPath}/:name`,
    { ...base, schema: { tags, security: adminSecurity, summary: 'Read an own scope; scope idporten:scopes.write', params: scopeParams, response: { 200: scopeOutput, ...errors } } },
    async (request, reply) => sendJson(reply, 200, await readScope(request.server.services, await caller(request), nameOf(request))),
  );
  app.put(
    `${adminScopesPath}/:name`,
    { ...base, schema: { tags, security: adminSecurity, summary: 'Replace an own scope (name, prefix, subscope and owner stay); scope idporten:scopes.write', params: scopeParams, body: scopeInput, response: { 200: scopeOutput, ...errors } } },
    async (request, reply) => sendJson(reply, 200, await replaceScope(request.server.services, flowContext(request), await caller(request), nameOf(request), request.body)),
  );
  const access = `${adminScopesPath}/access/:name/:consumer_orgno`;
  app.put(
    access,
    { ...base, schema: { tags, security: adminSecurity, summary: 'Grant an organisation an own scope (consumer_orgnos); scope idporten:scopes.write', params: accessParams, response: { 200: scopeOutput, ...errors } } },
    async (request, reply) => {
      const { consumer_orgno } = request.params as { consumer_orgno: string };
      return sendJson(reply, 200, await changeScopeAccess(request.server.services, flowContext(request), await caller(request), nameOf(request), consumer_orgno, true));
    },
  );
  app.delete(
    access,
    { ...base, schema: { tags, security: adminSecurity, summary: "Take an organisation's access to an own scope back; scope idporten:scopes.write", params: accessParams, response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      const { consumer_orgno } = request.params as { consumer_orgno: string };
      await changeScopeAccess(request.server.services, flowContext(request), await caller(request), nameOf(request), consumer_orgno, false);
      return noStore(reply).code(204).send();
    },
  );
}

export const adminClientsModule: RouteModule = { name: 'admin-clients', register };
