// The pages of a pending interaction under /login/<id> (flows/login.ts): the TestID login page
// (AUTHN-01…08, AUTHZ-26, AUTHZ-28) and the consent page (AUTHZ-27). GET shows the page of the
// interaction's stage, POST takes its answer. The pending request arrives sealed in the
// interaction cookie; each stage has its own id, cookie and page.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { showInteraction, submitInteraction, type InteractionPage } from '../flows/login.js';
import type { Services } from '../flows/services.js';
import { deliverAuthorizationResponse } from '../http/authorization-response.js';
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
import { sendPage } from '../http/headers.js';
import { isLocale } from '../i18n/locale.js';
import type { LoginMessages } from '../i18n/messages.js';
import { appendQueryParameters } from '../protocol/authorization-response.js';
import { cspSourceFor } from '../protocol/redirect-uri.js';
import { renderConsentPage } from '../views/consent-page.js';
import { renderLoginPage } from '../views/login-page.js';
import { renderFrontchannelPage, type Continuation } from '../views/logout-pages.js';
import type { RouteModule } from './module.js';
import { documentOnly } from './schemas.js';

const loginPath = '/login/:interactionId';

function showPage(reply: FastifyReply, services: Services, shown: InteractionPage, status = 200): FastifyReply {
  const { page } = shown;
  const action = loginPageUrl(services, page.interaction.id);
  const common = {
    locale: page.locale,
    clientName: page.client.client_name,
    clientLogo: page.client.logo,
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
    levels: login.levels,
    selectedLevel: login.selectedLevel,
    persons: login.persons,
    ...(login.pid !== undefined ? { pid: login.pid } : {}),
    ...(login.problem !== undefined ? { problem: login.problem as keyof LoginMessages['problems'] } : {}),
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
    const { target, parameters } = next.response;
    continuation =
      target.response_mode === 'form_post' ? { kind: 'form_post', action: target.redirect_uri, parameters } : { kind: 'redirect', url: appendQueryParameters(target.redirect_uri, parameters) };
  }
  // SSO-07, LOGOUT-08: the previous person's clients are told before the new login proceeds.
  return sendPage(reply, renderFrontchannelPage(outcome.locale, outcome.notices, continuation));
}

export const loginModule: RouteModule = {
  name: 'login',
  register(app) {
    // AUTHN-03: no TestID outside test mode. The consent page comes after a login, so without an
    // authenticator there is nothing to show either (a real eID will register these pages too).
    if (!app.services.authenticator) return;
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
        return showPage(reply, services, page);
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
            pid: z.string().optional(),
            person: z.string().optional().describe('A ready test person button: log in with this synthetic number (AUTHN-03)'),
            acr: z.string().optional(),
          }),
        },
      },
      submit,
    );
  },
};
