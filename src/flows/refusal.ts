// Refused authorizations (ERR-02, ERR-06, AUTHZ-20): once the redirect_uri is validated, every
// failure goes back to the client with error, state and iss, and is logged in this one place.
import { OAuthError, StoreUnavailableError, storeOutage } from '../errors.js';
import type { Locale } from '../i18n/locale.js';
import { errorParameters } from '../protocol/authorization-response.js';
import type { RedirectTarget } from '../protocol/authorize/request.js';
import type { RegisteredClient } from '../registry/client-registry.js';
import type { AuthorizationResponse } from './authorization-response.js';
import type { FlowContext } from './services.js';

/**
 * ERR-02: after redirect_uri is validated every failure goes back to the client. An internal
 * failure becomes server_error (temporarily_unavailable when the store cannot be reached); its
 * cause goes to the log only, with the request's reference id.
 */
export function redirectableError(error: unknown, flow: FlowContext): OAuthError {
  if (error instanceof OAuthError && error.mayRedirect) return error;
  if (error instanceof StoreUnavailableError) return storeOutage(error, true);
  flow.log.error({ err: error }, 'authorization failed after redirect_uri was validated; answering server_error (ERR-02)');
  return new OAuthError('server_error', 'An unexpected error occurred', { detail: error instanceof Error ? error.message : String(error) });
}

/** ERR-02, ERR-06: a refused authorization, logged and redirected with error, state and iss (AUTHZ-20). */
export function refuse(flow: FlowContext, client: Pick<RegisteredClient, 'client_id'> | undefined, target: RedirectTarget, error: OAuthError, issuer: string, locale: Locale): AuthorizationResponse {
  flow.log.info({ error: error.error, client_id: client?.client_id, endpoint: '/authorize', detail: error.detail ?? error.description }, 'authorization request refused');
  return { target, parameters: errorParameters(error, target, issuer), locale };
}
