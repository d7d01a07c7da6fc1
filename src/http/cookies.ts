// The provider's cookies and their attributes: the SSO session (SSO-01), the pending login
// (interaction) and the language choice (AUTHZ-13).
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply } from 'fastify';
import type { SessionCookie } from '../flows/authorize.js';
import type { Services } from '../flows/services.js';
import { languageCookie, type Locale } from '../i18n/locale.js';

export const sessionCookie = 'op_sso';
export const interactionCookie = 'op_ix';
export { languageCookie };

/** Cookies are Secure whenever the issuer is https (ENV-01: every URL the browser sees is the issuer's). */
const secure = (services: Services): boolean => services.config.issuer.startsWith('https:');

/**
 * SSO-01: HttpOnly; Secure; SameSite=None, because relying parties POST to /logout cross-site
 * and the cookie must arrive. Over plain http (test mode on localhost) browsers refuse
 * SameSite=None without Secure, so Lax is used there.
 */
export function sessionCookieOptions(services: Services, maxAgeMs: number): CookieSerializeOptions {
  return secure(services)
    ? { path: '/', httpOnly: true, secure: true, sameSite: 'none', maxAge: Math.ceil(maxAgeMs / 1000) }
    : { path: '/', httpOnly: true, sameSite: 'lax', maxAge: Math.ceil(maxAgeMs / 1000) };
}

export function setSessionCookie(reply: FastifyReply, services: Services, cookie: SessionCookie): void {
  reply.setCookie(sessionCookie, cookie.value, sessionCookieOptions(services, cookie.maxAgeMs));
}

export function clearSessionCookie(reply: FastifyReply, services: Services): void {
  reply.clearCookie(sessionCookie, sessionCookieOptions(services, 0));
}

/**
 * The login page of an interaction as the browser sees it: under the issuer's path, like every
 * endpoint (URLs come from OP_ISSUER; a proxy in front may strip that path).
 */
export const loginPageUrl = (services: Services, interactionId: string): string => `${services.basePath}/login/${interactionId}`;

function interactionCookieOptions(services: Services, interactionId: string, maxAgeMs: number): CookieSerializeOptions {
  // Scoped to this interaction's pages; Lax keeps it out of cross-site POSTs (CSRF).
  return { path: loginPageUrl(services, interactionId), httpOnly: true, secure: secure(services), sameSite: 'lax', maxAge: Math.ceil(maxAgeMs / 1000) };
}

export function setInteractionCookie(reply: FastifyReply, services: Services, interactionId: string, sealed: string, lifetimeMs: number): void {
  reply.setCookie(interactionCookie, sealed, interactionCookieOptions(services, interactionId, lifetimeMs));
}

export function clearInteractionCookie(reply: FastifyReply, services: Services, interactionId: string): void {
  reply.clearCookie(interactionCookie, interactionCookieOptions(services, interactionId, 0));
}

/** AUTHZ-13: an active choice in our UI is remembered for a year and wins from then on. */
export function setLanguageCookie(reply: FastifyReply, services: Services, locale: Locale): void {
  reply.setCookie(languageCookie, locale, { path: '/', httpOnly: true, sameSite: 'lax', secure: secure(services), maxAge: 365 * 86_400 });
}
