// Parsing of token endpoint requests (TOKEN-01, TOKEN-02, TOKEN-17; RFC 6749 §3.2, §4.1.3, §5.2).
import { OAuthError } from '../../errors.js';
import type { RegisteredClient } from '../../registry/client-registry.js';

export type FormBody = Readonly<Record<string, string | string[] | undefined>>;

/** One value of a form parameter; RFC 6749 §3.2: a parameter MUST NOT be included more than once. */
export function formParameter(body: FormBody, name: string): string | undefined {
  const value = body[name];
  if (Array.isArray(value)) throw new OAuthError('invalid_request', `${name} is repeated`);
  return value === '' ? undefined : value;
}

export const supportedGrantTypes = ['authorization_code', 'refresh_token'] as const;
export type SupportedGrantType = (typeof supportedGrantTypes)[number];

/**
 * TOKEN-02 RFC 6749 §5.2: an unknown or unsupported grant type is unsupported_grant_type
 * (implicit, password and client_credentials never exist here); a supported one the client is
 * not registered for is unauthorized_client.
 */
// TOKEN-17 RFC 6749 §5.2: the error codes of a refused grant type.
export function checkGrantType(body: FormBody, client: RegisteredClient): SupportedGrantType {
  const grantType = formParameter(body, 'grant_type');
  if (grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is missing');
  if (!(supportedGrantTypes as readonly string[]).includes(grantType)) {
    throw new OAuthError('unsupported_grant_type', 'This grant type is not supported');
  }
  if (!(client.grant_types as readonly string[]).includes(grantType)) {
    throw new OAuthError('unauthorized_client', 'The client is not registered for this grant type');
  }
  return grantType as SupportedGrantType;
}
