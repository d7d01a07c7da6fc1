// The pages of a pending interaction under /login/<id> (flows/login.ts): the TestID login page
// (AUTHN-01…08, AUTHZ-26, AUTHZ-28) and the consent page (AUTHZ-27). GET shows the page of the
// interaction's stage, POST takes its answer. The pending request arrives sealed in the
// interaction cookie; each stage has its own id, cookie and page.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { completeExternal, externalCallbackPath, showInteraction, startExternal, submitInteraction, type InteractionOutcome, type InteractionPage } from '../flows/login.js';
import type { Services } from '../flows/services.js';
import { deliverAuthorizationResponse, encodeAuthorizationResponse } from '../http/authorization-response.js';
import {
  clearInteractionCookie,
  interactionCookie,
  languageCookie,
  loginPageUrl,
  sessionCookie,
  setInteractionCookie,
  setLanguageCookie,
  setSessionCookie,
} from '../http/cookies.js';
import { flowContext } from '../http/fastify.js';
import { noStore, sendPage } from '../http/headers.js';
import { OAuthError } from '../errors.js';
import { isLocale } from '../i18n/locale.js';
import { displayedParty } from '../registry/client-registry.js';
import type { EidasMessages, LoginMessages } from '../i18n/messages.js';
import { appendQueryParameters } from '../protocol/authorization-response.js';
import { cspSourceFor } from '../protocol/redirect-uri.js';
import { renderConsentPage } from '../views/consent-page.js';
import { renderContinuePage } from '../views/continue-page.js';
import { renderLoginPage, type EidasSection, type TestIdSection } from '../views/login-page.js';
import { renderFrontchannelPage, type Continuation } from '../views/logout-pages.js';
import type { RouteModule } from './module.js';
import { documentOnly } from './schemas.js';

const loginPath = '/login/:interactionId';

function showPage(reply: FastifyReply, services: Services, shown: InteractionPage, status = 200): FastifyReply {
  const { page } = shown;
  const action = loginPageUrl(services, page.interaction.id);
  const party = displayedParty(page.client, page.interaction.request.onbehalfof);
  const common = {
    locale: page.locale,
    // AUTHZ-24: the sub-identity named by onbehalfof replaces the client's name and logo.
    clientName: party.name,
    clientLogo: party.logo,
    action,
    csrf: page.interaction.csrf,
    languageLink: (l: string) => `${action}?lang=${l}`,
    // docs/traps.md, form-action: the POST is answered by a redirect to the client, which form-action governs.
    formAction: ["'self'", cspSourceFor(page.interaction.request.redirect_uri)],
  };
  if (shown.kind === 'consent') return sendPage(reply, renderConsentPage({ ...common, scopes: shown.page.scopes }), status);
  const login = shown.page;
  const rendered = renderLoginPage({
    ...common,
    ...(login.testid ? { testid: { ...login.testid, ...(login.testid.problem !== undefined ? { problem: login.testid.problem as keyof LoginMessages['problems'] } : {}) } as TestIdSection } : {}),
    ...(login.eidas ? { eidas: { ...login.eidas, ...(login.eidas.problem !== undefined ? { problem: login.eidas.problem as keyof EidasMessages['problems'] } : {}) } as EidasSection } : {}),
    external: login.external,
  });
  return sendPage(reply, rendered, status);
}

/** The form's fields as strings; anything else (a repeated field) counts as absent. */
function formOf(body: unknown): Record<string, string | undefined> {
  const form: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries((body ?? {}) as Record<string, unknown>)) if (typeof value === 'string') form[name] = value;
  return form;
}

async function submit(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const services = request.server.services;
  const { interactionId } = request.params as { interactionId: string };
  const outcome = await submitInteraction(services, flowContext(request), {
    interactionId,
    sealedInteraction: request.cookies[interactionCookie],
    languageCookie: request.cookies[languageCookie],
    sessionCookie: request.cookies[sessionCookie],
    form: formOf(request.body),
  });
  if (outcome.kind === 'page') return showPage(reply, services, outcome.page, outcome.status);
  return finish(reply, services, outcome);
}

