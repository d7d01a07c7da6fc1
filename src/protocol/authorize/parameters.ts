// Untrusted authorization parameters (query of GET, form body of POST: AUTHZ-01). Both parsers
// turn a repeated key into an array, which is how a repeat is detected (RFC 6749 §3.1: "MUST NOT
// be included more than once"); an empty value counts as absent (RFC 6749 §3.1).
export type RawParameters = Readonly<Record<string, string | string[] | undefined>>;

export type Single = { kind: 'absent' } | { kind: 'value'; value: string } | { kind: 'repeated' };

export function single(raw: RawParameters, name: string): Single {
  const value = raw[name];
  if (Array.isArray(value)) return { kind: 'repeated' };
  if (value === undefined || value === '') return { kind: 'absent' };
  return { kind: 'value', value };
}

/** The value if present exactly once; undefined if absent or repeated. */
export function valueOf(raw: RawParameters, name: string): string | undefined {
  const found = single(raw, name);
  return found.kind === 'value' ? found.value : undefined;
}

/** All values of a parameter that may legitimately repeat (RFC 8707 `resource`). */
export function valuesOf(raw: RawParameters, name: string): string[] {
  const value = raw[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => v !== '');
}

/**
 * The parameters this endpoint understands and that may appear only once (RFC 6749 §3.1).
 * Unrecognised parameters are ignored even when repeated (RFC 6749 §3.1, AUTHZ-22); RFC 8707
 * `resource` may repeat.
 */
export const singleValued = new Set([
  'client_id', 'redirect_uri', 'response_type', 'response_mode', 'scope', 'state', 'nonce',
  'code_challenge', 'code_challenge_method', 'prompt', 'acr_values', 'ui_locales', 'max_age',
  'login_hint', 'request', 'request_uri', 'claims', 'display', 'claims_locales', 'id_token_hint',
  'onbehalfof',
]);

export function repeatedParameter(raw: RawParameters): string | undefined {
  return Object.keys(raw).find((name) => Array.isArray(raw[name]) && singleValued.has(name));
}
