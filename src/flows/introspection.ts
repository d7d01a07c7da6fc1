// Introspection as a use case (INTROSPECT-01…05; RFC 7662). Only callers registered with the
// idporten:token.introspection scope may ask, and only about tokens whose scopes let them
// (enforced_aud_for_introspection); an answer other than an active access token the caller may
// see is exactly {"active":false}. JWT and opaque access tokens (AT-01) alike.
import { OAuthError } from '../errors.js';
import { isOpaqueHandle, isUsableRecord, readOpaqueAccessToken, readOwnAccessToken } from '../protocol/access-token.js';
import type { ClientAuthInput } from '../protocol/client-authentication/index.js';
import { mayIntrospect, scopePolicy } from '../protocol/scope-policy.js';
import { formParameter } from '../protocol/token/token-request.js';
import { authenticateCaller } from './client-authentication.js';
import type { FlowContext, Services } from './services.js';

export const introspectionPath = '/token/introspect';
export const introspectionScope = 'idporten:token.introspection';

export type IntrospectionResponse = { active: false } | ({ active: true; token_type: 'Bearer'; expires_in: number } & Record<string, unknown>);

const inactive: IntrospectionResponse = Object.freeze({ active: false });

/** INTROSPECT-05: the claims an active response repeats from the token, in this order. */
const repeatedClaims = ['scope', 'client_id', 'iss', 'sub', 'pid', 'acr', 'client_amr', 'consumer', 'supplier', 'aud', 'iat', 'exp', 'jti'] as const;

export async function introspect(services: Services, flow: FlowContext, input: ClientAuthInput): Promise<IntrospectionResponse> {
  // INTROSPECT-02 RFC 7662 §2.1: the caller authenticates; failure is 401 invalid_client.
  const { client, method } = await authenticateCaller(services, flow, input);
  // INTROSPECT-02 RFC 7662 §4: the caller must really authenticate; a public client cannot.
  if (method === 'none') throw new OAuthError('invalid_client', 'Introspection requires client authentication', { detail: 'public client' });
  // INTROSPECT-03: the caller must hold the introspection scope (403, profile's choice of code).
  if (!client.scopes.includes(introspectionScope)) {
    throw new OAuthError('unauthorized_client', `The client is not registered with the ${introspectionScope} scope`, { status: 403 });
  }
  const token = formParameter(input.body, 'token'); // INTROSPECT-01
  if (token === undefined) throw new OAuthError('invalid_request', 'token is missing');
  formParameter(input.body, 'token_type_hint'); // only refused when repeated; every token is looked up the same way

  // INTROSPECT-04: ours, an access token, unexpired, unrevoked, visible to the caller.
  const { issuer } = services.config;
  const opaque = isOpaqueHandle(token);
  // AT-01: an opaque token is its record (none, or a deny marker, once revoked).
  const own = opaque ? readOpaqueAccessToken(await services.accessTokens.find(services.accessTokens.opaqueId(token)), issuer) : await readOwnAccessToken(token, services.signingKeys, issuer);
  const nowSeconds = Math.floor(services.clock() / 1000);
  if (!own || own.claims.exp <= nowSeconds) return inactive;
  // CLIENT-17, ADMIN-08: the tokens of a deactivated client are revoked with it.
  if (!services.registry.find(own.claims.client_id)) return inactive;
  // INTROSPECT-04: visible only to a client its scopes name in enforced_aud_for_introspection.
  if (!mayIntrospect(scopePolicy(own.claims.scope.split(' '), services.scopes), client.client_id)) return inactive;
  // AT-08, REVOKE-05: a JWT is active only while its record is.
  if (!opaque && !isUsableRecord(await services.accessTokens.find(own.claims.jti), own.claims.client_id)) return inactive;

  // INTROSPECT-05 RFC 7662 §2.2; pid is absent when a scope requires pseudonymous tokens (AT-05).
  const answer: Record<string, unknown> = { active: true, token_type: 'Bearer' };
  for (const name of repeatedClaims) if (own.payload[name] !== undefined) answer[name] = own.payload[name];
  answer.expires_in = own.claims.exp - nowSeconds;
  return answer as IntrospectionResponse;
}
