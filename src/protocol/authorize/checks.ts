// /authorize validation as an ordered pipeline of single-rule checks, in the order of AUTHZ-02
// (RFC 6749 §4.1.2.1; OIDC Core §3.1.2.2, §3.1.2.6). Steps 2-3 fail to the error page (no
// redirect target is trusted yet); every later failure is redirected to the verified
// redirect_uri with the response mode and state already known (ERR-02).
import { OAuthError } from '../../errors.js';
import type { ClientRegistry, RegisteredClient } from '../../registry/client-registry.js';
import { onBehalfOfIdPattern } from '../../registry/client-schema.js';
import { parseAcrValues } from '../acr.js';
import { s256ChallengePattern } from '../pkce.js';
import { findRegisteredRedirectUri } from '../redirect-uri.js';
import { repeatedParameter, single, valueOf, valuesOf, type RawParameters } from './parameters.js';
import type { AuthorizationRequest, PromptValue, RedirectTarget, ResponseMode } from './request.js';

export type AuthorizationOutcome =
  | { ok: true; client: RegisteredClient; request: AuthorizationRequest; ignoredAcrValues: string[] }
  /** `target` is absent when the error must not redirect (AUTHZ-03, AUTHZ-04). */
  | { ok: false; error: OAuthError; client?: RegisteredClient; target?: RedirectTarget };

/** Bounds that keep one request, and everything that stores or carries it, small. */
const maxLength = { state: 2048, nonce: 512, login_hint: 256, ui_locales: 100, resource: 2048 } as const;
/** RFC 8707 lets resource repeat; 10 is plenty for one login and bounds what is stored. */
export const maxResourceValues = 10;
/** The names and values of all parameters together, in bytes (docs/interface.md, "Operations"). */
export const maxParameterBytes = 8192;
/**
 * At /par these authenticate the client (PAR-02) and are never stored, so they do not count: a
 * client assertion carrying a certificate chain may be larger than a whole request.
 */
const clientAuthenticationParameters = new Set(['client_secret', 'client_assertion', 'client_assertion_type']);

const pageError = (description: string, error: 'invalid_request' | 'invalid_client' | 'unauthorized_client' = 'invalid_request') =>
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

/**
 * AUTHZ-02 step 2, CLIENT-03: the client is registered for the code flow. A machine client
 * (TOKEN-21) is not, and has no redirect_uri to send the error to.
 */
