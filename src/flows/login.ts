// The pages of a pending interaction as a use case (AUTHN-01…08, AUTHZ-26, AUTHZ-27, SSO-01,
// SSO-05…09): show the page of the interaction's stage (flows/interactions.ts) and take its
// submission. The authenticate stage is the authenticator's page: cancel (access_denied), a
// refused identity (the page again, with the problem), or a login that builds the browser session
// and then issues the code, or moves on to the consent stage when a scope needs the user's consent
// (flows/consent.ts).
import { testPersons, type TestPerson } from '../authn/test-persons.js';
import { OAuthError, rateLimited } from '../errors.js';
import { chooseLocale, type Locale } from '../i18n/locale.js';
import { eligibleAuthenticators, offeredLevels } from '../authn/authenticator.js';
import type { AcrLevel, EidasLevel } from '../protocol/acr.js';
import { successParameters } from '../protocol/authorization-response.js';
import { targetOf } from '../protocol/authorize/request.js';
import { newSessionCookieValue } from '../protocol/identifiers.js';
import type { FrontchannelNotice } from '../protocol/logout.js';
import { sessionAfterLogin, sessionRemainingMs, sidsOf } from '../protocol/session.js';
import { personOf, type AuthenticatedSubject, type AuthenticationResult } from '../protocol/tokens.js';
import type { RegisteredClient } from '../registry/client-registry.js';
import { undoOps, type WriteOp } from '../store/store.js';
import type { AuthorizationResponse } from './authorization-response.js';
import type { SessionCookie } from './authorize.js';
import { endBrowserSession, findBrowserSession } from './browser-session.js';
import { issueCodeOps } from './code-issuance.js';
import { checkConsent, consentPage, consentScopes, submitConsent, type ConsentPage } from './consent.js';
import {
  checkCsrf,
  expiredInteraction,
  interactionLifetimeLeft,
  keepLargeRequest,
  openInteraction,
  startConsent,
  withPending,
  type AuthenticateInteraction,
  type Interaction,
  type PendingInteraction,
} from './interactions.js';
import { redirectableError, refuse } from './refusal.js';
import { audit, type FlowContext, type Services } from './services.js';

export interface LoginInput {
  interactionId: string;
  /** The interaction cookie as the browser sent it. */
  sealedInteraction: string | undefined;
  languageCookie: string | undefined;
}

/** AUTHN-03: the TestID section of the login page. */
export interface TestIdPage {
  levels: readonly AcrLevel[];
  selectedLevel: AcrLevel;
  pid?: string;
  problem?: string;
  /** AUTHN-03: ready synthetic persons to click (TestID only). */
  persons: readonly TestPerson[];
}

/** IDT-11: the eIDAS test login section. */
export interface EidasPage {
  levels: readonly EidasLevel[];
  selectedLevel: EidasLevel;
  values: Partial<Record<'eidas_identifier' | 'eidas_firstname' | 'eidas_lastname' | 'eidas_date_of_birth', string>>;
  problem?: string;
}

/** What the login page — the eID selector (AUTHN-01) — shows (views/login-page.ts renders it). */
export interface LoginPage {
  interaction: AuthenticateInteraction;
  client: RegisteredClient;
  locale: Locale;
  /** AUTHN-01: only eIDs that can meet the request, each with only the levels that do. */
  testid?: TestIdPage;
  eidas?: EidasPage;
  /** External eIDs (an upstream OpenID Provider). */
  external: { id: string; name: string }[];
}

/** The page of an interaction's stage. */
export type InteractionPage = { kind: 'login'; page: LoginPage } | { kind: 'consent'; page: ConsentPage };

/** The pending interaction and its client, or the error page (CLIENT-17: a client deactivated meanwhile is unknown). */
async function openPending(services: Services, flow: FlowContext, input: LoginInput): Promise<{ interaction: Interaction; client: RegisteredClient }> {
  const interaction = await openInteraction(services, input.interactionId, input.sealedInteraction);
  const client = services.registry.find(interaction.request.client_id);
  if (!client) throw new OAuthError('invalid_client', 'Unknown or inactive client_id', { mayRedirect: false });
  flow.noteClient(client);
  return { interaction, client };
}

/** What a refused submission puts back on the page: the method, its problem and what was typed. */
interface Refusal {
  method: string;
  problem: string;
  form: Readonly<Record<string, string | undefined>>;
}

const eidasFields = ['eidas_identifier', 'eidas_firstname', 'eidas_lastname', 'eidas_date_of_birth'] as const;

