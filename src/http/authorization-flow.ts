// What /authorize and the login page share: the stores, the cookies, issuing a code and
// delivering the authorization response. Decisions live in src/protocol; this is the plumbing.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CookieSerializeOptions } from '@fastify/cookie';
import { chooseLocale, languageCookie, type Locale } from '../i18n/locale.js';
import type { AuthorizationRequest, RedirectTarget } from '../protocol/authorize/request.js';
import { errorParameters, appendQueryParameters, successParameters, type ResponseParameters } from '../protocol/authorization-response.js';
import { newJti, type AuthenticatedSubject } from '../protocol/tokens.js';
import type { RegisteredClient } from '../registry/client-registry.js';
import { AccessTokenStore } from '../store/access-tokens.js';
import { CodeStore, codeLifetimeMs, newCode } from '../store/codes.js';
import { GrantStore, accessTokenMember } from '../store/grants.js';
import { PushedRequestStore } from '../store/pushed-requests.js';
import { RefreshTokenStore } from '../store/refresh-tokens.js';
import { SessionStore, type SessionRecord } from '../store/sessions.js';
import type { WriteOp } from '../store/store.js';
import { renderFormPostPage } from '../views/form-post-page.js';
import type { OAuthError } from '../errors.js';
import type { ProviderContext } from './context.js';
import { noStore, sendPage } from './headers.js';
import { CookieSealer } from './sealed-cookie.js';
import { randomToken } from '../random.js';

export const sessionCookie = 'op_sso';
export const interactionCookie = 'op_ix';
/** How long a user may take on the login page (choice). */
export const interactionLifetimeMs = 15 * 60_000;

/** A pending login: the validated request, sealed into a cookie bound to this browser. */
export interface Interaction {
  id: string;
  request: AuthorizationRequest;
  /** Compared in constant time with the login form's hidden field. */
  csrf: string;
  expires_at: number;
}

export interface FlowServices {
  sessions: SessionStore;
  codes: CodeStore;
  accessTokens: AccessTokenStore;
  grants: GrantStore;
  refreshTokens: RefreshTokenStore;
  pushedRequests: PushedRequestStore;
  interactions: CookieSealer;
  secureCookies: boolean;
  /** The issuer's path ('' or e.g. '/idp'): browser-facing URLs are issuer-relative (ENV-01). */
  basePath: string;
}

const services = new WeakMap<ProviderContext, FlowServices>();

export function flowServices(context: ProviderContext): FlowServices {
  let found = services.get(context);
  if (!found) {
    const accessTokens = new AccessTokenStore(context.store, context.keys);
    const grants = new GrantStore(context.store, context.keys, accessTokens);
    found = {
      sessions: new SessionStore(context.store, context.keys),
      codes: new CodeStore(context.store, context.keys),
      accessTokens,
      grants,
      refreshTokens: new RefreshTokenStore(context.store, context.keys, grants),
      pushedRequests: new PushedRequestStore(context.store, context.keys),
      interactions: new CookieSealer(context.cookieSecret, 'interaction'),
      secureCookies: context.config.issuer.startsWith('https:'),
      basePath: new URL(context.config.issuer).pathname.replace(/\/$/, ''),
    };
    services.set(context, found);
  }
  return found;
}

/**
 * SSO-01: HttpOnly; Secure; SameSite=None, because relying parties POST to /logout cross-site
 * and the cookie must arrive. Over plain http (test mode on localhost) browsers refuse
 * SameSite=None without Secure, so Lax is used there.
 */
export function sessionCookieOptions(flow: FlowServices, maxAgeMs: number): CookieSerializeOptions {
  return flow.secureCookies
    ? { path: '/', httpOnly: true, secure: true, sameSite: 'none', maxAge: Math.ceil(maxAgeMs / 1000) }
    : { path: '/', httpOnly: true, sameSite: 'lax', maxAge: Math.ceil(maxAgeMs / 1000) };
}

