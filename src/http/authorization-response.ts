// Delivering an authorization response to the verified redirect_uri by the requested mode
// (AUTHZ-15, AUTHZ-16, AUTHZ-17, AUTHZ-18, AUTHZ-20): a 303 redirect with the parameters in the
// query, or the form_post page; the JARM modes first wrap the parameters in one signed `response`.
import type { FastifyReply } from 'fastify';
import type { AuthorizationResponse } from '../flows/authorization-response.js';
import type { Services } from '../flows/services.js';
import { appendQueryParameters, carrierMode, isJarmMode, jarmParameters, type ResponseParameters } from '../protocol/authorization-response.js';
import { renderFormPostPage } from '../views/form-post-page.js';
import { noStore, sendPage } from './headers.js';

/** The parameters as they travel, and how: JARM only when asked, so the plain modes sign nothing. */
export function encodeAuthorizationResponse(services: Pick<Services, 'config' | 'clock' | 'signingKeys'>, response: AuthorizationResponse): { mode: 'query' | 'form_post'; parameters: ResponseParameters } {
  const { target, parameters } = response;
  const mode = carrierMode(target.response_mode);
  // AUTHZ-17 JARM §2.3: query.jwt and form_post.jwt carry the fields as one JWT, signed by the current key (JWKS-02, JWKS-03).
  if (!isJarmMode(target.response_mode)) return { mode, parameters };
  const now = services.clock();
  return { mode, parameters: jarmParameters(parameters, target, services.config.issuer, Math.floor(now / 1000), services.signingKeys.signingKey(now)) };
}

export function deliverAuthorizationResponse(reply: FastifyReply, response: AuthorizationResponse): FastifyReply {
  const { mode, parameters } = encodeAuthorizationResponse(reply.server.services, response);
  if (mode === 'form_post') return sendPage(reply, renderFormPostPage(response.target.redirect_uri, parameters, response.locale));
  return noStore(reply).redirect(appendQueryParameters(response.target.redirect_uri, parameters), 303);
}
