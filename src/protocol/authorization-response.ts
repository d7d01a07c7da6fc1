// The authorization response (AUTHZ-18, AUTHZ-20; RFC 6749 §4.1.2, §4.1.2.1; RFC 9207 §2):
// success carries code, state (if sent) and iss; an error carries error, error_description,
// state (if sent) and iss. Delivered by query (RFC 6749 §4.1.2, AUTHZ-10) or form_post (AUTHZ-16),
// or wrapped in a signed JWT by the JARM modes query.jwt and form_post.jwt (AUTHZ-17, JARM §2).
import type { OAuthError } from '../errors.js';
import type { RedirectTarget, ResponseMode } from './authorize/request.js';
import { signJwt, type SigningKey } from './jws.js';

export type ResponseParameters = [name: string, value: string][];

// AUTHZ-18 RFC 6749 §4.1.2, RFC 9207 §2: code, then state (if sent) and iss.
export function successParameters(code: string, target: RedirectTarget, issuer: string): ResponseParameters {
  return [['code', code], ...stateAndIssuer(target, issuer)];
}

export function errorParameters(error: OAuthError, target: RedirectTarget, issuer: string): ResponseParameters {
  return [['error', error.error], ['error_description', error.description], ...stateAndIssuer(target, issuer)];
}

function stateAndIssuer(target: RedirectTarget, issuer: string): ResponseParameters {
  // AUTHZ-10: state exactly as received; RFC 9207 §2: iss in every response (ENV-01).
  return [...(target.state !== undefined ? ([['state', target.state]] as ResponseParameters) : []), ['iss', issuer]];
}

/**
 * RFC 6749 §3.1.2: a query component of the registered redirect_uri is kept, so parameters are
 * appended to the string as registered rather than re-serialising it. Values are
 * application/x-www-form-urlencoded (RFC 6749 Appendix B).
 */
export function appendQueryParameters(redirectUri: string, parameters: ResponseParameters): string {
  const query = new URLSearchParams(parameters).toString();
  const separator = !redirectUri.includes('?') ? '?' : redirectUri.endsWith('?') || redirectUri.endsWith('&') ? '' : '&';
  return `${redirectUri}${separator}${query}`;
}

/** AUTHZ-17 JARM §2.1: "a maximum JWT lifetime of 10 minutes is RECOMMENDED"; ours is 2 minutes. */
const jarmLifetimeSeconds = 120;

/** AUTHZ-17: the JARM modes, and the plain mode that carries their one `response` parameter (JARM §2.3.1, §2.3.3). */
export const isJarmMode = (mode: ResponseMode): mode is 'query.jwt' | 'form_post.jwt' => mode === 'query.jwt' || mode === 'form_post.jwt';
export const carrierMode = (mode: ResponseMode): 'query' | 'form_post' => (mode === 'form_post' || mode === 'form_post.jwt' ? 'form_post' : 'query');

/**
 * AUTHZ-17 JARM §2.1, §2.2: the response fields (code and state, or error, error_description
 * and state) as claims of one RS256 JWT with iss, aud = the client_id and exp, returned as the one
 * parameter `response`. The RFC 9207 `iss` parameter becomes the JWT's iss claim.
 */
export function jarmParameters(parameters: ResponseParameters, target: RedirectTarget, issuer: string, nowSeconds: number, key: SigningKey): ResponseParameters {
  const claims: Record<string, unknown> = { iss: issuer, aud: target.client_id, exp: nowSeconds + jarmLifetimeSeconds };
  for (const [name, value] of parameters) if (name !== 'iss') claims[name] = value;
  return [['response', signJwt(claims, key)]];
}
