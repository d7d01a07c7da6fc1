// /authorize validation as an ordered pipeline of single-rule checks, in the order of AUTHZ-02
// (RFC 6749 §4.1.2.1; OIDC Core §3.1.2.2, §3.1.2.6). Steps 2-3 fail to the error page (no
// redirect target is trusted yet); every later failure is redirected to the verified
// redirect_uri with the response mode and state already known (ERR-02).
import { OAuthError } from '../../errors.js';
import type { ClientRegistry, RegisteredClient } from '../../registry/client-registry.js';
import { parseAcrValues } from '../acr.js';
import { s256ChallengePattern } from '../pkce.js';
import { findRegisteredRedirectUri } from '../redirect-uri.js';
import { repeatedParameter, single, valueOf, valuesOf, type RawParameters } from './parameters.js';
import type { AuthorizationRequest, PromptValue, RedirectTarget, ResponseMode } from './request.js';

export type AuthorizationOutcome =
  | { ok: true; client: RegisteredClient; request: AuthorizationRequest; ignoredAcrValues: string[] }
  /** `target` is absent when the error must not redirect (AUTHZ-03, AUTHZ-04). */
  | { ok: false; error: OAuthError; client?: RegisteredClient; target?: RedirectTarget };

/** Bounds that keep one request, and the cookie that carries it, small. */
const maxLength = { state: 2048, nonce: 512, login_hint: 256, ui_locales: 100, resource: 2048 } as const;

const pageError = (description: string, error: 'invalid_request' | 'invalid_client' = 'invalid_request') =>
  new OAuthError(error, description, { mayRedirect: false });

/** AUTHZ-03 RFC 6749 §4.1.2.1: present, single, known, active; else the error page. */
export function checkClient(raw: RawParameters, registry: ClientRegistry): RegisteredClient {
  const clientId = single(raw, 'client_id');
  if (clientId.kind === 'absent') throw pageError('client_id is missing');
  if (clientId.kind === 'repeated') throw pageError('client_id is repeated');
  const client = registry.find(clientId.value);
  if (!client) throw pageError('Unknown or inactive client_id', 'invalid_client');
  return client;
}

/** AUTHZ-04: present, single, exactly registered; else the error page, never a redirect. */
export function checkRedirectUri(raw: RawParameters, client: RegisteredClient): string {
  const redirectUri = single(raw, 'redirect_uri');
  if (redirectUri.kind === 'absent') throw pageError('redirect_uri is missing');
  if (redirectUri.kind === 'repeated') throw pageError('redirect_uri is repeated');
  const registered = findRegisteredRedirectUri(client, redirectUri.value);
  if (!registered) throw pageError('redirect_uri is not registered for this client');
  return registered;
}

const responseModes: readonly string[] = ['query', 'form_post'];

/** AUTHZ-15: the mode an error can already be delivered with: the requested one if usable, else query. */
function deliveryMode(raw: RawParameters): ResponseMode {
  const mode = valueOf(raw, 'response_mode');
  return mode !== undefined && responseModes.includes(mode) ? (mode as ResponseMode) : 'query';
}

/** AUTHZ-02 step 4, RFC 6749 §3.1: no parameter more than once (RFC 8707 `resource` excepted). */
export function checkNoRepeatedParameters(raw: RawParameters): void {
  const name = repeatedParameter(raw);
  if (name !== undefined) throw new OAuthError('invalid_request', `${name} is repeated`);
}

/** AUTHZ-15 FPRM §2: query or form_post; fragment and the JARM modes are not offered. */
export function checkResponseMode(raw: RawParameters): ResponseMode {
  const mode = valueOf(raw, 'response_mode');
  if (mode === undefined) return 'query';
  if (!responseModes.includes(mode)) throw new OAuthError('invalid_request', 'response_mode must be query or form_post');
  return mode as ResponseMode;
}

/** AUTHZ-05 RFC 6749 §4.1.2.1: the code flow only. */
export function checkResponseType(raw: RawParameters): void {
  const type = valueOf(raw, 'response_type');
  if (type === undefined) throw new OAuthError('invalid_request', 'response_type is missing');
  if (type !== 'code') throw new OAuthError('unsupported_response_type', 'Only response_type=code is supported');
}

