// The scope record of the scope registry (CLIENT-16), with the field names of Digdir's scope
// registry, validated. Types and defaults come first (zod), then the cross-field rules, each
// reported against the field it concerns. The provider's own scopes are built in.
import { z } from 'zod';
import { orgno } from './orgno.js';

/** CLIENT-02: the integration types this provider implements, the ones a scope may allow. */
export const integrationTypes = ['idporten', 'api_klient', 'maskinporten'] as const;
export type IntegrationType = (typeof integrationTypes)[number];

/** RFC 6749 §3.3 scope-token: printable ASCII except space, `"` and `\`. */
export const scopeToken = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

const seconds = (what: string) =>
  z
    .number({ message: `must be a number of seconds (${what})` })
    .int({ message: `must be a whole number of seconds (${what})` })
    .min(0, { message: `must be 0 (no cap) or more seconds (${what})` })
    .max(31_536_000, { message: `must be at most 31536000 seconds (${what})` });

export const scopeRecordSchema = z.strictObject({
  name: z.string().max(200).regex(scopeToken, { message: 'must be a scope token (RFC 6749 §3.3)' }),
  // Digdir: the prefix is the owner's namespace, the subscope the API's own part.
  prefix: z.string().regex(/^[a-z0-9]{1,100}$/, { message: 'must be 1-100 lower-case letters or digits (CLIENT-16)' }),
  subscope: z.string().regex(/^[A-Za-z0-9._:/-]{1,100}$/, { message: 'must be 1-100 characters of A-Z a-z 0-9 . _ : / - (CLIENT-16)' }),
  description: z.string().trim().min(1, { message: 'must not be empty: the consent page shows it (AUTHZ-27)' }).max(500),
  long_description: z.string().max(5000).optional(),
  active: z.boolean().default(true),
  token_type: z.enum(['SELF_CONTAINED', 'OPAQUE'], { message: 'must be SELF_CONTAINED or OPAQUE (AT-01)' }).default('SELF_CONTAINED'),
  // TOKEN-20: absent or 0 = no cap.
  at_max_age: seconds('TOKEN-20').optional(),
  // TOKEN-15: absent or 0 = no cap on the grant beyond the client's authorization_lifetime.
  authorization_max_lifetime: seconds('CLIENT-16').optional(),
  requires_user_consent: z.boolean().default(false),
  requires_user_authentication: z.boolean().default(false),
  requires_pseudonymous_tokens: z.boolean().default(false),
  allowed_integration_types: z
    .array(z.enum(integrationTypes, { message: 'must be idporten, api_klient or maskinporten (CLIENT-02)' }))
    .min(1, { message: 'must name at least one integration type (CLIENT-16)' }),
  accessible_for_all: z.boolean().default(false),
  // INTROSPECT-04: the client_ids that alone may introspect a token carrying this scope.
  enforced_aud_for_introspection: z.array(z.string().regex(/^[\x21-\x7e]{1,200}$/, { message: 'must be a client_id' })).default([]),
  owner_orgno: orgno,
  // Organisations granted the scope when it is not accessible_for_all (the admin API edits this).
  consumer_orgnos: z.array(orgno).default([]),
  created: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
  last_updated: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
});

export type ScopeRecord = z.output<typeof scopeRecordSchema>;

/** A scope as the registry holds it: a validated record, and whether the provider defines it. */
export type RegisteredScope = Readonly<ScopeRecord> & { readonly builtIn: boolean };

/** Digitaliseringsdirektoratet, owner of the provider's own scopes. */
const providerOrgno = '991825827';

const builtIn = (name: string, description: string, allowed: IntegrationType[]): RegisteredScope => {
  const colon = name.indexOf(':');
  return Object.freeze({
    name,
    prefix: colon === -1 ? name : name.slice(0, colon),
    subscope: colon === -1 ? '' : name.slice(colon + 1),
    description,
    active: true,
    token_type: 'SELF_CONTAINED',
    requires_user_consent: false,
    requires_user_authentication: false,
    requires_pseudonymous_tokens: false,
    allowed_integration_types: Object.freeze(allowed) as IntegrationType[],
    accessible_for_all: true,
    enforced_aud_for_introspection: [],
    owner_orgno: providerOrgno,
    consumer_orgnos: [],
    builtIn: true,
  });
};

/**
 * The scopes that always exist (docs/interface.md, "Scopes"): the login scopes, and the provider's
 * own API scopes, which machine clients hold (the introspection scope also api_klient clients).
 */
export const builtInScopes: readonly RegisteredScope[] = Object.freeze([
  builtIn('openid', 'Log in with OpenID Connect', ['idporten', 'api_klient']),
  builtIn('profile', 'Your national identity number', ['idporten', 'api_klient']),
  builtIn('idporten:dcr.read', 'Read client registrations', ['maskinporten']),
  builtIn('idporten:dcr.write', 'Create client registrations', ['maskinporten']),
  builtIn('idporten:dcr.modify', 'Change and delete client registrations', ['maskinporten']),
  builtIn('idporten:dcr/onbehalfof:write', 'Edit the onbehalfof list of client registrations, nothing else of them', ['maskinporten']),
  builtIn('idporten:dcr.supplier', 'Manage the client registrations of customers as their supplier', ['maskinporten']),
  builtIn('idporten:scopes.write', 'Manage the scopes your organisation owns', ['maskinporten']),
  builtIn('idporten:token.introspection', 'Introspect access tokens', ['api_klient', 'maskinporten']),
]);

export interface RuleIssue {
  path: (string | number)[];
  message: string;
}

/** The cross-field rules of CLIENT-16 for one record that already has the right shape. */
export function checkScopeRules(record: ScopeRecord): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const add = (path: (string | number)[], message: string) => issues.push({ path, message });
  if (record.name !== `${record.prefix}:${record.subscope}`) add(['name'], 'must be prefix:subscope (CLIENT-16)');
  if (builtInScopes.some((scope) => scope.name === record.name)) add(['name'], 'is a built-in scope and cannot be redefined (CLIENT-16)');
  if (new Set(record.allowed_integration_types).size !== record.allowed_integration_types.length) add(['allowed_integration_types'], 'must not repeat a value');
  if (new Set(record.consumer_orgnos).size !== record.consumer_orgnos.length) add(['consumer_orgnos'], 'must not repeat an organisation number');
  // AUTHZ-27: consent and fresh authentication need a person; a machine token has none.
  const people = record.allowed_integration_types.some((type) => type !== 'maskinporten');
  if (record.requires_user_consent && !people) add(['requires_user_consent'], 'needs an integration type with a user login (idporten or api_klient) (AUTHZ-27)');
  if (record.requires_user_authentication && !people) add(['requires_user_authentication'], 'needs an integration type with a user login (idporten or api_klient) (AUTHZ-27)');
  return issues;
}
