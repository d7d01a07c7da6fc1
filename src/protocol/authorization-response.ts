// The authorization response (AUTHZ-18, AUTHZ-20; RFC 6749 §4.1.2, §4.1.2.1; RFC 9207 §2):
// success carries code, state (if sent) and iss; an error carries error, error_description,
// state (if sent) and iss. Delivered by query (RFC 6749 §4.1.2, AUTHZ-10) or form_post (AUTHZ-16).
import type { OAuthError } from '../errors.js';
import type { RedirectTarget } from './authorize/request.js';

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
