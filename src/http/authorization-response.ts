// Delivering an authorization response to the verified redirect_uri by the requested mode
// (AUTHZ-15, AUTHZ-16, AUTHZ-18, AUTHZ-20): a 303 redirect with the parameters in the query, or
// the form_post page.
import type { FastifyReply } from 'fastify';
import type { AuthorizationResponse } from '../flows/authorization-response.js';
import { appendQueryParameters } from '../protocol/authorization-response.js';
import { renderFormPostPage } from '../views/form-post-page.js';
import { noStore, sendPage } from './headers.js';

export function deliverAuthorizationResponse(reply: FastifyReply, response: AuthorizationResponse): FastifyReply {
  const { target, parameters, locale } = response;
  if (target.response_mode === 'form_post') return sendPage(reply, renderFormPostPage(target.redirect_uri, parameters, locale));
  return noStore(reply).redirect(appendQueryParameters(target.redirect_uri, parameters), 303);
}
