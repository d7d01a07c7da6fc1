// SSO-04 OIDC Core §3.1.2.3: whether an authorization request is answered from the browser's
// session without any UI, needs the user (login or step-up, SSO-06), or fails for prompt=none
// (AUTHZ-14, Core §3.1.2.6). Pure: the request, the client, the login it may use (the common
// one, or its isolated one, SSO-08) and whether a scope demands a fresh login (AUTHZ-27) in; a
// decision out. Consent (the last condition of SSO-04) is decided after this (protocol/consent.ts).
import { OAuthError } from '../errors.js';
import type { RegisteredClient } from '../registry/client-registry.js';
import type { SessionLogin } from './session.js';
import { meetsRequirement } from './acr.js';
import type { AuthorizationRequest } from './authorize/request.js';

export type SsoDecision =
  | { kind: 'reuse' }
  | { kind: 'authenticate'; reason: 'no-session' | 'prompt-login' | 'fresh-authentication' | 'max-age' | 'grant-lifetime' | 'step-up' | 'isolated' }
  | { kind: 'error'; error: OAuthError };

/**
 * `freshAuthentication`: a requested scope requires a fresh login (AUTHZ-27). `grantLifetimeS`:
 * how long the grant may live from the login (TOKEN-15: the client's authorization_lifetime,
 * capped by the scopes' authorization_max_lifetime).
 */
export function decideSso(
  request: AuthorizationRequest,
  client: RegisteredClient,
  session: SessionLogin | null,
  nowMs: number,
  freshAuthentication = false,
  grantLifetimeS: number = client.authorization_lifetime,
): SsoDecision {
  const silentOnly = request.prompt.includes('none');
  // The error is built only when it is sent (an Error captures a stack trace: not for free).
  const need = (reason: Exclude<SsoDecision, { kind: 'reuse' } | { kind: 'error' }>['reason'], error: () => OAuthError): SsoDecision =>
    // AUTHZ-14 Core §3.1.2.6: prompt=none never shows UI; it answers with the reason instead.
    silentOnly ? { kind: 'error', error: error() } : { kind: 'authenticate', reason };
  const loginRequired = (text: string) => () => new OAuthError('login_required', text);

  // AUTHZ-14: prompt=login forces fresh authentication (the session itself continues, SSO-05).
  if (request.prompt.includes('login')) return { kind: 'authenticate', reason: 'prompt-login' };
  // AUTHZ-27, SSO-04: a scope registered with requires_user_authentication needs a fresh login
  // even with a live session; prompt=none cannot give one.
  if (freshAuthentication) return need('fresh-authentication', loginRequired('A requested scope requires a fresh login'));
  // SSO-08: a client that opted out of SSO is given only its own isolated login, never the
  // common one; the caller passes whichever applies.
  if (!session) return need(client.sso_disabled ? 'isolated' : 'no-session', loginRequired('No active login session'));
  // Core §3.1.2.1 max_age: an authentication older than max_age seconds must be repeated.
  if (request.max_age !== undefined && nowMs / 1000 - session.auth_time > request.max_age) {
    return need('max-age', loginRequired('The login is older than max_age'));
  }
  // TOKEN-15: the grant would be counted from this login's authentication and already be over
  // (its lifetime shorter than the session's age): a fresh login is needed.
  if (nowMs - session.auth_time * 1000 >= grantLifetimeS * 1000 - 1000) {
    return need('grant-lifetime', loginRequired("The login is older than the client's authorization_lifetime"));
  }
  // SSO-04, SSO-06, AUTHZ-11: the session must meet the requested minimum level on its scale (an
  // eIDAS login answers only a request that asked for eIDAS), or the user steps up.
  if (!meetsRequirement(session.acr, request)) {
    return need('step-up', () => new OAuthError('interaction_required', 'A higher level of assurance is required'));
  }
  return { kind: 'reuse' };
}
