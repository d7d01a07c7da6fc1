// Client authentication for the endpoints that take it (TOKEN-03…09, PAR-02, REVOKE-02,
// INTROSPECT-02): the protocol rules (protocol/client-authentication/) with this provider's
// registry, clock and jti memory.
import { authenticateClient, type AuthenticatedClient, type ClientAuthInput } from '../protocol/client-authentication/index.js';
import { endpointUrl } from '../protocol/discovery.js';
import type { FlowContext, Services } from './services.js';

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
 * token endpoint or this endpoint (TOKEN-07; RFC 9126 §2; RFC 7523 §3). The client is noted for
 * the log (ERR-06).
 */
export async function authenticateCaller(services: Services, flow: FlowContext, input: ClientAuthInput, path: string): Promise<AuthenticatedClient> {
  const { issuer } = services.config;
  const caller = await authenticateClient(input, {
    registry: services.registry,
    issuer,
    audiences: audiencesFor(issuer, path),
    clock: services.clock,
    rememberAssertionJti: (clientId, jti, ttlMs) => services.assertionJtis.remember(clientId, jti, ttlMs),
    certificates: services.certificates,
  });
  flow.noteClient({ client_id: caller.client.client_id });
  return caller;
}