/** A completed interaction: the next stage's page, or the answer to the client (after any front-channel notices). */
function finish(reply: FastifyReply, services: Services, outcome: Extract<InteractionOutcome, { kind: 'done' }>): FastifyReply {
  clearInteractionCookie(reply, services, outcome.interactionId);
  if (outcome.session) setSessionCookie(reply, services, outcome.session);
  const { next } = outcome;
  let continuation: Continuation;
  if (next.kind === 'interaction') {
    // AUTHZ-27: the next stage (consent) has a page, a cookie and an id of its own.
    const { interactionId: nextId, sealedInteraction, lifetimeMs } = next.interaction;
    setInteractionCookie(reply, services, nextId, sealedInteraction, lifetimeMs);
    continuation = { kind: 'redirect', url: loginPageUrl(services, nextId) };
    if (!outcome.notices) return reply.redirect(continuation.url, 303);
  } else {
    if (!outcome.notices) return deliverAuthorizationResponse(reply, next.response);
    const { target } = next.response;
    // AUTHZ-17: a JARM response is wrapped the same way after the notices.
    const { mode, parameters } = encodeAuthorizationResponse(services, next.response);
    continuation = mode === 'form_post' ? { kind: 'form_post', action: target.redirect_uri, parameters } : { kind: 'redirect', url: appendQueryParameters(target.redirect_uri, parameters) };
  }
  // SSO-07, LOGOUT-08: the previous person's clients are told before the new login proceeds.
  return sendPage(reply, renderFrontchannelPage(outcome.locale, outcome.notices, continuation));
}

