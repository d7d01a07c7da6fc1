// Client authentication for the endpoints that take it (TOKEN-03…09, PAR-02, REVOKE-02,
// INTROSPECT-02): one place that builds the context from the provider's state.
import type { FastifyRequest } from 'fastify';
import { authenticateClient, type AuthenticatedClient } from '../protocol/client-authentication.js';
import { endpointUrl } from '../protocol/discovery.js';

/** The token endpoint's path, an acceptable assertion audience everywhere (TOKEN-07, RFC 9126 §2). */
export const tokenEndpointPath = '/token';

const audienceCache = new Map<string, readonly string[]>();

/** The accepted assertion audiences of one endpoint: fixed, so built once. */
function audiencesFor(issuer: string, path: string): readonly string[] {
  const key = `${issuer} ${path}`;
  let audiences = audienceCache.get(key);
  if (!audiences) {
    audiences = Object.freeze([...new Set([issuer, endpointUrl(issuer, tokenEndpointPath), endpointUrl(issuer, path)])]);
    audienceCache.set(key, audiences);
  }
  return audiences;
}

/**
 * Authenticate the caller of the endpoint at `path`. An assertion's aud may be the issuer, the
 * token endpoint or this endpoint (TOKEN-07; RFC 9126 §2; RFC 7523 §3). The client is noted on
 * the request for the log (ERR-06).
 */
export async function authenticateCaller(request: FastifyRequest, path: string): Promise<AuthenticatedClient> {
  const context = request.server.op;
  const { issuer } = context.config;
  const audiences = audiencesFor(issuer, path);
  const caller = await authenticateClient(
    { authorization: request.headers.authorization, body: (request.body ?? {}) as Readonly<Record<string, string | string[] | undefined>> },
    { registry: context.registry, issuer, audiences, clock: context.clock, store: context.store, keys: context.keys },
  );
  request.clientId = caller.client.client_id;
  return caller;
}
