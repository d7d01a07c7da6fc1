// The validated authorization request: only this type reaches the session, the code and the
// tokens. Built by parseAuthorizationRequest (checks.ts) from RawParameters.
import type { AcrLevel, EidasLevel } from '../acr.js';

/**
 * AUTHZ-15: query (default), form_post (AUTHZ-16), and the JARM modes (AUTHZ-17). JARM §2.3.4's
 * `jwt` means query.jwt for the code flow and is stored as that.
 */
export type ResponseMode = 'query' | 'form_post' | 'query.jwt' | 'form_post.jwt';
export type PromptValue = 'login' | 'consent' | 'none';

export interface AuthorizationRequest {
  client_id: string;
  redirect_uri: string;
  response_mode: ResponseMode;
  scope: string[];
  state?: string;
  nonce?: string;
  /** S256 challenge (AUTHZ-07); absent only for a downgraded client that sent none. */
  code_challenge?: string;
  prompt: PromptValue[];
  /** AUTHZ-11: the weakest level the client accepts. */
  acr_minimum: AcrLevel;
  /** AUTHZ-11, AUTHZ-23: eIDAS was requested; the weakest eidas-loa-* level accepted. */
  eidas_minimum?: EidasLevel;
  /** AUTHZ-11: only eidas-loa-* values were requested: no national eID is offered. */
  eidas_only?: true;
  /** OIDC Core §3.1.2.1, seconds. */
  max_age?: number;
  ui_locales?: string;
  login_hint?: string;
  /** AUTHZ-24: the client's registered sub-identity the login is for. */
  onbehalfof?: string;
  /** AUTHZ-25 RFC 8707: absolute URIs, for the access token's aud (AT-06). */
  resource: string[];
}

/** Where an error may be sent once client and redirect_uri are verified (ERR-02). */
export interface RedirectTarget {
  /** The verified client: the audience of a JARM response (AUTHZ-17). */
  client_id: string;
  redirect_uri: string;
  response_mode: ResponseMode;
  state?: string;
}

/** Where a validated request's response goes (ERR-02). */
export const targetOf = (request: AuthorizationRequest): RedirectTarget => ({
  client_id: request.client_id,
  redirect_uri: request.redirect_uri,
  response_mode: request.response_mode,
  ...(request.state !== undefined ? { state: request.state } : {}),
});
