// /authorize: RFC 6749 §4.1.1, OIDC Core §3.1.2 (AUTHZ-01…28), RFC 9126 §4 (PAR-07…09). The use
// case is flows/authorize.ts; this module takes the HTTP input and turns the outcome into a
// redirect, a form_post page or the way to the login page.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authorize } from '../flows/authorize.js';
import { deliverAuthorizationResponse } from '../http/authorization-response.js';
import { languageCookie, loginPageUrl, sessionCookie, setInteractionCookie, setSessionCookie } from '../http/cookies.js';
import { flowContext } from '../http/fastify.js';
import { supportedLocales } from '../i18n/locale.js';
import { acrLevels, eidasLevels } from '../protocol/acr.js';
import type { RawParameters } from '../protocol/authorize/parameters.js';
import { endpointUrl } from '../protocol/discovery.js';
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
    response_mode: z.enum(['query', 'form_post', 'query.jwt', 'form_post.jwt', 'jwt']).optional().describe('query.jwt, form_post.jwt and jwt (= query.jwt) return one signed `response` JWT (JARM, AUTHZ-17)'),
    prompt: z.string().optional().describe('login, consent or none'),
    acr_values: z.string().optional().describe('Minimum levels: idporten-loa-substantial (default) or idporten-loa-high; eidas-loa-* ask for eIDAS (AUTHZ-11)'),
    ui_locales: z.string().optional().describe('nb, nn, en or se'),
    max_age: z.string().optional(),
    login_hint: z.string().optional().describe('A hint only; eidas:true asks for eIDAS (AUTHZ-23)'),
    onbehalfof: z.string().optional().describe("One of the client's registered onbehalfof ids (AUTHZ-24)"),
    resource: z.string().optional().describe('RFC 8707 target; becomes the access token aud (may repeat)'),
  })
  .catchall(z.unknown());

async function handle(request: FastifyRequest, reply: FastifyReply, raw: RawParameters): Promise<FastifyReply> {
  const services = request.server.services;
  const outcome = await authorize(services, flowContext(request), { raw, sessionCookie: request.cookies[sessionCookie], languageCookie: request.cookies[languageCookie] });
  // SSO-02: the session cookie follows the restarted idle clock.
  if (outcome.session) setSessionCookie(reply, services, outcome.session);
  if (outcome.kind === 'interaction') {
    // The login page, or (AUTHZ-27) the consent page of a user the session already knows.
    const { interactionId, sealedInteraction, lifetimeMs } = outcome.interaction;
    setInteractionCookie(reply, services, interactionId, sealedInteraction, lifetimeMs);
    return reply.redirect(loginPageUrl(services, interactionId), 303);
  }
  return deliverAuthorizationResponse(reply, outcome.response);
}

export const authorizeModule: RouteModule = {
  name: 'authorize',
  register(app) {
    const schema = { tags: ['authorization'], summary: 'Authorization endpoint (RFC 6749 §4.1.1, OIDC Core §3.1.2)' };
    // AUTHZ-01 Core §3.1.2.1: GET, and form POST with the same meaning.
    app.get(authorizePath, { ...documentOnly, config: { errorStyle: 'html' }, schema: { ...schema, querystring: parametersDoc } }, (request, reply) =>
      handle(request, reply, request.query as RawParameters),
    );
    app.post(
      authorizePath,
      { ...documentOnly, config: { errorStyle: 'html' }, schema: { ...schema, consumes: ['application/x-www-form-urlencoded'], body: parametersDoc } },
      (request, reply) => handle(request, reply, (request.body ?? {}) as RawParameters),
    );
  },
  metadata: ({ config, scopes, authenticators }) => ({
    authorization_endpoint: endpointUrl(config.issuer, authorizePath),
    response_types_supported: ['code'],
    // AUTHZ-15, AUTHZ-17, DISC-02: the plain modes and JARM's; fragment is not offered.
    response_modes_supported: ['query', 'form_post', 'query.jwt', 'form_post.jwt'],
    // AUTHZ-17 JARM §3: JARM responses are signed RS256 (JWKS-02).
    authorization_signing_alg_values_supported: ['RS256'],
    // DISC-04, CLIENT-16: the login scopes and the active API scopes open to every organisation
    // (accessible_for_all); scopes granted to named organisations stay unlisted, and so do the
    // provider's own scopes, which are registrations, not something to request.
    scopes_supported: ['openid', 'profile', ...scopes.all().filter((scope) => !scope.builtIn && scope.active && scope.accessible_for_all).map((scope) => scope.name)],
    code_challenge_methods_supported: ['S256'],
    prompt_values_supported: ['consent', 'login', 'none'],
    // AUTHZ-11, DISC-02, DISC-04: the national levels, and the eIDAS levels once an eIDAS authenticator is there (IDT-11).
    acr_values_supported: [...acrLevels, ...(authenticators.some((a) => a.scale === 'eidas') ? eidasLevels : [])],
    display_values_supported: ['page'],
    ui_locales_supported: [...supportedLocales],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    // DISC-05: arbitrary request_uri values are refused; our own PAR request_uris still work.
    request_uri_parameter_supported: false,
    authorization_response_iss_parameter_supported: true,
  }),
};
