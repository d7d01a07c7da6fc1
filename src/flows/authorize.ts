// The authorization request as a use case (AUTHZ-01…28, PAR-07…09, SSO-02…08): resolve a pushed
// request or validate the parameters (protocol/authorize/checks.ts), then answer from the
// browser's session with a code (SSO-04), send the user to log in, or redirect an error.
import { OAuthError } from '../errors.js';
import { chooseLocale, type Locale } from '../i18n/locale.js';
import { errorParameters, successParameters, type ResponseParameters } from '../protocol/authorization-response.js';
import { parseAuthorizationRequest } from '../protocol/authorize/checks.js';
import type { RawParameters } from '../protocol/authorize/parameters.js';
import { checkPushedRequest, parsePushedRequestReference, refersToPushedRequest } from '../protocol/authorize/pushed-request.js';
import type { AuthorizationRequest, RedirectTarget } from '../protocol/authorize/request.js';
import { loginFor, sessionRemainingMs, type LoadedSession } from '../protocol/session.js';
import { decideSso } from '../protocol/sso.js';
import type { RegisteredClient } from '../registry/client-registry.js';
import { StoreUnavailableError } from '../store/store.js';
import { findBrowserSession } from './browser-session.js';
import { issueCodeOps } from './code-issuance.js';
import { interactionLifetimeMs, startInteraction } from './interactions.js';
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
  | { kind: 'login'; interactionId: string; sealedInteraction: string; lifetimeMs: number; session?: SessionCookie };

/** Where a validated request's response goes (ERR-02). */
export const targetOf = (request: AuthorizationRequest): RedirectTarget => ({
  redirect_uri: request.redirect_uri,
  response_mode: request.response_mode,
  ...(request.state !== undefined ? { state: request.state } : {}),
});

/**
 * ERR-02: after redirect_uri is validated every failure goes back to the client. An internal
 * failure becomes server_error (temporarily_unavailable when the store cannot be reached); its
 * cause goes to the log only, with the request's reference id.
 */
export function redirectableError(error: unknown, flow: FlowContext): OAuthError {
  if (error instanceof OAuthError && error.mayRedirect) return error;
  if (error instanceof StoreUnavailableError) return new OAuthError('temporarily_unavailable', 'The service is temporarily unavailable; try again shortly', { status: 503 });
  flow.log.error({ err: error }, 'authorization failed after redirect_uri was validated; answering server_error (ERR-02)');
  return new OAuthError('server_error', 'An unexpected error occurred', { detail: error instanceof Error ? error.message : String(error) });
}

/** ERR-02, ERR-06: a refused authorization, logged and redirected with error, state and iss (AUTHZ-20). */
export function refuse(flow: FlowContext, client: Pick<RegisteredClient, 'client_id'> | undefined, target: RedirectTarget, error: OAuthError, issuer: string, locale: Locale): AuthorizationResponse {
  flow.log.info({ error: error.error, client_id: client?.client_id, endpoint: '/authorize', detail: error.detail ?? error.description }, 'authorization request refused');
  return { target, parameters: errorParameters(error, target, issuer), locale };
}

/** A settled promise's value, or its error thrown. */
const valueOf = <T>(result: PromiseSettledResult<T>): T => {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
};

/**
 * /authorize. Errors that must not redirect (AUTHZ-03, AUTHZ-04, PAR-07) are thrown with
 * mayRedirect false and end on the error page (ERR-01).
 */
