// The authorization request as a use case (AUTHZ-01…28, PAR-07…09, SSO-02…08): resolve a pushed
// request or validate the parameters (protocol/authorize/checks.ts), then answer from the
// browser's session with a code (SSO-04), send the user to log in, or redirect an error.
import { eligibleAuthenticators } from '../authn/authenticator.js';
import { OAuthError } from '../errors.js';
import { chooseLocale, type Locale } from '../i18n/locale.js';
import { successParameters } from '../protocol/authorization-response.js';
import { parseAuthorizationRequest } from '../protocol/authorize/checks.js';
import type { RawParameters } from '../protocol/authorize/parameters.js';
import { checkPushedRequest, parsePushedRequestReference, refersToPushedRequest } from '../protocol/authorize/pushed-request.js';
import { targetOf, type AuthorizationRequest } from '../protocol/authorize/request.js';
import { cappedGrantLifetime, scopePolicy } from '../protocol/scope-policy.js';
import { loginFor, sessionRemainingMs, type LoadedSession } from '../protocol/session.js';
import { personOf } from '../protocol/tokens.js';
import { decideSso } from '../protocol/sso.js';
import type { RegisteredClient } from '../registry/client-registry.js';
import type { AuthorizationResponse } from './authorization-response.js';
import { findBrowserSession } from './browser-session.js';
import { issueCodeOps } from './code-issuance.js';
import { checkConsent } from './consent.js';
import { keepLargeRequest, startConsent, startInteraction, type PendingInteraction } from './interactions.js';
import { addressSubject } from './rate-limits.js';
import { redirectableError, refuse } from './refusal.js';
import type { FlowContext, Services } from './services.js';

export interface AuthorizeInput {
  /** The query of GET or the form of POST (AUTHZ-01). */
  raw: RawParameters;
  /** The browser's session cookie and language cookie, if any. */
  sessionCookie: string | undefined;
  languageCookie: string | undefined;
}


/** The session cookie to (re)set: its value and how long it may live (SSO-01, SSO-02). */
export interface SessionCookie {
  value: string;
  maxAgeMs: number;
}

export type AuthorizeOutcome =
  /** A code (SSO-04) or a redirected error (ERR-02). */
  | { kind: 'respond'; response: AuthorizationResponse; session?: SessionCookie }
  /** The user must log in, or consent (AUTHZ-27): the pending request, sealed for the interaction cookie. */
  | { kind: 'interaction'; interaction: PendingInteraction; session?: SessionCookie };

export { targetOf };

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
  // Requests per address are limited, decided at once without a round trip (flows/rate-limits.ts).
  const limit = services.limits.authorizePerAddress;
  const verdict = limit.take(addressSubject(flow.sourceAddress));
  if (!verdict.allowed) throw limit.refusal(verdict, 'Too many authorization requests from this address; try again later');
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
    // A refusal that must not redirect (a rate limit: 429 with the error page) keeps its page.
    if (error instanceof OAuthError && !error.mayRedirect) throw error;
    // ERR-02: the redirect_uri is validated, so even an internal failure goes back to the client
    // (a store outage as temporarily_unavailable, anything else as server_error).
    return { kind: 'respond', response: refuse(flow, client, target, redirectableError(error, flow), config.issuer, locale) };
  }
}

/**
 * After validation: answer from the session (SSO-04), ask for consent (AUTHZ-27), send the user
 * to log in, or redirect an error.
 */
async function continueAuthorization(services: Services, flow: FlowContext, client: RegisteredClient, request: AuthorizationRequest, session: LoadedSession | null, locale: Locale): Promise<AuthorizeOutcome> {
  const { config, clock } = services;
  const target = targetOf(request);
  const now = clock();
  // SSO-02, SSO-09: every authorization request handled with the session restarts the idle clock
  // of the whole browser session, whatever its answer (a code, an error, consent or the login page).
  const touched = session ? { ...session.record, last_active_at: now } : undefined;
  const remainingMs = touched ? sessionRemainingMs(touched, now) : 0;
  const touchOps = session && touched ? services.sessions.saveOps(session.cookie, touched, remainingMs) : [];
  const cookie: { session?: SessionCookie } = session ? { session: { value: session.cookie, maxAgeMs: remainingMs } } : {};
  const touch = async (): Promise<void> => {
    if (touchOps.length > 0) await services.store.write(touchOps);
  };

  // CLIENT-16: what the requested scopes demand, from the registry now (plain scopes: nothing).
  const policy = scopePolicy(request.scope, services.scopes);
  // SSO-04, SSO-08: the login this client may use: the common one, or its own isolated one.
  const login = session ? (loginFor(session.record, client) ?? null) : null;
  const decision = decideSso(request, client, login, now, policy.freshAuthentication, cappedGrantLifetime(client.authorization_lifetime, policy));
  if (decision.kind === 'error') {
    await touch();
    return { kind: 'respond', response: refuse(flow, client, target, decision.error, config.issuer, locale), ...cookie };
  }

  if (decision.kind === 'reuse' && touched && login) {
    const subject = { ...personOf(login), acr: login.acr, amr: login.amr, auth_time: login.auth_time, sid: login.sid, locale };
    if (policy.consent.length > 0) {
      // SSO-04, AUTHZ-27: the session answers only with the user's consent to these scopes.
      const consent = await checkConsent(services, client, request, subject, policy.consent);
      if (consent.kind === 'error') {
        await touch();
        return { kind: 'respond', response: refuse(flow, client, target, consent.error, config.issuer, locale), ...cookie };
      }
      if (consent.kind === 'ask') {
        // The known user goes straight to the consent page; no login.
        await touch();
        return { kind: 'interaction', interaction: await keepLargeRequest(services, client.client_id, startConsent(services, request, subject, touched.created_at, now)), ...cookie };
      }
    }
    // SSO-04: answered from the session, in one round trip with the idle-clock restart.
    const { code, ops } = issueCodeOps(services, client, request, subject, touched, now);
    await services.store.write([...touchOps, ...ops]);
    return { kind: 'respond', response: { target, parameters: successParameters(code, target, config.issuer), locale }, ...cookie };
  }

  if (services.authenticators.length === 0) {
    await touch();
    return { kind: 'respond', response: refuse(flow, client, target, new OAuthError('temporarily_unavailable', 'No authentication method is available in this deployment'), config.issuer, locale), ...cookie };
  }
  // AUTHN-01, AUTHZ-11: some eID here must be able to meet the request (eIDAS only when asked for).
  if (eligibleAuthenticators(services.authenticators, request).length === 0) {
    await touch();
    const error = new OAuthError('unmet_authentication_requirements', 'No eID offered here can meet the requested acr_values');
    return { kind: 'respond', response: refuse(flow, client, target, error, config.issuer, locale), ...cookie };
  }
  // The user must authenticate: the validated request travels sealed in a cookie bound to this
  // browser, so showing the login page costs no store round trip (beyond restarting the idle
  // clock of a session the browser already has, or keeping a request too large for a cookie).
  await touch();
  return { kind: 'interaction', interaction: await keepLargeRequest(services, client.client_id, startInteraction(services, request, now)), ...cookie };
}
