// Pushed authorization requests as a use case (PAR-01…06, RFC 9126 §2): the client authenticates
// as at the token endpoint, every check of /authorize that needs no user runs now, and the
// validated request is kept under a fresh request_uri.
import { OAuthError } from '../errors.js';
import { parseAuthorizationRequest } from '../protocol/authorize/checks.js';
import type { RawParameters } from '../protocol/authorize/parameters.js';
import { pushedRequestUriPrefix } from '../protocol/authorize/pushed-request.js';
import { newPushedRequestHandle } from '../protocol/identifiers.js';
import { authenticateCaller } from './client-authentication.js';
import { addressSubject } from './rate-limits.js';
import type { FlowContext, Services } from './services.js';

export const parPath = '/par';

export interface PushedRequestUri {
  request_uri: string;
  expires_in: number;
}

export async function pushAuthorizationRequest(services: Services, flow: FlowContext, input: { authorization: string | undefined; body: RawParameters }): Promise<PushedRequestUri> {
  const { config, clock } = services;
  // PAR-02 RFC 9126 §2: exactly as at the token endpoint.
  const { client } = await authenticateCaller(services, flow, input);
  // PAR-03 RFC 9126 §2.1: all of /authorize's checks that need no user, now (the table in
  // protocol/authorize/checks.ts says where /par differs); every failure is JSON (PAR-06).
  const outcome = parseAuthorizationRequest({ ...input.body, client_id: client.client_id }, services.registry, 'par', config);
  if (!outcome.ok) {
    const error = outcome.error;
    throw new OAuthError(error.error, error.description, { status: error.status === 401 ? 400 : error.status, detail: error.detail });
  }
  const handle = newPushedRequestHandle();
  const lifetime = config.parLifetime; // PAR-05
  // Pushed requests are kept for their lifetime, so how many one address and one client may push
  // is limited; both are decided before anything is kept, without a round trip (flows/rate-limits.ts).
  const { parPerAddress, parPerClient } = services.limits;
  const byAddress = parPerAddress.take(addressSubject(flow.sourceAddress));
  if (!byAddress.allowed) throw parPerAddress.refusal(byAddress, 'Too many pushed authorization requests from this address; try again later');
  const byClient = parPerClient.take(client.client_id);
  if (!byClient.allowed) throw parPerClient.refusal(byClient, 'Too many pushed authorization requests for this client; try again later');
  await services.pushedRequests.save(handle, { client_id: client.client_id, request: outcome.request, expires_at: clock() + lifetime * 1000 }, lifetime * 1000);
  // PAR-04 RFC 9126 §2.2: the request_uri and its lifetime.
  return { request_uri: `${pushedRequestUriPrefix}${handle}`, expires_in: lifetime };
}
