// The authorization request as a use case (AUTHZ-01…28, PAR-07…09, SSO-02…08): resolve a pushed
// request or validate the parameters (protocol/authorize/checks.ts), then answer from the
// browser's session with a code (SSO-04), send the user to log in, or redirect an error.
import { OAuthError, StoreUnavailableError, storeOutage } from '../errors.js';
import { chooseLocale, type Locale } from '../i18n/locale.js';
import { errorParameters, successParameters, type ResponseParameters } from '../protocol/authorization-response.js';
import { parseAuthorizationRequest } from '../protocol/authorize/checks.js';
import type { RawParameters } from '../protocol/authorize/parameters.js';
import { checkPushedRequest, parsePushedRequestReference, refersToPushedRequest } from '../protocol/authorize/pushed-request.js';
import type { AuthorizationRequest, RedirectTarget } from '../protocol/authorize/request.js';
import { loginFor, sessionRemainingMs, type LoadedSession } from '../protocol/session.js';
import { decideSso } from '../protocol/sso.js';
import type { RegisteredClient } from '../registry/client-registry.js';
import { findBrowserSession } from './browser-session.js';
import { issueCodeOps } from './code-issuance.js';
import { interactionLifetimeMs, startInteraction } from './interactions.js';
import { addressSubject } from './rate-limits.js';
import type { FlowContext, Services } from './services.js';

export interface AuthorizeInput {
  /** The query of GET or the form of POST (AUTHZ-01). */
  raw: RawParameters;
  /** The browser's session cookie and language cookie, if any. */
  sessionCookie: string | undefined;
  languageCookie: string | undefined;
}

/** An authorization response to deliver to a verified redirect_uri (AUTHZ-15…20). */
export interface AuthorizationResponse {
  target: RedirectTarget;
  parameters: ResponseParameters;
  locale: Locale;
}

/** The session cookie to (re)set: its value and how long it may live (SSO-01, SSO-02). */
export interface SessionCookie {
  value: string;
  maxAgeMs: number;
}

export type AuthorizeOutcome =
  /** A code (SSO-04) or a redirected error (ERR-02). */
  | { kind: 'respond'; response: AuthorizationResponse; session?: SessionCookie }
  /** The user must log in: the pending request, sealed for the interaction cookie. */
  | { kind: 'login'; interactionId: string; sealedInteraction: string; lifetimeMs: number };

/** Where a validated request's response goes (ERR-02). */
export const targetOf = (request: AuthorizationRequest): RedirectTarget => ({
  redirect_uri: request.redirect_uri,
  response_mode: request.response_mode,
  ...(request.state !== undefined ? { state: request.state } : {}),
});

export const respondWithError = (target: RedirectTarget, error: OAuthError, issuer: string, locale: Locale): AuthorizeOutcome => ({
  kind: 'respond',
  response: { target, parameters: errorParameters(error, target, issuer), locale },
});

/**
 * /authorize. Errors that must not redirect (AUTHZ-03, AUTHZ-04, PAR-07) are thrown with
 * mayRedirect false and end on the error page (ERR-01).
 */
