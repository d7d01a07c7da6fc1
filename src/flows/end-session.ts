// RP-initiated logout as a use case (LOGOUT-01…13, ERR-05): decide the redirect while the
// session still exists (LOGOUT-04), end the session and its login-only grants (LOGOUT-07), and
// say what the browser is shown. It never produces an OAuth error.
import { chooseLocale, type Locale } from '../i18n/locale.js';
import type { RawParameters } from '../protocol/authorize/parameters.js';
import { decideLogoutRedirect, parseLogoutParameters, verifyIdTokenHint, type FrontchannelNotice } from '../protocol/logout.js';
import { sidsOf } from '../protocol/session.js';
import { endBrowserSession, findBrowserSession } from './browser-session.js';
import { audit, type FlowContext, type Services } from './services.js';

export type EndSessionOutcome =
  /** LOGOUT-06: no session in this browser: nothing ended, nothing redirects. */
  | { kind: 'no-session'; locale: Locale }
  /** LOGOUT-07, LOGOUT-08: the session ended; notify these clients, then redirect or stay. */
  | { kind: 'ended'; locale: Locale; notices: FrontchannelNotice[]; redirect: string | undefined };

export async function endSession(services: Services, flow: FlowContext, input: { raw: RawParameters; sessionCookie: string | undefined; languageCookie: string | undefined }): Promise<EndSessionOutcome> {
  const parameters = parseLogoutParameters(input.raw);
  // LOGOUT-13: the pages speak the language in effect (cookie, then ui_locales, then nb).
  const locale = chooseLocale(input.languageCookie, parameters.ui_locales);
  // LOGOUT-04 (b): the session is looked up before anything is ended.
  const session = await findBrowserSession(services, input.sessionCookie, services.clock());
  const hint = await verifyIdTokenHint(parameters.id_token_hint, services.signingKeys, services.config.issuer); // LOGOUT-03
  if (hint) flow.noteClient({ client_id: hint.client_id });
  const decision = decideLogoutRedirect(parameters, hint, session?.record ?? null, services.registry, { acceptClientIdWithoutHint: services.config.logoutAcceptClientIdWithoutHint });
  if (decision.redirect === undefined && parameters.post_logout_redirect_uri !== undefined) {
    flow.log.info({ client_id: hint?.client_id, reason: decision.reason }, 'logout without redirect (LOGOUT-04)');
  }
  if (!session) return { kind: 'no-session', locale };

  // LOGOUT-07: end the sessions and grants, then notify (LOGOUT-08), then redirect or show the
  // final page. LOGOUT-11: no confirmation is asked for.
  const notices = await endBrowserSession(services, session, 'single logout');
  for (const sid of sidsOf(session.record)) audit(services, flow, { event: 'logout', client_id: hint?.client_id, sid, reason: 'single logout' });
  flow.log.info({ client_id: hint?.client_id, notified: notices.map((n) => n.client_id), redirect: decision.redirect !== undefined }, 'logged out (LOGOUT-07)');
  return { kind: 'ended', locale, notices, redirect: decision.redirect };
}
