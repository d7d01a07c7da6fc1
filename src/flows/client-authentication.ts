// Client authentication for the endpoints that take it (TOKEN-03…09, PAR-02, REVOKE-02,
// INTROSPECT-02): the protocol rules (protocol/client-authentication/) with this provider's
// registry, clock and jti memory, and the limit on failed authentications per client_id.
import { OAuthError } from '../errors.js';
import { authenticateClient, claimedClientId, type AuthenticatedClient, type ClientAuthInput } from '../protocol/client-authentication/index.js';
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

const tooManyFailures = 'Too many failed client authentications for this client_id; try again later';

/**
 * Authenticate the caller of a back-channel endpoint. The client is noted for the log (ERR-06).
 * In prod mode a failed authentication says only that it failed (the log has the cause); in test
 * mode it names the rule, so an integrator can fix their side.
 *
 * Failed authentications are limited per client_id (OP_RATE_LIMIT_CLIENT_AUTH a minute): the
 * failure that goes over the limit, and every attempt after it in that minute, gets 429, so
 * guessing a secret or replaying stolen assertions stops there. Only registered client_ids are
 * counted (an unknown one has nothing to guess, and counting it would let anyone create keys);
 * a success costs no store round trip (flows/rate-limits.ts).
 */
export async function authenticateCaller(services: Services, flow: FlowContext, input: ClientAuthInput): Promise<AuthenticatedClient> {
  const { issuer, mode, requireAssertionJti } = services.config;
  const limit = services.limits.clientAuthentication;
  if (limit.blocking) {
    const claimed = claimedClientId(input);
    const known = claimed === undefined ? undefined : limit.seen(claimed);
    if (known && !known.allowed) throw limit.refusal(known, tooManyFailures);
  }
  let caller: AuthenticatedClient;
  try {
    caller = await authenticateClient(input, {
      registry: services.registry,
      issuer,
      audiences: audiencesFor(issuer),
      clock: services.clock,
      requireJti: requireAssertionJti,
      rememberAssertionJti: (clientId, jti, ttlMs) => services.assertionJtis.remember(clientId, jti, ttlMs),
      certificates: services.certificates,
    });
  } catch (error) {
    if (!(error instanceof OAuthError) || error.error !== 'invalid_client') throw error;
    const claimed = claimedClientId(input);
    if (claimed !== undefined && services.registry.find(claimed)) {
      const verdict = await limit.count(claimed);
      if (!verdict.allowed) throw limit.refusal(verdict, tooManyFailures);
    }
    if (mode === 'prod' && error.description !== GENERIC_FAILURE) {
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
