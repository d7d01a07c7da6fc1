// /authorize: RFC 6749 §4.1.1, OIDC Core §3.1.2 (AUTHZ-01…28), RFC 9126 §4 (PAR-07…09).
// Validation is the pipeline in protocol/authorize/checks.ts (or was done at /par); this module
// decides between answering from the SSO session, sending the user to the login page, or
// redirecting an error, and does the I/O.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { OAuthError } from '../errors.js';
import {
  deliverCode,
  deliverError,
  flowServices,
  interactionCookie,
  interactionCookieOptions,
  interactionLifetimeMs,
  issueCodeOps,
  localeOf,
  loginPageUrl,
  randomId,
  sessionCookie,
  sessionCookieOptions,
  type Interaction,
} from '../http/authorization-flow.js';
import { supportedLocales, type Locale } from '../i18n/locale.js';
import { acrLevels } from '../protocol/acr.js';
import { parseAuthorizationRequest } from '../protocol/authorize/checks.js';
import type { RawParameters } from '../protocol/authorize/parameters.js';
import { checkPushedRequest, parsePushedRequestReference, refersToPushedRequest } from '../protocol/authorize/pushed-request.js';
import type { AuthorizationRequest } from '../protocol/authorize/request.js';
import type { RegisteredClient } from '../registry/client-registry.js';
import { loginFor, type LoadedSession } from '../store/sessions.js';
import { endpointUrl } from '../protocol/discovery.js';
import { decideSso } from '../protocol/sso.js';
import type { RouteModule } from './module.js';
import { documentOnly } from './schemas.js';

export const authorizePath = '/authorize';

const parametersDoc = z
  .object({
    client_id: z.string(),
    redirect_uri: z.string(),
    response_type: z.literal('code'),
    scope: z.string().describe('Space-separated; openid and profile for ID-porten clients'),
    state: z.string().optional().describe('Required for public and PKCE-downgraded clients (AUTHZ-08)'),
    nonce: z.string().optional(),
    code_challenge: z.string().optional().describe('BASE64URL(SHA256(code_verifier)), 43 characters (AUTHZ-07)'),
    code_challenge_method: z.literal('S256').optional(),
    response_mode: z.enum(['query', 'form_post']).optional(),
    prompt: z.string().optional().describe('login, consent or none'),
    acr_values: z.string().optional().describe('Minimum level: idporten-loa-substantial (default) or idporten-loa-high'),
    ui_locales: z.string().optional().describe('nb, nn, en or se'),
    max_age: z.string().optional(),
    login_hint: z.string().optional(),
    resource: z.string().optional().describe('RFC 8707 target; becomes the access token aud (may repeat)'),
  })
  .catchall(z.unknown());

async function authorize(request: FastifyRequest, reply: FastifyReply, raw: RawParameters): Promise<FastifyReply> {
  const context = request.server.op;
  const { config, clock } = context;
  const flow = flowServices(context);
  const sessionCookieValue = request.cookies[sessionCookie];

  let client: RegisteredClient;
  let authorization: AuthorizationRequest;
  let session: LoadedSession | null;
  if (refersToPushedRequest(raw)) {
    // AUTHZ-02 step 1, PAR-07…09: resolve the pushed request; nothing else on the URL counts.
    const reference = parsePushedRequestReference(raw, context.registry);
    request.clientId = reference.client.client_id;
    request.clientName = reference.client.client_name;
    // One round trip: the atomic take (PAR-08) and the session read travel together.
    const [record, found] = await Promise.all([
      flow.pushedRequests.take(reference.handle, reference.client.client_id, config.parLifetime * 1000),
      flow.sessions.find(sessionCookieValue, clock()),
    ]);
    checkPushedRequest(record, reference.client, clock());
    client = reference.client;
    // PAR-09 RFC 9126 §4: only the pushed values count; the rest of the URL is ignored.
    authorization = record.request;
    session = found;
  } else {
    const outcome = parseAuthorizationRequest(raw, context.registry);
    if (outcome.client) {
      request.clientId = outcome.client.client_id;
      request.clientName = outcome.client.client_name;
    }
    if (!outcome.ok) {
      // AUTHZ-03, AUTHZ-04, ERR-01: without a verified redirect target the error page is shown
      // (and logged by the error handler).
      if (!outcome.target) throw outcome.error;
      // ERR-02, ERR-06: every later failure is redirected, and logged here.
      request.log.info({ error: outcome.error.error, client_id: request.clientId, endpoint: authorizePath, detail: outcome.error.description }, 'authorization request refused');
      const locale = localeOf(request, typeof raw.ui_locales === 'string' ? raw.ui_locales : undefined);
      return deliverError(reply, outcome.target, outcome.error, config.issuer, locale);
    }
    if (outcome.ignoredAcrValues.length > 0) request.log.info({ acr_values: outcome.ignoredAcrValues }, 'unknown acr_values ignored (AUTHZ-11)');
    client = outcome.client;
    authorization = outcome.request;
    session = await flow.sessions.find(sessionCookieValue, clock());
  }
  return continueAuthorization(request, reply, client, authorization, session, localeOf(request, authorization.ui_locales));
}

