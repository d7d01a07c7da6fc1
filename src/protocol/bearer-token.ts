// Bearer tokens at the userinfo endpoint: RFC 6750 §2.1 (header), §2.2 (form body), §2.3 (URI
// query, which UI-01 refuses) and §3 (the WWW-Authenticate challenge).
import { OAuthError } from '../errors.js';

export type BearerSource = { token: string } | { token: undefined };

const bearerHeader = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

export function challenge(realm: string, error?: { error: string; description: string; scope?: string }): string {
  const parts = [`realm="${realm}"`];
  if (error) {
    parts.push(`error="${error.error}"`, `error_description="${error.description}"`);
    if (error.scope) parts.push(`scope="${error.scope}"`);
  }
  return `Bearer ${parts.join(', ')}`;
}

/** UI-01: header (GET/POST) or form field (POST); never the query; never two at once. */
export function extractBearerToken(
  authorization: string | undefined,
  query: Readonly<Record<string, unknown>>,
  body: Readonly<Record<string, unknown>> | undefined,
  realm: string,
): BearerSource {
  const invalidRequest = (description: string) =>
    new OAuthError('invalid_request', description, { status: 400, wwwAuthenticate: challenge(realm, { error: 'invalid_request', description }) });
  // UI-01 RFC 6750 §2.3, §5.3: tokens in URLs end up in logs and history.
  if (query.access_token !== undefined) throw invalidRequest('Access tokens are not accepted in the query string');
  const fromBody = body?.access_token;
  if (Array.isArray(fromBody)) throw invalidRequest('access_token is repeated');
  // RFC 6750 §3.1: an Authorization header of another scheme carries no bearer token at all; the
  // request "lacks any authentication information" and gets a bare challenge, not an error code.
  const scheme = authorization?.split(' ', 1)[0]?.toLowerCase();
  if (authorization !== undefined && scheme === 'bearer') {
    const match = bearerHeader.exec(authorization);
    if (!match) throw invalidRequest('The Bearer authorization header is malformed');
    // RFC 6750 §2: clients MUST NOT use more than one method per request.
    if (fromBody !== undefined) throw invalidRequest('Send the access token in one place only');
    return { token: match[1]! };
  }
  if (typeof fromBody === 'string' && fromBody !== '') return { token: fromBody };
  return { token: undefined };
}

/** UI-04 RFC 6750 §3.1: 401 invalid_token with its challenge; `detail` only for the log. */
export const invalidToken = (realm: string, detail: string): OAuthError =>
  new OAuthError('invalid_token', 'The access token is invalid or has expired', {
    detail,
    wwwAuthenticate: challenge(realm, { error: 'invalid_token', description: 'The access token is invalid or has expired' }),
  });
