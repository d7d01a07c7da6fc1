// The end-session endpoint: OIDC RP-Initiated Logout 1.0 and Front-Channel Logout 1.0 as profiled
// by LOGOUT-01…13 and ERR-05. Served at /logout, with /endsession as an alias; the use case is
// flows/end-session.ts. Every outcome is a page or the one permitted redirect.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { endSession } from '../flows/end-session.js';
import { clearSessionCookie, languageCookie, sessionCookie } from '../http/cookies.js';
import { flowContext } from '../http/fastify.js';
import { noStore, sendPage } from '../http/headers.js';
import type { RawParameters } from '../protocol/authorize/parameters.js';
import { endpointUrl } from '../protocol/discovery.js';
import { renderFrontchannelPage, renderLoggedOutPage } from '../views/logout-pages.js';
import type { RouteModule } from './module.js';
import { documentOnly } from './schemas.js';

export const endSessionPath = '/logout';
export const endSessionAlias = '/endsession';

async function handle(request: FastifyRequest, reply: FastifyReply, raw: RawParameters): Promise<FastifyReply> {
  const services = request.server.services;
  const outcome = await endSession(services, flowContext(request), { raw, sessionCookie: request.cookies[sessionCookie], languageCookie: request.cookies[languageCookie] });
  // LOGOUT-06: without a session nothing is logged out and nothing redirects.
  if (outcome.kind === 'no-session') return sendPage(reply, renderLoggedOutPage(outcome.locale, false));
  clearSessionCookie(reply, services);
  const { locale, notices, redirect } = outcome;
  if (notices.length > 0) {
    return sendPage(reply, renderFrontchannelPage(locale, notices, redirect !== undefined ? { kind: 'redirect', url: redirect } : { kind: 'stay', hadSession: true }));
  }
  if (redirect !== undefined) return noStore(reply).redirect(redirect, 303);
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
        handle(request, reply, request.query as RawParameters),
      );
      app.post(path, { ...documentOnly, config: { errorStyle: 'html' }, schema: { ...schema, consumes: ['application/x-www-form-urlencoded'], body: parametersDoc } }, (request, reply) =>
        handle(request, reply, (request.body ?? {}) as RawParameters),
      );
    }
  },
  metadata: ({ config }) => ({
    end_session_endpoint: endpointUrl(config.issuer, endSessionPath),
    frontchannel_logout_supported: true,
    frontchannel_logout_session_supported: true,
  }),
};
