// Client authentication for the endpoints that take it (TOKEN-03…09, PAR-02, REVOKE-02,
// INTROSPECT-02): the protocol rules (protocol/client-authentication/) with this provider's
// registry, clock and jti memory.
import { OAuthError } from '../errors.js';
import { authenticateClient, type AuthenticatedClient, type ClientAuthInput } from '../protocol/client-authentication/index.js';
import { GENERIC_FAILURE } from '../protocol/client-authentication/failure.js';
import { endpointUrl } from '../protocol/discovery.js';
import type { FlowContext, Services } from './services.js';

/** The token endpoint's path, an acceptable assertion audience everywhere (TOKEN-07). */
export const tokenEndpointPath = '/token';

const audienceCache = new Map<string, readonly string[]>();

/**
 * TOKEN-07, draft-ietf-oauth-rfc7523bis: the assertion audiences of every endpoint are the issuer
 * and the token endpoint URL, never the URL of the endpoint called (/par, /token/revoke …).
 */
function audiencesFor(issuer: string): readonly string[] {
  let audiences = audienceCache.get(issuer);
  if (!audiences) {
    audiences = Object.freeze([issuer, endpointUrl(issuer, tokenEndpointPath)]);
    audienceCache.set(issuer, audiences);
  }
  return audiences;
}

/**
 * Authenticate the caller of a back-channel endpoint. The client is noted for the log (ERR-06).
 * In prod mode a failed authentication says only that it failed (the log has the cause); in test
 * mode it names the rule, so an integrator can fix their side.
 */
export async function authenticateCaller(services: Services, flow: FlowContext, input: ClientAuthInput): Promise<AuthenticatedClient> {
  const { issuer, mode, requireAssertionJti } = services.config;
  let caller: AuthenticatedClient;
  try {
    caller = await authenticateClient(input, {
      registry: services.registry,
      issuer,
      audiences: audiencesFor(issuer),
      clock: services.clock,
      requireJti: requireAssertionJti,
      rememberAssertionJti: (clientId, jti, ttlMs) => services.assertionJtis.remember(clientId, jti, ttlMs),
    });
  } catch (error) {
    if (mode === 'prod' && error instanceof OAuthError && error.error === 'invalid_client' && error.description !== GENERIC_FAILURE) {
      throw new OAuthError('invalid_client', GENERIC_FAILURE, {
        status: error.status,
        detail: `${error.description} (${error.detail ?? ''})`,
        ...(error.wwwAuthenticate !== undefined ? { wwwAuthenticate: error.wwwAuthenticate } : {}),
      });
    }
    throw error;
  }
  flow.noteClient({ client_id: caller.client.client_id });
  return caller;
}