function loginPage(services: Services, interaction: AuthenticateInteraction, client: RegisteredClient, locale: Locale, refusal?: Refusal): LoginPage {
  const page: LoginPage = { interaction, client, locale, external: [] };
  // AUTHN-01: the selector lists the eIDs that can meet the request, with the levels that do.
  for (const authenticator of services.authenticators) {
    const levels = offeredLevels(authenticator, interaction.request);
    if (levels.length === 0) continue; // not eligible (eligibleAuthenticators' rule, levels computed once)
    const refused = refusal?.method === authenticator.id ? refusal : undefined;
    const chosen = (field: string) => levels.find((level) => level === refused?.form[field]) ?? levels[0]!;
    if (authenticator.id === 'testid') {
      const national = levels as AcrLevel[];
      page.testid = {
        levels: national,
        selectedLevel: chosen('acr') as AcrLevel,
        persons: testPersons(services.clock()),
        ...(refused ? { pid: (refused.form.pid ?? '').slice(0, 11), problem: refused.problem } : {}),
      };
    } else if (authenticator.id === 'eidas') {
      const values: EidasPage['values'] = {};
      for (const field of eidasFields) if (refused?.form[field] !== undefined) values[field] = refused.form[field]!.slice(0, 206);
      page.eidas = { levels: levels as EidasLevel[], selectedLevel: chosen('eidas_acr') as EidasLevel, values, ...(refused ? { problem: refused.problem } : {}) };
    } else {
      page.external.push({ id: authenticator.id, name: authenticator.displayName ?? authenticator.id });
    }
  }
  return page;
}

/** GET: the page of the interaction's stage. `chosenLocale` is an active language choice in our UI (AUTHZ-13). */
export async function showInteraction(services: Services, flow: FlowContext, input: LoginInput & { chosenLocale?: Locale }): Promise<InteractionPage> {
  const { interaction, client } = await openPending(services, flow, input);
  const locale = input.chosenLocale ?? chooseLocale(input.languageCookie, interaction.request.ui_locales);
  return interaction.stage === 'consent'
    ? { kind: 'consent', page: consentPage(services, interaction, client, locale) }
    : { kind: 'login', page: loginPage(services, interaction, client, locale) };
}

export interface LoginSubmission extends LoginInput {
  form: Readonly<Record<string, string | undefined>>;
  sessionCookie: string | undefined;
}

/** What follows a completed page: the authorization response, or the next stage's page. */
export type Next = { kind: 'respond'; response: AuthorizationResponse } | { kind: 'interaction'; interaction: PendingInteraction };

export type InteractionOutcome =
  /** The page again: 400 for an unknown action, 422 for a refused identity. */
  | { kind: 'page'; status: 400 | 422; page: InteractionPage }
  /**
   * The interaction `interactionId` is done: `next` follows, with the session cookie to set; and
   * when another person's session ended first (SSO-07), the front-channel notices to send before
   * (LOGOUT-08).
   */
  | { kind: 'done'; interactionId: string; next: Next; locale: Locale; session?: SessionCookie; notices?: FrontchannelNotice[] };