/**
 * The login page of an interaction as the browser sees it: under the issuer's path, like every
 * endpoint (interface.md: URLs come from OP_ISSUER; a proxy in front may strip that path).
 */
export const loginPageUrl = (flow: FlowServices, interactionId: string): string => `${flow.basePath}/login/${interactionId}`;

export function interactionCookieOptions(flow: FlowServices, interactionId: string, maxAgeMs: number): CookieSerializeOptions {
  // Scoped to this interaction's pages; Lax keeps it out of cross-site POSTs (CSRF).
  return { path: loginPageUrl(flow, interactionId), httpOnly: true, secure: flow.secureCookies, sameSite: 'lax', maxAge: Math.ceil(maxAgeMs / 1000) };
}

export const randomId = (bytes = 16): string => randomToken(bytes);

/** TOKEN-19: the scopes of a login-only grant. */
export const isLoginScope = (scope: string): boolean => scope === 'openid' || scope === 'profile';

/** AUTHZ-13: the language in effect for this request. */
export function localeOf(request: FastifyRequest, uiLocales: string | undefined): Locale {
  return chooseLocale(request.cookies[languageCookie], uiLocales);
}

/** The writes that issue a code for an authenticated subject (AUTHZ-18, AUTHZ-19, SSO-10, AT-08). */
export function issueCodeOps(
  flow: FlowServices,
  client: RegisteredClient,
  request: AuthorizationRequest,
  subject: AuthenticatedSubject,
  session: SessionRecord | undefined,
  nowMs: number,
): { code: string; ops: WriteOp[] } {
  const code = newCode();
  const grantId = randomId();
  const accessTokenJti = newJti();
  const ops: WriteOp[] = [
    ...flow.codes.issueOps(code, {
      client_id: client.client_id,
      redirect_uri: request.redirect_uri,
      scope: request.scope,
      resource: request.resource,
      subject,
      grant_id: grantId,
      access_token_jti: accessTokenJti,
      expires_at: nowMs + codeLifetimeMs,
      granted_at: nowMs,
      ...(request.nonce !== undefined ? { nonce: request.nonce } : {}),
      ...(request.code_challenge !== undefined ? { code_challenge: request.code_challenge } : {}),
    }),
    // The token is minted at /token; its record exists from now on so minting costs no write.
    ...flow.accessTokens.registerOps(
      accessTokenJti,
      { grant_id: grantId, client_id: client.client_id, locale: subject.locale },
      codeLifetimeMs + client.access_token_lifetime * 1000 + 60_000,
    ),
    // REVOKE-03, TOKEN-11: the grant knows its first access token from the start.
    ...flow.grants.trackOps(grantId, accessTokenMember(accessTokenJti), client.authorization_lifetime * 1000),
    // SSO-10, TOKEN-19: the session remembers the client, its grant, and whether the grant is
    // for login only (every scope openid or profile), which single logout ends (LOGOUT-10).
    ...(session
      ? flow.sessions.participantOps(session, subject.sid, { client_id: client.client_id, grant_id: grantId, login_only: request.scope.every(isLoginScope) }, nowMs)
      : []),
  ];
  return { code, ops };
}

/** AUTHZ-15, AUTHZ-16, AUTHZ-18, AUTHZ-20: send the response by the requested mode. */
export function deliverResponse(reply: FastifyReply, target: RedirectTarget, parameters: ResponseParameters, locale: Locale): FastifyReply {
  if (target.response_mode === 'form_post') return sendPage(reply, renderFormPostPage(target.redirect_uri, parameters, locale));
  return noStore(reply).redirect(appendQueryParameters(target.redirect_uri, parameters), 303);
}

export function deliverCode(reply: FastifyReply, target: RedirectTarget, code: string, issuer: string, locale: Locale): FastifyReply {
  return deliverResponse(reply, target, successParameters(code, target, issuer), locale);
}

export function deliverError(reply: FastifyReply, target: RedirectTarget, error: OAuthError, issuer: string, locale: Locale): FastifyReply {
  return deliverResponse(reply, target, errorParameters(error, target, issuer), locale);
}
