// What the scopes of a grant or token decide (CLIENT-16): the access token's format (AT-01), its
// lifetime cap (TOKEN-20), the grant's lifetime cap, pseudonymity (IDT-05, AT-05, UI-03), consent
// and fresh authentication (AUTHZ-27), and who may introspect (INTROSPECT-04). Pure: looked up in
// the scope registry at the moment of use, never copied into stored state. Scopes without any of
// these attributes (openid, profile, the provider's own) give the shared plain policy, so the
// login flow of an ordinary client does no more than two map lookups here.
import type { RegisteredScope, ScopeRegistry } from '../registry/scope-registry.js';

export interface ScopePolicy {
  /** AT-01: some scope has token_type OPAQUE, so the access token is a random handle. */
  readonly opaque: boolean;
  /** TOKEN-20: the lowest at_max_age above 0, in seconds; undefined = no cap. */
  readonly accessTokenMaxAge: number | undefined;
  /** CLIENT-16, TOKEN-15: the lowest authorization_max_lifetime above 0, in seconds; undefined = no cap. */
  readonly authorizationMaxLifetime: number | undefined;
  /** IDT-05, AT-05: some scope requires pseudonymous tokens, so no pid anywhere. */
  readonly pseudonymous: boolean;
  /** AUTHZ-27: the scopes that need the user's consent, in request order. */
  readonly consent: readonly RegisteredScope[];
  /** AUTHZ-27: some scope requires a fresh authentication even with an SSO session. */
  readonly freshAuthentication: boolean;
  /** INTROSPECT-04: the enforced_aud_for_introspection list of every scope that has one. */
  readonly introspectors: readonly (readonly string[])[];
}

export const plainPolicy: ScopePolicy = Object.freeze({
  opaque: false,
  accessTokenMaxAge: undefined,
  authorizationMaxLifetime: undefined,
  pseudonymous: false,
  consent: Object.freeze([]),
  freshAuthentication: false,
  introspectors: Object.freeze([]),
});

const isPlain = (scope: RegisteredScope): boolean =>
  scope.token_type === 'SELF_CONTAINED' &&
  !scope.at_max_age &&
  !scope.authorization_max_lifetime &&
  !scope.requires_pseudonymous_tokens &&
  !scope.requires_user_consent &&
  !scope.requires_user_authentication &&
  scope.enforced_aud_for_introspection.length === 0;

const lowest = (current: number | undefined, value: number | undefined): number | undefined => (!value ? current : current === undefined ? value : Math.min(current, value));

/** The policy of a set of scopes; a scope unknown to (or deactivated in) the registry adds nothing. */
export function scopePolicy(scopes: readonly string[], registry: ScopeRegistry): ScopePolicy {
  let policy: { -readonly [K in keyof ScopePolicy]: ScopePolicy[K] } | undefined;
  for (const name of scopes) {
    const scope = registry.find(name);
    if (!scope || isPlain(scope)) continue;
    policy ??= { ...plainPolicy, consent: [], introspectors: [] };
    if (scope.token_type === 'OPAQUE') policy.opaque = true; // AT-01
    policy.accessTokenMaxAge = lowest(policy.accessTokenMaxAge, scope.at_max_age); // TOKEN-20: lowest wins, 0 = no cap
    policy.authorizationMaxLifetime = lowest(policy.authorizationMaxLifetime, scope.authorization_max_lifetime);
    if (scope.requires_pseudonymous_tokens) policy.pseudonymous = true; // IDT-05, AT-05
    if (scope.requires_user_consent) (policy.consent as RegisteredScope[]).push(scope); // AUTHZ-27
    if (scope.requires_user_authentication) policy.freshAuthentication = true; // AUTHZ-27
    if (scope.enforced_aud_for_introspection.length > 0) (policy.introspectors as (readonly string[])[]).push(scope.enforced_aud_for_introspection);
  }
  return policy ?? plainPolicy;
}

/** TOKEN-20, AT-07: the access token's lifetime in seconds, capped by the scopes' at_max_age. */
export const cappedAccessTokenLifetime = (lifetime: number, policy: ScopePolicy): number =>
  policy.accessTokenMaxAge === undefined ? lifetime : Math.min(lifetime, policy.accessTokenMaxAge);

/** TOKEN-15, CLIENT-16: the grant's lifetime in seconds, capped by the scopes' authorization_max_lifetime. */
export const cappedGrantLifetime = (authorizationLifetime: number, policy: ScopePolicy): number =>
  policy.authorizationMaxLifetime === undefined ? authorizationLifetime : Math.min(authorizationLifetime, policy.authorizationMaxLifetime);

/**
 * INTROSPECT-04 RFC 7662 §2.2: a token is visible to a caller only when at least one of its scopes
 * names the caller in enforced_aud_for_introspection (the profile; ID-porten: "the scope(s) in the
 * token must be configured with the client_id of the resource server"), and no scope of the token
 * that names introspectors leaves the caller out (the wave 2 contract: only the clients a scope
 * names may introspect a token carrying it). A token without such scopes is visible to nobody.
 */
export const mayIntrospect = (policy: ScopePolicy, callerId: string): boolean =>
  policy.introspectors.length > 0 && policy.introspectors.every((allowed) => allowed.includes(callerId));