/** POST: the answer to the interaction's page. */
export async function submitInteraction(services: Services, flow: FlowContext, input: LoginSubmission): Promise<InteractionOutcome> {
  const { interaction, client } = await openPending(services, flow, input);
  const locale = chooseLocale(input.languageCookie, interaction.request.ui_locales);
  try {
    if (interaction.stage === 'consent') {
      const outcome = await submitConsent(services, flow, interaction, client, input.form, locale);
      return outcome.kind === 'page' ? { kind: 'page', status: outcome.status, page: { kind: 'consent', page: outcome.page } } : { kind: 'done', interactionId: interaction.id, next: outcome, locale };
    }
    return await submitLogin(services, flow, interaction, client, input, locale);
  } catch (error) {
    // ERR-01: a used or expired interaction, or a forged form, has no trustworthy continuation.
    if (error instanceof OAuthError && !error.mayRedirect) throw error;
    // ERR-02: the redirect_uri was validated when the interaction began, so the client hears of it.
    const response = refuse(flow, client, targetOf(interaction.request), redirectableError(error, flow), services.config.issuer, locale);
    return { kind: 'done', interactionId: interaction.id, next: { kind: 'respond', response }, locale };
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

/** The authenticate stage: cancel, or authenticate and answer the client (or go on to consent). */
/** What completing an authenticate interaction needs: the clock, its single-use claim and how a failure is counted. */
function loginContext(services: Services, flow: FlowContext, interaction: AuthenticateInteraction, client: RegisteredClient) {
  const now = services.clock();
  const lifetimeLeft = interactionLifetimeLeft(interaction, now);
  const claim = () => services.interactions.claim(interaction.id, lifetimeLeft);
  const failed = (reason: string, result: 'refused' | 'cancelled' | 'rate_limited') => {
    services.metrics.login(result);
    audit(services, flow, { event: 'login_failed', client_id: client.client_id, interaction_id: interaction.id, reason });
  };
  /** A lost claim: the login was completed, or ended by the attempt limit (then 429, not 400). */
  const lostClaim = async (): Promise<never> => {
    if ((await services.interactions.rejections(interaction.id)) >= services.config.rateLimits.loginAttempts) return endTooManyAttempts(services, flow, interaction, lifetimeLeft, failed);
    throw expiredInteraction();
  };
  return { now, lifetimeLeft, claim, failed, lostClaim };
}

type LoginContext = ReturnType<typeof loginContext>;

async function submitLogin(services: Services, flow: FlowContext, interaction: AuthenticateInteraction, client: RegisteredClient, input: LoginSubmission, locale: Locale): Promise<InteractionOutcome> {
  const { config } = services;
  checkCsrf(interaction, input.form.csrf);
  // AUTHN-03: a click on a ready test person is a TestID login with that person's number (the
  // button sends person=<number> instead of action=login; the typed field is ignored then).
  if (input.form.action === undefined && input.form.person !== undefined) input = { ...input, form: { ...input.form, action: 'login', method: 'testid', pid: input.form.person } };
  const { request } = interaction;
  const target = targetOf(request);
  const context = loginContext(services, flow, interaction, client);
  const { lifetimeLeft, claim, failed, lostClaim } = context;

  if (input.form.action === 'cancel') {
    // AUTHZ-26 RFC 6749 §4.1.2.1: the user declined; the interaction is used up.
    if (!(await claim())) return lostClaim();
    failed('cancelled by the user', 'cancelled');
    const error = new OAuthError('access_denied', 'The user cancelled the login');
    return { kind: 'done', interactionId: interaction.id, next: { kind: 'respond', response: refuse(flow, client, target, error, config.issuer, locale) }, locale };
  }
  if (input.form.action !== 'login') return { kind: 'page', status: 400, page: { kind: 'login', page: loginPage(services, interaction, client, locale) } };

  // AUTHN-01: the method the form names, among those that can meet the request; a form without
  // one is TestID's (its contract has no method field), or the only method offered.
  const eligible = eligibleAuthenticators(services.authenticators, request);
  const methodId = input.form.method ?? (eligible.some((a) => a.id === 'testid') ? 'testid' : eligible[0]?.id);
  const authenticator = eligible.find((candidate) => candidate.id === methodId);
  if (!authenticator) return { kind: 'page', status: 400, page: { kind: 'login', page: loginPage(services, interaction, client, locale) } };

  const outcome = await authenticator.complete({ form: input.form, requirement: request });
  if (!outcome.ok) {
    // One login accepts OP_RATE_LIMIT_LOGIN_ATTEMPTS rejected identity numbers (docs/interface.md,
    // "Operations"); the submission after them gets 429 and ends it. Only rejections are counted
    // (one atomic increment each). The last accepted rejection also uses the login up, so the next
    // submission, whatever it holds, finds the claim taken (and the count says why): a good login
    // pays nothing for the limit.
    const rejections = await services.interactions.countRejection(interaction.id, lifetimeLeft);
    if (rejections > config.rateLimits.loginAttempts) return endTooManyAttempts(services, flow, interaction, lifetimeLeft, failed);
    if (rejections === config.rateLimits.loginAttempts) await claim();
    failed(outcome.problem, 'refused');
    const page = loginPage(services, interaction, client, locale, { method: authenticator.id, problem: outcome.problem, form: input.form });
    return { kind: 'page', status: 422, page: { kind: 'login', page } };
  }

  return finishLogin(services, flow, interaction, client, outcome.result, input.sessionCookie, locale, context);
}

/**
 * A successful authentication (a form method, or an external eID's answer): the browser session,
 * then the code, or the consent stage.
 */
async function finishLogin(
  services: Services,
  flow: FlowContext,
  interaction: AuthenticateInteraction,
  client: RegisteredClient,
  result: AuthenticationResult,
  sessionCookie: string | undefined,
  locale: Locale,
  context: LoginContext,
): Promise<InteractionOutcome> {
  const { config, store } = services;
  const { request } = interaction;
  const target = targetOf(request);
  const { now, claim, lostClaim } = context;
  // SSO-01: a new cookie after every login (no fixation). SSO-05…SSO-09: protocol/session.ts.
  const previous = await findBrowserSession(services, sessionCookie, now);
  const { record, login, otherPerson } = sessionAfterLogin(previous?.record ?? null, client, result, now);
  const subject: AuthenticatedSubject = { ...personOf(login), acr: login.acr, amr: login.amr, auth_time: login.auth_time, sid: login.sid, locale };
  const newCookie = newSessionCookieValue();
  const remainingMs = sessionRemainingMs(record, now);
  const sessionWrites = services.sessions.saveOps(newCookie, record, remainingMs);
  const dropStoredRequest = interaction.stored ? services.interactions.deleteRequestOps(interaction.id) : [];
  let grantId: string | undefined;
  const issue = (): { next: Next; ops: WriteOp[] } => {
    const issued = issueCodeOps(services, client, request, subject, record, now);
    grantId = issued.grantId;
    return { next: { kind: 'respond', response: { target, parameters: successParameters(issued.code, target, config.issuer), locale } }, ops: issued.ops };
  };

  let next: Next;
  const consent = consentScopes(services, request);
  if (consent.length === 0) {
    // One round trip for a fresh browser: the single-use claim on the interaction travels with
    // writes that only create new records. A replayed form (double submit, back button) loses the
    // claim and removes what it created; it never touched the live session, so nobody is logged
    // out. Only after a won claim is the previous session removed (SSO-01 rotation).
    const issued = issue();
    const writes = [...sessionWrites, ...issued.ops, ...dropStoredRequest];
    const [claimed] = await Promise.all([claim(), store.write(writes)]);
    if (!claimed) {
      await store.write(undoOps(writes));
      return lostClaim();
    }
    next = issued.next;
  } else {
    // AUTHZ-27: the claim, the session and the remembered consent in one round trip; then the
    // code, or the consent page of the now known user.
    const [claimed, , decision] = await Promise.all([claim(), store.write(sessionWrites), checkConsent(services, client, request, subject, consent)]);
    if (!claimed) {
      await store.write(undoOps(sessionWrites));
      return lostClaim();
    }
    if (decision.kind === 'granted') {
      const issued = issue();
      await store.write([...issued.ops, ...dropStoredRequest]);
      next = issued.next;
    } else if (decision.kind === 'ask') {
      if (dropStoredRequest.length > 0) await store.write(dropStoredRequest);
      next = { kind: 'interaction', interaction: await keepLargeRequest(services, client.client_id, startConsent(services, request, subject, record.created_at, now)) };
    } else {
      if (dropStoredRequest.length > 0) await store.write(dropStoredRequest);
      next = { kind: 'respond', response: refuse(flow, client, target, decision.error, config.issuer, locale) };
    }
  }
  services.metrics.login('success');
  audit(services, flow, { event: 'login', client_id: client.client_id, sid: login.sid, acr: login.acr, ...(grantId ? { grant_id: grantId } : {}) });

  const session: SessionCookie = { value: newCookie, maxAgeMs: remainingMs };
  if (previous && otherPerson) {
    // SSO-07: one browser session belongs to one person; the old one ends with full logout.
    const notices = await endBrowserSession(services, previous, 'another person logged in');
    for (const sid of sidsOf(previous.record)) audit(services, flow, { event: 'logout', sid, reason: 'another person logged in' });
    if (notices.length > 0) return { kind: 'done', interactionId: interaction.id, next, locale, session, notices };
  } else if (previous) {
    await services.sessions.delete(previous.cookie);
  }
  return { kind: 'done', interactionId: interaction.id, next, locale, session };
}

/** The path of the callback an external eID sends the browser back to (register `{issuer}` + this at the upstream). */
export const externalCallbackPath = '/upstream/callback';

/**
 * AUTHN-01: begin a login at an external eID (the selector's link, or the login page of a request
 * only it can meet): its start (PKCE, state naming this interaction, nonce; PAR when offered), and
 * the same interaction resealed to remember them. No store round trip.
 */
export async function startExternal(
  services: Services,
  flow: FlowContext,
  input: LoginInput & { method: string },
): Promise<{ kind: 'redirect'; url: string; interaction: PendingInteraction } | { kind: 'respond'; interactionId: string; response: AuthorizationResponse }> {
  const { interaction, client } = await openPending(services, flow, input);
  if (interaction.stage !== 'authenticate') throw expiredInteraction();
  const { request } = interaction;
  const authenticator = eligibleAuthenticators(services.authenticators, request).find((candidate) => candidate.id === input.method);
  if (!authenticator) throw new OAuthError('invalid_request', 'This eID is not offered for this login', { mayRedirect: false });
  const locale = chooseLocale(input.languageCookie, request.ui_locales);
  let start;
  try {
    start = await authenticator.start({
      interactionId: interaction.id,
      callbackUrl: `${services.config.issuer}${externalCallbackPath}`,
      // AUTHZ-14, Core §3.1.2.1: a fresh login asked of us is asked of the eID too.
      forceLogin: request.prompt.includes('login') || request.max_age !== undefined,
      requirement: request,
      loginHint: request.login_hint,
      locale,
    });
  } catch (error) {
    // ERR-02: the eID cannot be reached; the client hears of it (never the cause, which is logged).
    flow.log.warn({ method: authenticator.id, reason: error instanceof Error ? error.message.slice(0, 200) : 'unknown' }, 'external eID could not start a login');
    const response = refuse(flow, client, targetOf(request), new OAuthError('temporarily_unavailable', 'The eID could not be reached'), services.config.issuer, locale);
    return { kind: 'respond', interactionId: interaction.id, response };
  }
  if (start.kind !== 'redirect') throw new OAuthError('invalid_request', 'This eID has a form on the login page', { mayRedirect: false });
  flow.noteClient(client);
  const resealed = withPending(services, interaction, authenticator.id, start.pending, services.clock());
  return { kind: 'redirect', url: start.url, interaction: await keepLargeRequest(services, client.client_id, resealed) };
}

/**
 * How an external eID's failure is answered to the client: a cancel is AUTHZ-26 (RFC 6749
 * §4.1.2.1, access_denied); an absent eID and a bad answer are ERR-02 (temporarily_unavailable,
 * server_error); a level that does not meet acr_values is AUTHZ-11 (unmet_authentication_requirements).
 */
const externalFailure: Readonly<Record<string, { error: 'access_denied' | 'temporarily_unavailable' | 'unmet_authentication_requirements' | 'server_error'; description: string }>> = {
  'upstream-denied': { error: 'access_denied', description: 'The user cancelled the login at the eID' },
  'upstream-unavailable': { error: 'temporarily_unavailable', description: 'The eID could not be reached' },
  'upstream-acr': { error: 'unmet_authentication_requirements', description: 'The eID gave a level that is not mapped or does not meet acr_values' },
  'upstream-pid': { error: 'server_error', description: 'The eID gave no valid national identity number' },
  'upstream-amr': { error: 'server_error', description: 'The eID gave no authentication method (amr)' },
  'upstream-eidas': { error: 'server_error', description: 'The eID gave an eIDAS level without valid eIDAS attributes' },
};

/**
 * AUTHN-01: the external eID's answer, arriving at /login/<id>/callback (the callback forwards it
 * here, where the interaction cookie is sent): complete the login, or end it with the eID's
 * failure redirected to the client. Either way the interaction is used up.
 */
export async function completeExternal(services: Services, flow: FlowContext, input: LoginInput & { sessionCookie: string | undefined; query: string }): Promise<InteractionOutcome> {
  const { interaction, client } = await openPending(services, flow, input);
  if (interaction.stage !== 'authenticate' || !interaction.pending) throw expiredInteraction();
  const { request } = interaction;
  const locale = chooseLocale(input.languageCookie, request.ui_locales);
  const authenticator = eligibleAuthenticators(services.authenticators, request).find((candidate) => candidate.id === interaction.pending!.method);
  if (!authenticator) throw expiredInteraction();
  const context = loginContext(services, flow, interaction, client);
  try {
    const callback = new URL(`${services.config.issuer}${externalCallbackPath}?${input.query}`);
    const outcome = await authenticator.complete({ callback, pending: interaction.pending.values, requirement: request });
    if (outcome.ok) return await finishLogin(services, flow, interaction, client, outcome.result, input.sessionCookie, locale, context);
    // The answer cannot be retried: the login is used up and the client told why.
    if (!(await context.claim())) return context.lostClaim();
    context.failed(outcome.problem, outcome.problem === 'upstream-denied' ? 'cancelled' : 'refused');
    const failure = externalFailure[outcome.problem] ?? { error: 'server_error' as const, description: "The eID's answer failed validation" };
    flow.log.info({ method: authenticator.id, problem: outcome.problem }, 'external eID login failed');
    return { kind: 'done', interactionId: interaction.id, next: { kind: 'respond', response: refuse(flow, client, targetOf(request), new OAuthError(failure.error, failure.description), services.config.issuer, locale) }, locale };
  } catch (error) {
    if (error instanceof OAuthError && !error.mayRedirect) throw error;
    const response = refuse(flow, client, targetOf(request), redirectableError(error, flow), services.config.issuer, locale);
    return { kind: 'done', interactionId: interaction.id, next: { kind: 'respond', response }, locale };
  }
}
