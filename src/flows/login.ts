// The login step as a use case (AUTHN-01…08, AUTHZ-26, SSO-01, SSO-05…09): show the
// authenticator's page for a pending interaction, and take its submission: cancel (access_denied),
// a refused identity (the page again, with the problem), or a login that builds the browser
// session and issues the code.
import { OAuthError, StoreUnavailableError, rateLimited, storeOutage } from '../errors.js';
import { chooseLocale, type Locale } from '../i18n/locale.js';
import { acrRank, type AcrLevel } from '../protocol/acr.js';
import { errorParameters, successParameters } from '../protocol/authorization-response.js';
import { newSessionCookieValue } from '../protocol/identifiers.js';
import type { FrontchannelNotice } from '../protocol/logout.js';
import { sessionAfterLogin, sessionRemainingMs, sidsOf } from '../protocol/session.js';
import type { AuthenticatedSubject } from '../protocol/tokens.js';
import type { RegisteredClient } from '../registry/client-registry.js';
import { undoOps } from '../store/store.js';
import type { AuthorizationResponse, SessionCookie } from './authorize.js';
import { targetOf } from './authorize.js';
import { endBrowserSession, findBrowserSession } from './browser-session.js';
import { issueCodeOps } from './code-issuance.js';
import { checkCsrf, expiredInteraction, interactionLifetimeLeft, openInteraction, type Interaction } from './interactions.js';
import { audit, type FlowContext, type Services } from './services.js';

export interface LoginInput {
  interactionId: string;
  /** The interaction cookie as the browser sent it. */
  sealedInteraction: string | undefined;
  languageCookie: string | undefined;
}

/** What the login page shows (views/login-page.ts renders it). */
export interface LoginPage {
  interaction: Interaction;
  client: RegisteredClient;
  locale: Locale;
  /** AUTHN-01: only levels that meet the client's minimum are offered. */
  levels: readonly AcrLevel[];
  selectedLevel: AcrLevel;
  pid?: string;
  problem?: string;
}

/** The pending interaction and its client, or the error page (CLIENT-17: a client deactivated meanwhile is unknown). */
async function openPending(services: Services, flow: FlowContext, input: LoginInput): Promise<{ interaction: Interaction; client: RegisteredClient }> {
  const interaction = await openInteraction(services, input.interactionId, input.sealedInteraction);
  const client = services.registry.find(interaction.request.client_id);
  if (!client) throw new OAuthError('invalid_client', 'Unknown or inactive client_id', { mayRedirect: false });
  flow.noteClient(client);
  return { interaction, client };
}

function loginPage(services: Services, interaction: Interaction, client: RegisteredClient, locale: Locale, extra: { pid?: string; problem?: string; acr?: string } = {}): LoginPage {
  const authenticator = services.authenticator!;
  const levels = authenticator.levels.filter((level) => acrRank(level) >= acrRank(interaction.request.acr_minimum));
  const selectedLevel = levels.find((level) => level === extra.acr) ?? levels[0]!;
  return {
    interaction,
    client,
    locale,
    levels,
    selectedLevel,
    ...(extra.pid !== undefined ? { pid: extra.pid } : {}),
    ...(extra.problem !== undefined ? { problem: extra.problem } : {}),
  };
}

/** GET: the login page. `chosenLocale` is an active language choice in our UI (AUTHZ-13). */
export async function showLogin(services: Services, flow: FlowContext, input: LoginInput & { chosenLocale?: Locale }): Promise<LoginPage> {
  const { interaction, client } = await openPending(services, flow, input);
  const locale = input.chosenLocale ?? chooseLocale(input.languageCookie, interaction.request.ui_locales);
  return loginPage(services, interaction, client, locale);
}

export interface LoginSubmission extends LoginInput {
  form: Readonly<Record<string, string | undefined>>;
  sessionCookie: string | undefined;
}

export type LoginOutcome =
  /** The page again: 400 for an unknown action, 422 for a refused identity. */
  | { kind: 'page'; page: LoginPage; status: 400 | 422 }
  /** The authorization response, after the session is saved (or the user cancelled). */
  | { kind: 'respond'; interactionId: string; response: AuthorizationResponse; session?: SessionCookie }
  /** SSO-07, LOGOUT-08: the previous person's clients are told before the response is delivered. */
  | { kind: 'frontchannel'; interactionId: string; response: AuthorizationResponse; session: SessionCookie; notices: FrontchannelNotice[] };

/** POST: cancel, or authenticate and answer the client. */
export async function submitLogin(services: Services, flow: FlowContext, input: LoginSubmission): Promise<LoginOutcome> {
  const { interaction, client } = await openPending(services, flow, input);
  checkCsrf(interaction, input.form.csrf);
  const locale = chooseLocale(input.languageCookie, interaction.request.ui_locales);
  const target = targetOf(interaction.request);
  try {
    return await completeLogin(services, flow, input, interaction, client, locale);
  } catch (error) {
    // ERR-02: the pending request's redirect_uri was verified at /authorize, so a store outage is
    // redirected as temporarily_unavailable with state and iss (RFC 6749 §4.1.2.1).
    if (!(error instanceof StoreUnavailableError)) throw error;
    const outage = storeOutage(error, true);
    return { kind: 'respond', interactionId: interaction.id, response: { target, parameters: errorParameters(outage, target, services.config.issuer), locale } };
  }
}

/**
 * The submission after OP_RATE_LIMIT_LOGIN_ATTEMPTS rejected identity numbers: the interaction is
 * used up (claimed) and the user sees the error page with 429.
 */