export async function authorize(services: Services, flow: FlowContext, input: AuthorizeInput): Promise<AuthorizeOutcome> {
  const { config, registry, clock } = services;
  const { raw } = input;
  let client: RegisteredClient;
  let request: AuthorizationRequest;
  let session: PromiseSettledResult<LoadedSession | null>;
  if (refersToPushedRequest(raw)) {
    // AUTHZ-02 step 1, PAR-07…09: resolve the pushed request; nothing else on the URL counts.
    const reference = parsePushedRequestReference(raw, registry);
    flow.noteClient(reference.client);
    // One round trip: the atomic take (PAR-08) and the session read travel together.
    const [taken, found] = await Promise.allSettled([
      services.pushedRequests.take(reference.handle, reference.client.client_id, config.parLifetime * 1000),
      findBrowserSession(services, input.sessionCookie, clock()),
    ]);
    const record = valueOf(taken);
    checkPushedRequest(record, reference.client, clock());
    client = reference.client;
    // PAR-09 RFC 9126 §4: only the pushed values count; the rest of the URL is ignored.
    request = record.request;
    session = found;
  } else {
    const outcome = parseAuthorizationRequest(raw, registry, 'authorize', config);
    if (outcome.client) flow.noteClient(outcome.client);
    if (!outcome.ok) {
      // AUTHZ-03, AUTHZ-04, ERR-01: without a verified redirect target the error page is shown
      // (and logged by the error handler).
      if (!outcome.target) throw outcome.error;
      // ERR-02: every later failure is redirected.
      const locale = chooseLocale(input.languageCookie, typeof raw.ui_locales === 'string' ? raw.ui_locales : undefined);
      return { kind: 'respond', response: refuse(flow, outcome.client, outcome.target, outcome.error, config.issuer, locale) };
    }
    if (outcome.ignoredAcrValues.length > 0) flow.log.info({ acr_values: outcome.ignoredAcrValues }, 'unknown acr_values ignored (AUTHZ-11)');
    client = outcome.client;
    request = outcome.request;
    [session] = await Promise.allSettled([findBrowserSession(services, input.sessionCookie, clock())]);
  }
  const locale = chooseLocale(input.languageCookie, request.ui_locales);
  const target = targetOf(request);
  try {
    return await continueAuthorization(services, flow, client, request, valueOf(session), locale);
  } catch (error) {
    // ERR-02: the redirect_uri is validated, so even an internal failure goes back to the client.
    return { kind: 'respond', response: refuse(flow, client, target, redirectableError(error, flow), config.issuer, locale) };
  }
}

/** After validation: answer from the session (SSO-04), send the user to log in, or redirect an error. */
async function continueAuthorization(services: Services, flow: FlowContext, client: RegisteredClient, request: AuthorizationRequest, session: LoadedSession | null, locale: Locale): Promise<AuthorizeOutcome> {
  const { config, clock } = services;
  const target = targetOf(request);
  const now = clock();
  // SSO-02, SSO-09: every authorization request handled with the session restarts the idle clock
  // of the whole browser session, whatever its answer (a code, an error, or the login page).
  const touched = session ? { ...session.record, last_active_at: now } : undefined;
  const remainingMs = touched ? sessionRemainingMs(touched, now) : 0;
  const touchOps = session && touched ? services.sessions.saveOps(session.cookie, touched, remainingMs) : [];
  const cookie: { session?: SessionCookie } = session ? { session: { value: session.cookie, maxAgeMs: remainingMs } } : {};

  // SSO-04, SSO-08: the login this client may use: the common one, or its own isolated one.
  const login = session ? (loginFor(session.record, client) ?? null) : null;
  const decision = decideSso(request, client, login, now);
  if (decision.kind === 'error') {
    if (touchOps.length > 0) await services.store.write(touchOps);
    return { kind: 'respond', response: refuse(flow, client, target, decision.error, config.issuer, locale), ...cookie };
  }

  if (decision.kind === 'reuse' && touched && login) {
    // SSO-04: answered from the session, in one round trip with the idle-clock restart.
    const subject = { pid: login.pid, acr: login.acr, amr: login.amr, auth_time: login.auth_time, sid: login.sid, locale };
    const { code, ops } = issueCodeOps(services, client, request, subject, touched, now);
    await services.store.write([...touchOps, ...ops]);
    return { kind: 'respond', response: { target, parameters: successParameters(code, target, config.issuer), locale }, ...cookie };
  }

  if (!services.authenticator) {
    if (touchOps.length > 0) await services.store.write(touchOps);
    return { kind: 'respond', response: refuse(flow, client, target, new OAuthError('temporarily_unavailable', 'No authentication method is available in this deployment'), config.issuer, locale), ...cookie };
  }
  // The user must authenticate: the validated request travels sealed in a cookie bound to this
  // browser, so showing the login page costs no store round trip (beyond restarting the idle
  // clock of a session the browser already has).
  if (touchOps.length > 0) await services.store.write(touchOps);
  const { interaction, sealed } = startInteraction(services, request, now);
  return { kind: 'login', interactionId: interaction.id, sealedInteraction: sealed, lifetimeMs: interactionLifetimeMs, ...cookie };
}