export async function authorize(services: Services, flow: FlowContext, input: AuthorizeInput): Promise<AuthorizeOutcome> {
  const { config, registry, clock } = services;
  const { raw } = input;
  // Requests per address are limited, decided at once without a round trip (flows/rate-limits.ts).
  const limit = services.limits.authorizePerAddress;
  const verdict = limit.take(addressSubject(flow.sourceAddress));
  if (!verdict.allowed) throw limit.refusal(verdict, 'Too many authorization requests from this address; try again later');
  let client: RegisteredClient;
  let request: AuthorizationRequest;
  /** Undefined until read: the PAR path reads it together with the pushed request. */
  let session: LoadedSession | null | undefined;
  if (refersToPushedRequest(raw)) {
    // AUTHZ-02 step 1, PAR-07…09: resolve the pushed request; nothing else on the URL counts.
    const reference = parsePushedRequestReference(raw, registry);
    flow.noteClient(reference.client);
    // One round trip: the atomic take (PAR-08) and the session read travel together.
    const [record, found] = await Promise.all([
      services.pushedRequests.take(reference.handle, reference.client.client_id, config.parLifetime * 1000),
      findBrowserSession(services, input.sessionCookie, clock()),
    ]);
    checkPushedRequest(record, reference.client, clock());
    client = reference.client;
    // PAR-09 RFC 9126 §4: only the pushed values count; the rest of the URL is ignored.
    request = record.request;
    session = found;
  } else {
    const outcome = parseAuthorizationRequest(raw, registry, 'authorize');
    if (outcome.client) flow.noteClient(outcome.client);
    if (!outcome.ok) {
      // AUTHZ-03, AUTHZ-04, ERR-01: without a verified redirect target the error page is shown
      // (and logged by the error handler).
      if (!outcome.target) throw outcome.error;
      // ERR-02, ERR-06: every later failure is redirected, and logged here.
      flow.log.info({ error: outcome.error.error, client_id: outcome.client?.client_id, endpoint: '/authorize', detail: outcome.error.description }, 'authorization request refused');
      const locale = chooseLocale(input.languageCookie, typeof raw.ui_locales === 'string' ? raw.ui_locales : undefined);
      return respondWithError(outcome.target, outcome.error, config.issuer, locale);
    }
    if (outcome.ignoredAcrValues.length > 0) flow.log.info({ acr_values: outcome.ignoredAcrValues }, 'unknown acr_values ignored (AUTHZ-11)');
    client = outcome.client;
    request = outcome.request;
  }
  const locale = chooseLocale(input.languageCookie, request.ui_locales);
  try {
    if (session === undefined) session = await findBrowserSession(services, input.sessionCookie, clock());
    return await continueAuthorization(services, client, request, session, locale);
  } catch (error) {
    // ERR-02 RFC 6749 §4.1.2.1: the redirect_uri is verified, so a store outage is redirected as
    // temporarily_unavailable with state and iss (before this point it is the 503 error page).
    if (error instanceof StoreUnavailableError) return respondWithError(targetOf(request), storeOutage(error, true), config.issuer, locale);
    throw error;
  }
}

/** After validation: answer from the session (SSO-04), send the user to log in, or redirect an error. */
async function continueAuthorization(services: Services, client: RegisteredClient, request: AuthorizationRequest, session: LoadedSession | null, locale: Locale): Promise<AuthorizeOutcome> {
  const { config, clock } = services;
  const target = targetOf(request);
  const now = clock();
  // SSO-04, SSO-08: the login this client may use: the common one, or its own isolated one.
  const login = session ? (loginFor(session.record, client) ?? null) : null;
  const decision = decideSso(request, client, login, now);
  if (decision.kind === 'error') return respondWithError(target, decision.error, config.issuer, locale);

  if (decision.kind === 'reuse' && session && login) {
    // SSO-04: answered from the session; SSO-02, SSO-09: this request restarts the idle clock of
    // the whole browser session.
    const record = { ...session.record, last_active_at: now };
    const subject = { pid: login.pid, acr: login.acr, amr: login.amr, auth_time: login.auth_time, sid: login.sid, locale };
    const { code, ops } = issueCodeOps(services, client, request, subject, record, now);
    const remainingMs = sessionRemainingMs(record, now);
    await services.store.write([...services.sessions.saveOps(session.cookie, record, remainingMs), ...ops]);
    return { kind: 'respond', response: { target, parameters: successParameters(code, target, config.issuer), locale }, session: { value: session.cookie, maxAgeMs: remainingMs } };
  }

  if (!services.authenticator) {
    return respondWithError(target, new OAuthError('temporarily_unavailable', 'No authentication method is available in this deployment'), config.issuer, locale);
  }
  // The user must authenticate: the validated request travels sealed in a cookie bound to this
  // browser, so showing the login page costs no store round trip.
  const { interaction, sealed, ops } = startInteraction(services, request, now);
  if (ops.length > 0) {
    // A login too large for its cookie keeps its request in the store for the login's lifetime;
    // how many one client may start is bounded, so that floods cannot fill the store.
    const limit = services.limits.largeLoginsPerClient;
    const verdict = limit.take(client.client_id);
    if (!verdict.allowed) throw limit.refusal(verdict, 'Too many large authorization requests for this client; try again later');
    await services.store.write(ops);
  }
  return { kind: 'login', interactionId: interaction.id, sealedInteraction: sealed, lifetimeMs: interactionLifetimeMs };
}