/** PAR-10 RFC 9126 §6: a client registered with require_pushed_authorization_requests must use PAR. */
export function checkPushedRequestNotRequired(client: RegisteredClient): void {
  // Only requests resolved from our PAR endpoint may pass (AUTHZ-02 step 1); this one was not.
  if (client.require_pushed_authorization_requests) throw new OAuthError('invalid_request', 'This client must use pushed authorization requests');
}

/** AUTHZ-21 Core §6.1, §6.2: request objects are refused; PAR request_uris were resolved earlier. */
export function checkNoRequestObject(raw: RawParameters): void {
  if (valueOf(raw, 'request') !== undefined) throw new OAuthError('request_not_supported', 'The request parameter is not supported');
  if (valueOf(raw, 'request_uri') !== undefined) throw new OAuthError('request_uri_not_supported', 'Only request_uri values from the pushed authorization request endpoint are supported');
}

/** AUTHZ-06 RFC 6749 §3.3: every scope registered on the client. */
export function checkScope(raw: RawParameters, client: RegisteredClient): string[] {
  const scope = valueOf(raw, 'scope');
  if (scope === undefined) throw new OAuthError('invalid_request', 'scope is missing');
  const scopes = [...new Set(scope.split(' ').filter(Boolean))];
  if (scopes.length === 0) throw new OAuthError('invalid_request', 'scope is empty');
  const unknown = scopes.filter((s) => !client.scopes.includes(s));
  if (unknown.length > 0) throw new OAuthError('invalid_scope', `Scope not registered for this client: ${unknown.join(' ')}`);
  return scopes;
}

/**
 * AUTHZ-07 RFC 7636 §4.2, §4.3, §4.4.1: S256 is mandatory unless the client registered the
 * named opt-out code_challenge_method "none" (CLIENT-15); plain is never accepted, because it
 * lets anyone who sees the challenge redeem a stolen code. A downgraded client that still sends
 * a challenge has it enforced.
 */
export function checkPkce(raw: RawParameters, client: RegisteredClient): string | undefined {
  const challenge = valueOf(raw, 'code_challenge');
  const method = valueOf(raw, 'code_challenge_method');
  if (method !== undefined && method !== 'S256') throw new OAuthError('invalid_request', 'code_challenge_method must be S256');
  if (challenge === undefined) {
    if (method !== undefined) throw new OAuthError('invalid_request', 'code_challenge_method without code_challenge');
    if (client.code_challenge_method === 'none') return undefined;
    throw new OAuthError('invalid_request', 'code_challenge is required (PKCE with S256)');
  }
  if (method === undefined) throw new OAuthError('invalid_request', 'code_challenge_method is required and must be S256');
  if (!s256ChallengePattern.test(challenge)) throw new OAuthError('invalid_request', 'code_challenge must be 43 base64url characters without padding');
  return challenge;
}

/** AUTHZ-08 RFC 6749 §10.12: state is mandatory for public and PKCE-downgraded clients. */
export function checkState(state: string | undefined, client: RegisteredClient): void {
  if (state === undefined && (client.isPublic || client.code_challenge_method === 'none')) {
    throw new OAuthError('invalid_request', 'state is required for this client');
  }
  if (state !== undefined && state.length > maxLength.state) throw new OAuthError('invalid_request', `state is longer than ${maxLength.state} characters`);
}

const promptValues: readonly string[] = ['login', 'consent', 'none'];

/** AUTHZ-14 Core §3.1.2.1: known values only; none stands alone. */
export function checkPrompt(raw: RawParameters): PromptValue[] {
  const values = [...new Set((valueOf(raw, 'prompt') ?? '').split(' ').filter(Boolean))];
  const unknown = values.find((v) => !promptValues.includes(v));
  if (unknown !== undefined) throw new OAuthError('invalid_request', `Unsupported prompt value: ${unknown}`);
  if (values.includes('none') && values.length > 1) throw new OAuthError('invalid_request', 'prompt=none cannot be combined with other values');
  return values as PromptValue[];
}