async function endTooManyAttempts(
  services: Services,
  flow: FlowContext,
  interaction: Interaction,
  lifetimeLeft: number,
  failed: (reason: string, result: 'rate_limited') => void,
): Promise<never> {
  await services.interactions.claim(interaction.id, lifetimeLeft);
  failed('too many rejected identity numbers', 'rate_limited');
  services.metrics.rateLimited('login_attempts');
  flow.log.warn({ interaction_id: interaction.id }, 'login ended after too many rejected identity numbers');
  // Retry-After: a minute's pause before a new login from the service.
  throw rateLimited(60, 'Too many rejected identity numbers; this login has ended, start again from the service');
}

async function completeLogin(services: Services, flow: FlowContext, input: LoginSubmission, interaction: Interaction, client: RegisteredClient, locale: Locale): Promise<LoginOutcome> {
  const { config, clock, store } = services;
  const target = targetOf(interaction.request);
  const now = clock();

  const lifetimeLeft = interactionLifetimeLeft(interaction, now);
  const failed = (reason: string, result: 'refused' | 'cancelled' | 'rate_limited') => {
    services.metrics.login(result);
    audit(services, flow, { event: 'login_failed', client_id: client.client_id, interaction_id: interaction.id, reason });
  };

  /** A lost claim: the login was completed, or ended by the attempt limit (then 429, not 400). */
  const lostClaim = async (): Promise<never> => {
    if ((await services.interactions.rejections(interaction.id)) >= config.rateLimits.loginAttempts) return endTooManyAttempts(services, flow, interaction, lifetimeLeft, failed);
    throw expiredInteraction();
  };

  if (input.form.action === 'cancel') {
    // AUTHZ-26 RFC 6749 §4.1.2.1: the user declined; the interaction is used up.
    if (!(await services.interactions.claim(interaction.id, lifetimeLeft))) return lostClaim();
    failed('cancelled by the user', 'cancelled');
    const error = new OAuthError('access_denied', 'The user cancelled the login');
    return { kind: 'respond', interactionId: interaction.id, response: { target, parameters: errorParameters(error, target, config.issuer), locale } };
  }
  if (input.form.action !== 'login') return { kind: 'page', page: loginPage(services, interaction, client, locale), status: 400 };

  const outcome = services.authenticator!.authenticate({ pid: input.form.pid, acr: input.form.acr }, interaction.request.acr_minimum);
  if (!outcome.ok) {
    // One login accepts OP_RATE_LIMIT_LOGIN_ATTEMPTS rejected identity numbers (docs/interface.md,
    // "Operations"); the submission after them gets 429 and ends it. Only rejections are counted
    // (one atomic increment each). The last accepted rejection also uses the login up, so the next
    // submission, whatever it holds, finds the claim taken (and the count says why): a good login
    // pays nothing for the limit.
    const rejections = await services.interactions.countRejection(interaction.id, lifetimeLeft);
    if (rejections > config.rateLimits.loginAttempts) return endTooManyAttempts(services, flow, interaction, lifetimeLeft, failed);
    if (rejections === config.rateLimits.loginAttempts) await services.interactions.claim(interaction.id, lifetimeLeft);
    failed(outcome.problem, 'refused');
    return {
      kind: 'page',
      page: loginPage(services, interaction, client, locale, { pid: (input.form.pid ?? '').slice(0, 11), problem: outcome.problem, acr: input.form.acr ?? '' }),
      status: 422,
    };
  }

  // SSO-01: a new cookie after every login (no fixation). SSO-05…SSO-09: protocol/session.ts.
  const previous = await findBrowserSession(services, input.sessionCookie, now);
  const { record, login, otherPerson } = sessionAfterLogin(previous?.record ?? null, client, outcome.result, now);
  const subject: AuthenticatedSubject = { pid: login.pid, acr: login.acr, amr: login.amr, auth_time: login.auth_time, sid: login.sid, locale };
  const newCookie = newSessionCookieValue();
  const remainingMs = sessionRemainingMs(record, now);
  const { code, grantId, ops } = issueCodeOps(services, client, interaction.request, subject, record, now);
  const writes = [...services.sessions.saveOps(newCookie, record, remainingMs), ...ops, ...(interaction.stored ? services.interactions.deleteRequestOps(interaction.id) : [])];
  // One round trip for a fresh browser: the single-use claim on the interaction travels with
  // writes that only create new records. A replayed form (double submit, back button) loses the
  // claim and removes what it created; it never touched the live session, so nobody is logged
  // out. Only after a won claim is the previous session removed (SSO-01 rotation).
  const [claimed] = await Promise.all([services.interactions.claim(interaction.id, lifetimeLeft), store.write(writes)]);
  if (!claimed) {
    await store.write(undoOps(writes));
    return lostClaim();
  }
  services.metrics.login('success');
  audit(services, flow, { event: 'login', client_id: client.client_id, sid: login.sid, grant_id: grantId, acr: login.acr });
  const response: AuthorizationResponse = { target, parameters: successParameters(code, target, config.issuer), locale };
  const session: SessionCookie = { value: newCookie, maxAgeMs: remainingMs };
  if (previous && otherPerson) {
    // SSO-07: one browser session belongs to one person; the old one ends with full logout.
    const notices = await endBrowserSession(services, previous, 'another person logged in');
    for (const sid of sidsOf(previous.record)) audit(services, flow, { event: 'logout', sid, reason: 'another person logged in' });
    if (notices.length > 0) return { kind: 'frontchannel', interactionId: interaction.id, response, session, notices };
  } else if (previous) {
    await services.sessions.delete(previous.cookie);
  }
  return { kind: 'respond', interactionId: interaction.id, response, session };
}
