// Client authentication at /token, /par, /token/revoke and /token/introspect (TOKEN-03…TOKEN-09,
// PAR-02, REVOKE-02, INTROSPECT-02): RFC 6749 §2.3 and §2.3.1 (client_secret_basic,
// client_secret_post), RFC 7523 §2.2 and §3 with RFC 7521 §4.2 (private_key_jwt), RFC 6749 §2.1
// (none). This module tells the methods apart and finds the client; each method is a file of
// its own. Every failure is an OAuthError: invalid_request (400) for a malformed request,
// invalid_client (401, ERR-04) for failed authentication (failure.ts). Descriptions never carry
// a secret or an assertion (ERR-03). Pure: the jti memory of TOKEN-07 is passed in.
import type { Clock } from '../../clock.js';
import { OAuthError } from '../../errors.js';
import type { ClientRegistry, RegisteredClient } from '../../registry/client-registry.js';
import { checkClientSecret, parseBasicAuthorization } from './client-secret-basic.js';
import { clientIdOfPostedSecret } from './client-secret-post.js';
import { GENERIC_FAILURE, failureFor, quote } from './failure.js';
import { clientIdOfPublicClient } from './none.js';
import { clientIdOfAssertion, verifyClientAssertion, type AssertionContext } from './private-key-jwt.js';

export { JWT_BEARER_ASSERTION_TYPE, type RememberAssertionJti } from './private-key-jwt.js';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

/** AT-04: the access token's client_amr: the method, or virksomhetssertifikat for an x5c assertion. */
export type ClientAmr = ClientAuthMethod | 'virksomhetssertifikat';

export interface ClientAuthInput {
  /** The Authorization header, if any. */
  authorization: string | undefined;
  /** The parsed form body: @fastify/formbody turns a repeated key into an array. */
  body: Readonly<Record<string, string | string[] | undefined>>;
}

export interface ClientAuthContext extends AssertionContext {
  registry: ClientRegistry;
  issuer: string;
  /** Milliseconds since the epoch. */
  clock: Clock;
}

export interface AuthenticatedClient {
  client: RegisteredClient;
  method: ClientAuthMethod;
  /** AT-04: how the client proved itself, for the access token's client_amr. */
  clientAmr: ClientAmr;
}

/**
 * The client_id a request claims (Basic header first, then the body), before anything is
 * verified, or undefined: what failed authentications are counted under (rate limits).
 */
export function claimedClientId(input: ClientAuthInput): string | undefined {
  if (input.authorization !== undefined) {
    try {
      return parseBasicAuthorization(input.authorization, failureFor(true, '')).clientId;
    } catch {
      return undefined;
    }
  }
  const bodyClientId = input.body.client_id;
  return typeof bodyClientId === 'string' && bodyClientId !== '' ? bodyClientId : undefined;
}

/**
 * Authenticate the client of a back-channel request with exactly its registered method.
 * Resolves to the client and the method it used, or throws an OAuthError.
 */
export async function authenticateClient(input: ClientAuthInput, context: ClientAuthContext): Promise<AuthenticatedClient> {
  const now = context.clock();
  const { body } = input;
  // ERR-04 RFC 6749 §5.2: a client that tried the Authorization header gets 401 with a challenge.
  const fail = failureFor(input.authorization !== undefined, context.issuer);

  // TOKEN-03 RFC 6749 §3.2: parameters MUST NOT be repeated; a repeated credential is also
  // "multiple credentials" (RFC 6749 §5.2).
  for (const name of ['client_id', 'client_secret', 'client_assertion', 'client_assertion_type'] as const) {
    if (Array.isArray(body[name])) {
      throw new OAuthError('invalid_request', `The ${name} parameter must not be repeated`, { detail: `repeated body parameter ${name}` });
    }
  }
  const bodyClientId = body.client_id as string | undefined;
  const bodySecret = body.client_secret as string | undefined;
  const assertion = body.client_assertion as string | undefined;
  const assertionType = body.client_assertion_type as string | undefined;

  const basic = input.authorization === undefined ? undefined : parseBasicAuthorization(input.authorization, fail);

  // TOKEN-03 RFC 6749 §2.3: "MUST NOT use more than one authentication method in each request".
  const present: ClientAuthMethod[] = [];
  if (basic) present.push('client_secret_basic');
  if (bodySecret !== undefined) present.push('client_secret_post');
  if (assertion !== undefined || assertionType !== undefined) present.push('private_key_jwt');
  if (present.length > 1) {
    throw new OAuthError('invalid_request', 'Use exactly one client authentication method', { detail: `methods present: ${present.join(', ')}` });
  }
  const method: ClientAuthMethod = present[0] ?? 'none';

  let clientId: string;
  switch (method) {
    case 'client_secret_basic':
      clientId = basic!.clientId;
      // TOKEN-04: a client_id beside the header must name the same client, or the request is ambiguous.
      if (bodyClientId !== undefined && bodyClientId !== clientId) {
        throw new OAuthError('invalid_request', 'The client_id parameter does not match the Authorization header', {
          detail: `Basic client_id ${quote(clientId)}, body client_id ${quote(bodyClientId)}`,
        });
      }
      break;
    case 'client_secret_post':
      clientId = clientIdOfPostedSecret(bodyClientId);
      break;
    case 'private_key_jwt':
      clientId = clientIdOfAssertion(assertionType, assertion, bodyClientId, fail);
      break;
    case 'none':
      clientId = clientIdOfPublicClient(bodyClientId, fail);
      break;
  }

  // CLIENT-17: an unknown or inactive client fails exactly like a wrong secret (the description
  // must not tell them apart); the log does.
  const client = context.registry.find(clientId);
  if (!client) throw fail(`${GENERIC_FAILURE}: unknown or inactive client_id`, `unknown or inactive client ${quote(clientId)} (method ${method})`);

  // TOKEN-03 RFC 6749 §2.3: only the registered method counts; this also stops a confidential
  // client from passing as public by sending client_id alone (TOKEN-09).
  if (method !== client.token_endpoint_auth_method) {
    throw fail('The client must use its registered authentication method', `client ${quote(clientId)} registered ${client.token_endpoint_auth_method}, used ${method}`);
  }

  let clientAmr: ClientAmr = method;
  switch (method) {
    case 'client_secret_basic':
      checkClientSecret(client, basic!.secret, method, now, fail);
      break;
    case 'client_secret_post':
      checkClientSecret(client, bodySecret!, method, now, fail);
      break;
    case 'private_key_jwt':
      clientAmr = await verifyClientAssertion(assertion!, client, now, context, fail);
      break;
    case 'none':
      // TOKEN-09 RFC 6749 §2.1: a public client has no credentials; being registered as such suffices.
      break;
  }
  return { client, method, clientAmr };
}
