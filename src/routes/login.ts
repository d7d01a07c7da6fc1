// The TestID login page (AUTHN-01…08, AUTHZ-26, AUTHZ-28): GET shows it, POST authenticates or
// cancels (flows/login.ts). The pending request arrives sealed in the interaction cookie.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { showLogin, submitLogin, type LoginPage } from '../flows/login.js';
import type { Services } from '../flows/services.js';
import { deliverAuthorizationResponse } from '../http/authorization-response.js';
import { clearInteractionCookie, interactionCookie, languageCookie, loginPageUrl, sessionCookie, setLanguageCookie, setSessionCookie } from '../http/cookies.js';
import { flowContext } from '../http/fastify.js';
import { sendPage } from '../http/headers.js';
import { isLocale } from '../i18n/locale.js';
import type { LoginMessages } from '../i18n/messages.js';
import { appendQueryParameters } from '../protocol/authorization-response.js';
import { cspSourceFor } from '../protocol/redirect-uri.js';
import { renderLoginPage } from '../views/login-page.js';
import { renderFrontchannelPage, type Continuation } from '../views/logout-pages.js';
import type { RouteModule } from './module.js';
import { documentOnly } from './schemas.js';

const loginPath = '/login/:interactionId';

function showPage(reply: FastifyReply, services: Services, page: LoginPage, status = 200): FastifyReply {
  const action = loginPageUrl(services, page.interaction.id);
  const rendered = renderLoginPage({
    locale: page.locale,
    clientName: page.client.client_name,
    action,
    csrf: page.interaction.csrf,
    levels: page.levels,
    selectedLevel: page.selectedLevel,
    ...(page.pid !== undefined ? { pid: page.pid } : {}),
    ...(page.problem !== undefined ? { problem: page.problem as keyof LoginMessages['problems'] } : {}),
    languageLink: (l) => `${action}?lang=${l}`,
    // docs/traps.md, form-action: the POST is answered by a redirect to the client, which form-action governs.
    formAction: ["'self'", cspSourceFor(page.interaction.request.redirect_uri)],
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
  const outcome = await submitLogin(services, flowContext(request), {
    interactionId,
    sealedInteraction: request.cookies[interactionCookie],
    languageCookie: request.cookies[languageCookie],
    sessionCookie: request.cookies[sessionCookie],
    form: formOf(request.body),
  });
  if (outcome.kind === 'page') return showPage(reply, services, outcome.page, outcome.status);
  clearInteractionCookie(reply, services, outcome.interactionId);
  if (outcome.session) setSessionCookie(reply, services, outcome.session);
  if (outcome.kind === 'frontchannel') {
    // SSO-07, LOGOUT-08: the previous person's clients are told before the new login proceeds.
    const { target, parameters, locale } = outcome.response;
    const next: Continuation =
      target.response_mode === 'form_post'
        ? { kind: 'form_post', action: target.redirect_uri, parameters }
        : { kind: 'redirect', url: appendQueryParameters(target.redirect_uri, parameters) };
    return sendPage(reply, renderFrontchannelPage(locale, outcome.notices, next));
  }
  return deliverAuthorizationResponse(reply, outcome.response);
}

export const loginModule: RouteModule = {
  name: 'login',
  register(app) {
    if (!app.services.authenticator) return; // AUTHN-03: no TestID outside test mode
    const params = z.object({ interactionId: z.string() });
    app.get(
      loginPath,
      {
        ...documentOnly,
        config: { errorStyle: 'html' },
        schema: { tags: ['login'], summary: 'TestID login page (test mode only)', params, querystring: z.object({ lang: z.enum(['nb', 'nn', 'en', 'se']).optional() }) },
      },
      async (request, reply) => {
        const services = request.server.services;
        const lang = (request.query as { lang?: unknown }).lang;
        const page = await showLogin(services, flowContext(request), {
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
          summary: 'Submit the TestID login form (action=login) or cancel it (action=cancel, ends in access_denied)',
          consumes: ['application/x-www-form-urlencoded'],
          params,
          body: z.object({ csrf: z.string(), action: z.enum(['login', 'cancel']), pid: z.string().optional(), acr: z.string().optional() }),
        },
      },
      submit,
    );
  },
};