/** After validation: answer from the session (SSO-04), send the user to log in, or redirect an error. */
async function continueAuthorization(
  request: FastifyRequest,
  reply: FastifyReply,
  client: RegisteredClient,
  authorization: AuthorizationRequest,
  session: LoadedSession | null,
  locale: Locale,
): Promise<FastifyReply> {
  const context = request.server.op;
  const { config, clock } = context;
  const flow = flowServices(context);
  const target = { redirect_uri: authorization.redirect_uri, response_mode: authorization.response_mode, ...(authorization.state !== undefined ? { state: authorization.state } : {}) };
  const now = clock();
  // SSO-04, SSO-08: the login this client may use: the common one, or its own isolated one.
  const login = session ? (loginFor(session.record, client) ?? null) : null;
  const decision = decideSso(authorization, client, login, now);
  if (decision.kind === 'error') return deliverError(reply, target, decision.error, config.issuer, locale);

  if (decision.kind === 'reuse' && session && login) {
    // SSO-04: answered from the session; SSO-02, SSO-09: this request restarts the idle clock of
    // the whole browser session.
    const record = { ...session.record, last_active_at: now };
    const subject = { pid: login.pid, acr: login.acr, amr: login.amr, auth_time: login.auth_time, sid: login.sid, locale };
    const { code, ops } = issueCodeOps(flow, client, authorization, subject, record, now);
    await context.store.write([...flow.sessions.saveOps(session.cookie, record, now), ...ops]);
    reply.setCookie(sessionCookie, session.cookie, sessionCookieOptions(flow, flow.sessions.remainingMs(record, now)));
    return deliverCode(reply, target, code, config.issuer, locale);
  }

  if (!context.authenticator) {
    return deliverError(reply, target, new OAuthError('temporarily_unavailable', 'No authentication method is available in this deployment'), config.issuer, locale);
  }
  // The user must authenticate: the validated request travels sealed in a cookie bound to this
  // browser, so showing the login page costs no store round trip.
  const interaction: Interaction = { id: randomId(), request: authorization, csrf: randomId(), expires_at: now + interactionLifetimeMs };
  reply.setCookie(interactionCookie, flow.interactions.seal(interaction, interaction.id), interactionCookieOptions(flow, interaction.id, interactionLifetimeMs));
  return reply.redirect(loginPageUrl(flow, interaction.id), 303);
}

export const authorizeModule: RouteModule = {
  name: 'authorize',
  register(app) {
    const schema = { tags: ['authorization'], summary: 'Authorization endpoint (RFC 6749 §4.1.1, OIDC Core §3.1.2)' };
    // AUTHZ-01 Core §3.1.2.1: GET, and form POST with the same meaning.
    app.get(authorizePath, { ...documentOnly, config: { errorStyle: 'html' }, schema: { ...schema, querystring: parametersDoc } }, (request, reply) =>
      authorize(request, reply, request.query as RawParameters),
    );
    app.post(
      authorizePath,
      { ...documentOnly, config: { errorStyle: 'html' }, schema: { ...schema, consumes: ['application/x-www-form-urlencoded'], body: parametersDoc } },
      (request, reply) => authorize(request, reply, (request.body ?? {}) as RawParameters),
    );
  },
  metadata: ({ config }) => ({
    authorization_endpoint: endpointUrl(config.issuer, authorizePath),
    response_types_supported: ['code'],
    response_modes_supported: ['query', 'form_post'],
    scopes_supported: ['openid', 'profile'],
    code_challenge_methods_supported: ['S256'],
    prompt_values_supported: ['consent', 'login', 'none'],
    acr_values_supported: [...acrLevels],
    display_values_supported: ['page'],
    ui_locales_supported: [...supportedLocales],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    // DISC-05: arbitrary request_uri values are refused; our own PAR request_uris still work.
    request_uri_parameter_supported: false,
    authorization_response_iss_parameter_supported: true,
  }),
};