/** AUTHZ-25 RFC 8707 §2: absolute URIs without a fragment. */
export function checkResource(raw: RawParameters): string[] {
  const resources = valuesOf(raw, 'resource');
  for (const resource of resources) {
    let valid = resource.length <= maxLength.resource && !resource.includes('#');
    if (valid) {
      try {
        new URL(resource);
      } catch {
        valid = false;
      }
    }
    if (!valid) throw new OAuthError('invalid_target', 'resource must be an absolute URI without a fragment');
  }
  return [...new Set(resources)];
}

/** OIDC Core §3.1.2.1: max_age is a non-negative number of seconds. */
export function checkMaxAge(raw: RawParameters): number | undefined {
  const value = valueOf(raw, 'max_age');
  if (value === undefined) return undefined;
  if (!/^\d{1,10}$/.test(value)) throw new OAuthError('invalid_request', 'max_age must be a non-negative whole number of seconds');
  return Number(value);
}

function checkLength(raw: RawParameters, name: 'nonce' | 'login_hint' | 'ui_locales'): string | undefined {
  const value = valueOf(raw, name);
  if (value !== undefined && value.length > maxLength[name]) throw new OAuthError('invalid_request', `${name} is longer than ${maxLength[name]} characters`);
  return value;
}

export interface PipelineOptions {
  /** At the PAR endpoint (RFC 9126 §2.1): the request is being pushed, so PAR-10 is met. */
  pushed?: boolean;
}

/** Runs the pipeline. Never throws: the outcome says where an error may go. */
export function parseAuthorizationRequest(raw: RawParameters, registry: ClientRegistry, options: PipelineOptions = {}): AuthorizationOutcome {
  let client: RegisteredClient | undefined;
  let target: RedirectTarget | undefined;
  try {
    client = checkClient(raw, registry); // step 2
    const redirectUri = checkRedirectUri(raw, client); // step 3
    // From here on errors are redirected (ERR-02), echoing state when it was sent once (AUTHZ-20).
    const state = valueOf(raw, 'state');
    // AUTHZ-20: state is echoed, unless it broke its own bound (checkState): echoing kilobytes
    // into a Location header would make the error undeliverable.
    const echo = state !== undefined && state.length <= maxLength.state;
    target = { redirect_uri: redirectUri, response_mode: deliveryMode(raw), ...(echo ? { state } : {}) };
    checkNoRepeatedParameters(raw); // step 4
    const responseMode = checkResponseMode(raw); // step 5 (an invalid mode answers via query)
    checkResponseType(raw); // step 6
    if (!options.pushed) checkPushedRequestNotRequired(client); // step 7, PAR-10
    checkNoRequestObject(raw); // step 7
    const scope = checkScope(raw, client); // step 8
    const codeChallenge = checkPkce(raw, client); // step 9
    checkState(state, client); // step 10
    const prompt = checkPrompt(raw); // step 11
    const acr = parseAcrValues(valueOf(raw, 'acr_values')); // step 12
    const resource = checkResource(raw);
    const maxAge = checkMaxAge(raw);
    const nonce = checkLength(raw, 'nonce'); // AUTHZ-09
    const uiLocales = checkLength(raw, 'ui_locales');
    const loginHint = checkLength(raw, 'login_hint'); // AUTHZ-23: a hint only
    // AUTHZ-22: claims, display, claims_locales and unknown parameters are tolerated and ignored.
    const request: AuthorizationRequest = {
      client_id: client.client_id,
      redirect_uri: redirectUri,
      response_mode: responseMode,
      scope,
      prompt,
      acr_minimum: acr.minimum,
      resource,
      ...(state !== undefined ? { state } : {}),
      ...(nonce !== undefined ? { nonce } : {}),
      ...(codeChallenge !== undefined ? { code_challenge: codeChallenge } : {}),
      ...(maxAge !== undefined ? { max_age: maxAge } : {}),
      ...(uiLocales !== undefined ? { ui_locales: uiLocales } : {}),
      ...(loginHint !== undefined ? { login_hint: loginHint } : {}),
    };
    return { ok: true, client, request, ignoredAcrValues: acr.ignored };
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    return { ok: false, error, ...(client ? { client } : {}), ...(target && error.mayRedirect ? { target } : {}) };
  }
}