export const loginModule: RouteModule = {
  name: 'login',
  register(app) {
    // AUTHN-03: no TestID outside test mode. The consent page comes after a login, so without an
    // authenticator there is nothing to show either (a real eID will register these pages too).
    if (app.services.authenticators.length === 0) return;
    const params = z.object({ interactionId: z.string() });
    app.get(
      loginPath,
      {
        ...documentOnly,
        config: { errorStyle: 'html' },
        schema: {
          tags: ['login'],
          summary: 'The page of a pending login: the TestID login page (test mode only), or the consent page (AUTHZ-27)',
          params,
          querystring: z.object({ lang: z.enum(['nb', 'nn', 'en', 'se']).optional() }),
        },
      },
      async (request, reply) => {
        const services = request.server.services;
        const lang = (request.query as { lang?: unknown }).lang;
        const page = await showInteraction(services, flowContext(request), {
          interactionId: (request.params as { interactionId: string }).interactionId,
          sealedInteraction: request.cookies[interactionCookie],
          languageCookie: request.cookies[languageCookie],
          ...(isLocale(lang) ? { chosenLocale: lang } : {}),
        });
        // AUTHZ-13: an active choice in our UI is remembered and wins from now on.
        if (isLocale(lang)) setLanguageCookie(reply, services, lang);
        // AUTHN-01: when an external eID is the only one that can meet the request, the selector is skipped.
        if (page.kind === 'login' && !page.page.testid && !page.page.eidas && page.page.external.length === 1) {
          return reply.redirect(`${loginPageUrl(services, page.page.interaction.id)}/external/${encodeURIComponent(page.page.external[0]!.id)}`, 303);
        }
        return showPage(reply, services, page);
      },
    );
    // AUTHN-01: a login at an external eID begins here (the selector's link, or at once when it is
    // the only eID that can meet the request): the browser goes to the eID.
    app.get(
      `${loginPath}/external/:method`,
      {
        ...documentOnly,
        config: { errorStyle: 'html' },
        schema: { tags: ['login'], summary: 'Begin the login at an external eID (an upstream OpenID Provider): a redirect to it', params: z.object({ interactionId: z.string(), method: z.string() }) },
      },
      async (request, reply) => {
        const services = request.server.services;
        const { interactionId, method } = request.params as { interactionId: string; method: string };
        const started = await startExternal(services, flowContext(request), {
          interactionId,
          method,
          sealedInteraction: request.cookies[interactionCookie],
          languageCookie: request.cookies[languageCookie],
        });
        if (started.kind === 'respond') {
          clearInteractionCookie(reply, services, started.interactionId);
          return deliverAuthorizationResponse(reply, started.response);
        }
        const { interactionId: id, sealedInteraction, lifetimeMs } = started.interaction;
        setInteractionCookie(reply, services, id, sealedInteraction, lifetimeMs);
        return noStore(reply).redirect(started.url, 303);
      },
    );
    // The external eID's answer, forwarded by the callback below to where the interaction cookie is sent.
    app.get(
      `${loginPath}/callback`,
      {
        ...documentOnly,
        config: { errorStyle: 'html' },
        schema: { tags: ['login'], summary: "The external eID's answer (code, state, iss or error) for this login", params, querystring: z.record(z.string(), z.unknown()) },
      },
      async (request, reply) => {
        const services = request.server.services;
        const { interactionId } = request.params as { interactionId: string };
        const outcome = await completeExternal(services, flowContext(request), {
          interactionId,
          sealedInteraction: request.cookies[interactionCookie],
          languageCookie: request.cookies[languageCookie],
          sessionCookie: request.cookies[sessionCookie],
          query: request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '',
        });
        if (outcome.kind === 'page') return showPage(reply, services, outcome.page, outcome.status);
        return finish(reply, services, outcome);
      },
    );
    // AUTHN-01: the redirect_uri registered at the external eID. Its state names the pending login
    // (`<interaction id>.<random>`); the browser is sent on to that login's own path, where its
    // interaction cookie is sent and the whole state is checked against the one sealed in it.
    app.get(
      externalCallbackPath,
      {
        ...documentOnly,
        config: { errorStyle: 'html' },
        schema: { tags: ['login'], summary: "The external eID's redirect_uri: forwards its answer to the pending login the state names", querystring: z.record(z.string(), z.unknown()) },
      },
      async (request, reply) => {
        const services = request.server.services;
        const state = (request.query as Record<string, unknown>).state;
        const interactionId = typeof state === 'string' ? /^([A-Za-z0-9_-]{16,64})\.[A-Za-z0-9_-]{16,128}$/.exec(state)?.[1] : undefined;
        if (interactionId === undefined) throw new OAuthError('invalid_request', "The eID's answer does not name a pending login (state)", { mayRedirect: false });
        const query = request.url.slice(request.url.indexOf('?') + 1);
        const languageChoice = request.cookies[languageCookie];
        // docs/traps.md, form-action: a new navigation, not another hop of the eID form's redirect chain.
        return sendPage(reply, renderContinuePage(isLocale(languageChoice) ? languageChoice : 'nb', `${loginPageUrl(services, interactionId)}/callback?${query}`));
      },
    );
    app.post(
      loginPath,
      {
        ...documentOnly,
        config: { errorStyle: 'html' },
        schema: {
          tags: ['login'],
          summary:
            'Answer the page: on the login page action=login (with pid and acr), person=<number> (a ready test person, with acr) or action=cancel (access_denied); on the consent page action=accept or action=decline (access_denied)',
          consumes: ['application/x-www-form-urlencoded'],
          params,
          body: z.object({
            csrf: z.string(),
            action: z.enum(['login', 'cancel', 'accept', 'decline']).optional(),
            method: z.string().optional().describe('The eID of the form (AUTHN-01): testid (default), eidas, or an external eID'),
            pid: z.string().optional(),
            person: z.string().optional().describe('A ready test person button: log in with this synthetic number (AUTHN-03)'),
            acr: z.string().optional(),
            eidas_identifier: z.string().optional().describe('IDT-11: CC/NO/…'),
            eidas_firstname: z.string().optional(),
            eidas_lastname: z.string().optional(),
            eidas_date_of_birth: z.string().optional().describe('YYYY-MM-DD'),
            eidas_acr: z.string().optional(),
          }),
        },
      },
      submit,
    );
  },
};