export function checkClientUsesCodeFlow(client: RegisteredClient): void {
  if (!client.grant_types.includes('authorization_code')) throw pageError('The client is not registered for the authorization code flow', 'unauthorized_client');
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

/** AUTHZ-15, AUTHZ-17: the modes offered, with JARM §2.3.4's `jwt` = query.jwt for response_type code. */
const responseModes: Readonly<Record<string, ResponseMode>> = {
  query: 'query',
  form_post: 'form_post',
  'query.jwt': 'query.jwt',
  'form_post.jwt': 'form_post.jwt',
  jwt: 'query.jwt',
};
const responseModeOf = (mode: string | undefined): ResponseMode | undefined => (mode !== undefined && Object.hasOwn(responseModes, mode) ? responseModes[mode] : undefined);

/**
 * AUTHZ-15: the mode an error can already be delivered with: the requested one if usable, else
 * query. AUTHZ-17 JARM §2.3: a JARM request gets its errors after redirect_uri validation wrapped too.
 */
function deliveryMode(raw: RawParameters): ResponseMode {
  return responseModeOf(valueOf(raw, 'response_mode')) ?? 'query';
}

/**
 * Every request the provider keeps (a pushed request, the pending login) is bounded: the names
 * and values of its parameters together may not exceed maxParameterBytes, whether the provider
 * understands them or not (AUTHZ-22 ignores unknown ones, but they were sent).
 */
export function checkTotalSize(raw: RawParameters, endpoint: AuthorizationEndpoint): void {
  const size = (measure: (text: string) => number): number => {
    let total = 0;
    for (const name in raw) {
      const value = raw[name];
      if (value === undefined || (endpoint === 'par' && clientAuthenticationParameters.has(name))) continue;
      if (typeof value === 'string') total += measure(name) + measure(value);
      else for (const one of value) total += measure(name) + measure(one);
    }
    return total;
  };
  // A string unit is at most 3 bytes in UTF-8 (JavaScript counts 16-bit units): a request of at
  // most a third of the bound in characters is within it, and only a larger one is measured in bytes.
  if (size((text) => text.length) * 3 <= maxParameterBytes) return;
  if (size((text) => Buffer.byteLength(text)) > maxParameterBytes) throw new OAuthError('invalid_request', `The authorization parameters exceed ${maxParameterBytes} bytes in total`);
}

/** AUTHZ-02 step 4, RFC 6749 §3.1: no parameter more than once (RFC 8707 `resource` excepted). */
export function checkNoRepeatedParameters(raw: RawParameters): void {
  const name = repeatedParameter(raw);
  if (name !== undefined) throw new OAuthError('invalid_request', `${name} is repeated`);
}

/** AUTHZ-15 FPRM §2, JARM §2.3: query, form_post or a JARM mode; fragment is not offered (profile §19.3). */
export function checkResponseMode(raw: RawParameters): ResponseMode {
  const mode = valueOf(raw, 'response_mode');
  if (mode === undefined) return 'query';
  const known = responseModeOf(mode);
  // AUTHZ-15, AUTHZ-17: anything else, fragment included, is invalid_request (delivered by query).
  if (known === undefined) throw new OAuthError('invalid_request', 'response_mode must be query, form_post, query.jwt, form_post.jwt or jwt');
  return known;
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

/**
 * AUTHZ-08 RFC 6749 §10.12: state is mandatory for public and PKCE-downgraded clients, and for
 * every client under the flag requireStateAndNonceForAll.
 */
export function checkState(state: string | undefined, client: RegisteredClient, requireForAll = false): void {
  if (state === undefined && (requireForAll || client.isPublic || client.code_challenge_method === 'none')) {
    throw new OAuthError('invalid_request', requireForAll ? 'state is required (requireStateAndNonceForAll)' : 'state is required for this client');
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
  if (resources.length > maxResourceValues) throw new OAuthError('invalid_request', `resource may be given at most ${maxResourceValues} times`);
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

/**
 * AUTHZ-24: onbehalfof selects one of the client's registered sub-identities; anything else —
 * unknown, or beyond the bound of a registered id — is invalid_request.
 */
export function checkOnBehalfOf(raw: RawParameters, client: RegisteredClient): string | undefined {
  const value = valueOf(raw, 'onbehalfof');
  if (value === undefined) return undefined;
  if (!onBehalfOfIdPattern.test(value)) throw new OAuthError('invalid_request', 'onbehalfof must be 1-100 printable characters without spaces');
  // AUTHZ-24: only an id registered on this client.
  if (!client.onbehalfof?.some((entry) => entry.onbehalfof === value)) throw new OAuthError('invalid_request', 'onbehalfof is not registered for this client');
  return value;
}

/** OIDC Core §3.1.2.1: max_age is a non-negative number of seconds. */
export function checkMaxAge(raw: RawParameters): number | undefined {
  const value = valueOf(raw, 'max_age');
  if (value === undefined) return undefined;
  if (!/^\d{1,10}$/.test(value)) throw new OAuthError('invalid_request', 'max_age must be a non-negative whole number of seconds');
  return Number(value);
}

/** AUTHZ-08 flag requireStateAndNonceForAll: nonce is mandatory too; AUTHZ-09 bounds it. */
export function checkNonce(raw: RawParameters, requireForAll = false): string | undefined {
  const nonce = checkLength(raw, 'nonce');
  if (nonce === undefined && requireForAll) throw new OAuthError('invalid_request', 'nonce is required (requireStateAndNonceForAll)');
  return nonce;
}

function checkLength(raw: RawParameters, name: 'nonce' | 'login_hint' | 'ui_locales'): string | undefined {
  const value = valueOf(raw, name);
  if (value !== undefined && value.length > maxLength[name]) throw new OAuthError('invalid_request', `${name} is longer than ${maxLength[name]} characters`);
  return value;
}

/** The two endpoints that take authorization parameters: /authorize, and /par (RFC 9126 §2.1). */
export type AuthorizationEndpoint = 'authorize' | 'par';

/** What the steps build up; `target` exists once redirect_uri is verified (ERR-02). */
interface Draft {
  readonly raw: RawParameters;
  client?: RegisteredClient;
  target?: RedirectTarget;
  state?: string;
  request: Partial<AuthorizationRequest>;
  ignoredAcrValues: string[];
}

/** What the provider's configuration adds to the rules. */
export interface AuthorizationPolicy {
  /** AUTHZ-08 flag requireStateAndNonceForAll (default off). */
  requireStateAndNonceForAll?: boolean;
  /** AUTHZ-23 flag: login_hint=eidas:true adds eidas-loa-substantial (default on). */
  legacyEidasLoginHint?: boolean;
}

interface Step {
  /** Where the step runs. The rows that name one endpoint are the differences between them. */
  readonly at: readonly AuthorizationEndpoint[];
  readonly run: (draft: Draft, registry: ClientRegistry, policy: AuthorizationPolicy) => void;
}

const both: readonly AuthorizationEndpoint[] = ['authorize', 'par'];

/** PAR-03 RFC 9126 §2.1: a request_uri cannot itself be pushed. */
export function checkNoRequestUriPushed(raw: RawParameters): void {
  if (raw.request_uri !== undefined) throw new OAuthError('invalid_request', 'request_uri is not allowed in a pushed authorization request');
}

/**
 * The checks of each endpoint, in the order of AUTHZ-02 (as node-oidc-provider declares which
 * checks run for which endpoint). /par differs from /authorize in two rows: it refuses a
 * request_uri in the body (PAR-03), and it does not apply PAR-10 to itself. At /par the
 * client_id is the authenticated client's (PAR-02), and every failure is answered as JSON
 * (PAR-06) whatever its routing at /authorize.
 */
const steps: readonly Step[] = [
  // PAR-03 RFC 9126 §2.1: a request_uri cannot itself be pushed.
  { at: ['par'], run: (d) => checkNoRequestUriPushed(d.raw) },
  // AUTHZ-02 step 2, AUTHZ-03: the client (at /par: the authenticated one, PAR-02).
  { at: both, run: (d, registry) => void (d.client = checkClient(d.raw, registry)) },
  // AUTHZ-02 step 2, CLIENT-03: only clients of the code flow (a machine client has none).
  { at: both, run: (d) => checkClientUsesCodeFlow(d.client!) },
  // AUTHZ-02 step 3, AUTHZ-04: the redirect target; from here on errors are redirected (ERR-02).
  {
    at: both,
    run: (d) => {
      const redirectUri = checkRedirectUri(d.raw, d.client!);
      // AUTHZ-20: state is echoed when it was sent once, unless it broke its own bound
      // (checkState): echoing kilobytes into a Location header would make the error undeliverable.
      const state = valueOf(d.raw, 'state');
      const echo = state !== undefined && state.length <= maxLength.state;
      d.state = state;
      d.target = { client_id: d.client!.client_id, redirect_uri: redirectUri, response_mode: deliveryMode(d.raw), ...(echo ? { state } : {}) };
      d.request.redirect_uri = redirectUri;
    },
  },
  // Bounded requests: at most 10 resource values and 8 KB of parameters (at /par, the client
  // authentication parameters are not counted), so nothing a caller sends grows what is kept.
  { at: ['authorize'], run: (d) => checkTotalSize(d.raw, 'authorize') },
  { at: ['par'], run: (d) => checkTotalSize(d.raw, 'par') },
  // AUTHZ-02 step 4: no parameter twice.
  { at: both, run: (d) => checkNoRepeatedParameters(d.raw) },
  // AUTHZ-02 step 5, AUTHZ-15: the response mode.
  { at: both, run: (d) => void (d.request.response_mode = checkResponseMode(d.raw)) },
  // AUTHZ-02 step 6, AUTHZ-05: the code flow only.
  { at: both, run: (d) => checkResponseType(d.raw) },
  // AUTHZ-02 step 7, PAR-10: at /authorize, a client that must push cannot send a plain request.
  { at: ['authorize'], run: (d) => checkPushedRequestNotRequired(d.client!) },
  // AUTHZ-02 step 7, AUTHZ-21: no request objects.
  { at: both, run: (d) => checkNoRequestObject(d.raw) },
  // AUTHZ-02 step 8, AUTHZ-06: scopes registered on the client.
  { at: both, run: (d) => void (d.request.scope = checkScope(d.raw, d.client!)) },
  // AUTHZ-02 step 9, AUTHZ-07: PKCE with S256.
  {
    at: both,
    run: (d) => {
      const challenge = checkPkce(d.raw, d.client!);
      if (challenge !== undefined) d.request.code_challenge = challenge;
    },
  },
  // AUTHZ-02 step 10, AUTHZ-08: state where it is mandatory.
  { at: both, run: (d, _, policy) => checkState(d.state, d.client!, policy.requireStateAndNonceForAll) },
  // AUTHZ-02 step 11, AUTHZ-14: prompt.
  { at: both, run: (d) => void (d.request.prompt = checkPrompt(d.raw)) },
  // AUTHZ-02 step 12, AUTHZ-11: acr_values as minimums; unknown values ignored and logged.
  {
    at: both,
    run: (d, _, policy) => {
      // AUTHZ-23: the legacy login_hint=eidas:true asks for eIDAS too (flag, default on).
      const legacyEidasHint = policy.legacyEidasLoginHint !== false && valueOf(d.raw, 'login_hint') === 'eidas:true';
      const acr = parseAcrValues(valueOf(d.raw, 'acr_values'), { legacyEidasHint });
      d.request.acr_minimum = acr.minimum;
      if (acr.eidasMinimum !== undefined) d.request.eidas_minimum = acr.eidasMinimum;
      if (acr.eidasOnly) d.request.eidas_only = true;
      d.ignoredAcrValues = acr.ignored;
    },
  },
  // AUTHZ-02 step 12, AUTHZ-25: resource indicators.
  { at: both, run: (d) => void (d.request.resource = checkResource(d.raw)) },
  // OIDC Core §3.1.2.1: max_age.
  { at: both, run: (d) => optional(d, 'max_age', checkMaxAge(d.raw)) },
  // AUTHZ-09: the nonce is kept for the id_token; AUTHZ-08: mandatory under the flag.
  { at: both, run: (d, _, policy) => optional(d, 'nonce', checkNonce(d.raw, policy.requireStateAndNonceForAll)) },
  // AUTHZ-13: ui_locales, bounded.
  { at: both, run: (d) => optional(d, 'ui_locales', checkLength(d.raw, 'ui_locales')) },
  // AUTHZ-23: a hint only. AUTHZ-22: claims, display, claims_locales and unknown parameters are
  // tolerated and ignored.
  { at: both, run: (d) => optional(d, 'login_hint', checkLength(d.raw, 'login_hint')) },
  // AUTHZ-24: a registered sub-identity of the client.
  { at: both, run: (d) => optional(d, 'onbehalfof', checkOnBehalfOf(d.raw, d.client!)) },
];

function optional<K extends 'max_age' | 'nonce' | 'ui_locales' | 'login_hint' | 'onbehalfof'>(draft: Draft, name: K, value: AuthorizationRequest[K] | undefined): void {
  if (value !== undefined) draft.request[name] = value;
}

/** Runs the steps of `endpoint`. Never throws: the outcome says where an error may go. */
export function parseAuthorizationRequest(raw: RawParameters, registry: ClientRegistry, endpoint: AuthorizationEndpoint = 'authorize', policy: AuthorizationPolicy = {}): AuthorizationOutcome {
  const draft: Draft = { raw, request: {}, ignoredAcrValues: [] };
  try {
    for (const step of steps) if (step.at.includes(endpoint)) step.run(draft, registry, policy);
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    return { ok: false, error, ...(draft.client ? { client: draft.client } : {}), ...(draft.target && error.mayRedirect ? { target: draft.target } : {}) };
  }
  const client = draft.client!;
  const { request } = draft;
  const validated: AuthorizationRequest = {
    client_id: client.client_id,
    redirect_uri: request.redirect_uri!,
    response_mode: request.response_mode!,
    scope: request.scope!,
    prompt: request.prompt!,
    acr_minimum: request.acr_minimum!,
    ...(request.eidas_minimum !== undefined ? { eidas_minimum: request.eidas_minimum } : {}),
    ...(request.eidas_only ? { eidas_only: true as const } : {}),
    resource: request.resource!,
    ...(draft.state !== undefined ? { state: draft.state } : {}),
    ...(request.nonce !== undefined ? { nonce: request.nonce } : {}),
    ...(request.code_challenge !== undefined ? { code_challenge: request.code_challenge } : {}),
    ...(request.max_age !== undefined ? { max_age: request.max_age } : {}),
    ...(request.ui_locales !== undefined ? { ui_locales: request.ui_locales } : {}),
    ...(request.login_hint !== undefined ? { login_hint: request.login_hint } : {}),
    ...(request.onbehalfof !== undefined ? { onbehalfof: request.onbehalfof } : {}),
  };
  return { ok: true, client, request: validated, ignoredAcrValues: draft.ignoredAcrValues };
}
