// The end-session endpoint: OIDC RP-Initiated Logout 1.0 and Front-Channel Logout 1.0 as profiled
// by LOGOUT-01…13 and ERR-05. Served at /logout, with /endsession as an alias. It never answers
// with an OAuth error: every outcome is a page or the one permitted redirect.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { flowServices, localeOf, sessionCookie, sessionCookieOptions } from '../http/authorization-flow.js';
import { noStore, sendPage } from '../http/headers.js';
import { endBrowserSession } from '../http/logout.js';
import type { RawParameters } from '../protocol/authorize/parameters.js';
import { endpointUrl } from '../protocol/discovery.js';
import { decideLogoutRedirect, parseLogoutParameters, verifyIdTokenHint } from '../protocol/logout.js';
import { renderFrontchannelPage, renderLoggedOutPage } from '../views/logout-pages.js';
import type { RouteModule } from './module.js';
import { documentOnly } from './schemas.js';

export const endSessionPath = '/logout';
export const endSessionAlias = '/endsession';

async function endSession(request: FastifyRequest, reply: FastifyReply, raw: RawParameters): Promise<FastifyReply> {
  const context = request.server.op;
  const flow = flowServices(context);
  const parameters = parseLogoutParameters(raw);
  // LOGOUT-13: the pages speak the language in effect (cookie, then ui_locales, then nb).
  const locale = localeOf(request, parameters.ui_locales);
  // LOGOUT-04 (b): the session is looked up before anything is ended.
  const session = await flow.sessions.find(request.cookies[sessionCookie], context.clock());
  const hint = verifyIdTokenHint(parameters.id_token_hint, context.signingKeys, context.config.issuer); // LOGOUT-03
  if (hint) request.clientId = hint.client_id;
  const decision = decideLogoutRedirect(parameters, hint, session?.record ?? null, context.registry);
  if (decision.redirect === undefined && parameters.post_logout_redirect_uri !== undefined) {
    request.log.info({ client_id: hint?.client_id, reason: decision.reason }, 'logout without redirect (LOGOUT-04)');
  }
  // LOGOUT-06: without a session nothing is logged out and nothing redirects.
  if (!session) return sendPage(reply, renderLoggedOutPage(locale, false));

  // LOGOUT-07: end the sessions and grants, then notify (LOGOUT-08), then redirect or show the
  // final page. LOGOUT-11: no confirmation is asked for.
  const notices = await endBrowserSession(context, flow, session, 'single logout');
  reply.clearCookie(sessionCookie, sessionCookieOptions(flow, 0));
  request.log.info({ client_id: hint?.client_id, notified: notices.map((n) => n.client_id), redirect: decision.redirect !== undefined }, 'logged out (LOGOUT-07)');
  if (notices.length > 0) {
    return sendPage(reply, renderFrontchannelPage(locale, notices, decision.redirect !== undefined ? { kind: 'redirect', url: decision.redirect } : { kind: 'stay', hadSession: true }));
  }
  if (decision.redirect !== undefined) return noStore(reply).redirect(decision.redirect, 303);
  return sendPage(reply, renderLoggedOutPage(locale, true));
}

const parametersDoc = z
  .object({
    id_token_hint: z.string().optional().describe('An id_token we issued; its exp is ignored (LOGOUT-03)'),
    post_logout_redirect_uri: z.string().optional().describe('Honoured only with a valid hint, a live session and an exactly registered URI (LOGOUT-04)'),
    state: z.string().optional(),
    client_id: z.string().optional(),
    ui_locales: z.string().optional(),
  })
  .catchall(z.unknown());

export const endSessionModule: RouteModule = {
  name: 'endsession',
  register(app) {
    for (const path of [endSessionPath, endSessionAlias]) {
      const schema = {
        tags: ['logout'],
        summary: path === endSessionPath ? 'End session (OIDC RP-Initiated Logout 1.0); front-channel logout to every client of the session' : 'Alias of /logout',
      };
      // LOGOUT-01 RPIL §2: GET and form POST (POST keeps the hint out of logs).
      app.get(path, { ...documentOnly, config: { errorStyle: 'html' }, schema: { ...schema, querystring: parametersDoc } }, (request, reply) =>
        endSession(request, reply, request.query as RawParameters),
      );
      app.post(path, { ...documentOnly, config: { errorStyle: 'html' }, schema: { ...schema, consumes: ['application/x-www-form-urlencoded'], body: parametersDoc } }, (request, reply) =>
        endSession(request, reply, (request.body ?? {}) as RawParameters),
      );
    }
  },
  metadata: ({ config }) => ({
    end_session_endpoint: endpointUrl(config.issuer, endSessionPath),
    frontchannel_logout_supported: true,
    frontchannel_logout_session_supported: true,
  }),
};
