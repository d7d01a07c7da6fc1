// What the authorization flows hand to the route for delivery: the verified redirect target, the
// response parameters and the page language (AUTHZ-15…20). Shared by authorize, consent, login
// and refusal, so that none of them imports another for it.
import type { Locale } from '../i18n/locale.js';
import type { ResponseParameters } from '../protocol/authorization-response.js';
import type { RedirectTarget } from '../protocol/authorize/request.js';

/** An authorization response to deliver to a verified redirect_uri (AUTHZ-15…20). */
export interface AuthorizationResponse {
  target: RedirectTarget;
  parameters: ResponseParameters;
  locale: Locale;
}
